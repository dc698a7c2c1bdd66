import type { Client } from '@opensearch-project/opensearch';
import type { PrismaClient } from '@shopgraph/kit';

/**
 * The OpenSearch side of the index: mapping, documents built from the PostgreSQL search
 * projection (one source of truth), bulk writes, and zero-downtime rebuilds through an alias.
 */

export const PRODUCT_INDEX_SETTINGS = {
  settings: {
    number_of_shards: 1,
    analysis: { normalizer: { lowercase: { type: 'custom', filter: ['lowercase'] } } },
  },
  mappings: {
    dynamic: 'strict',
    properties: {
      /** The product id again, as a sortable keyword (sorting on _id needs fielddata OpenSearch may refuse). */
      id: { type: 'keyword' },
      // English analyzer (stemming, stop words) for recall; name.raw for the exact-name boost.
      name: { type: 'text', analyzer: 'english', copy_to: 'spell', fields: { raw: { type: 'keyword', normalizer: 'lowercase' } } },
      brand: { type: 'text', analyzer: 'english', copy_to: 'spell' },
      category: { type: 'text', analyzer: 'english', copy_to: 'spell' },
      attribute_text: { type: 'text', analyzer: 'english', copy_to: 'spell' },
      /** Unstemmed words of name, brand, category and attributes: the "did you mean" lexicon. */
      spell: { type: 'text', analyzer: 'simple' },
      description: { type: 'text', analyzer: 'english' },
      brand_id: { type: 'keyword' },
      category_id: { type: 'keyword' },
      /** The category and all its ancestors: one terms filter or aggregation covers the tree. */
      category_ids: { type: 'keyword' },
      /** "name=value" pairs. */
      attributes: { type: 'keyword' },
      min_price: { type: 'scaled_float', scaling_factor: 100 },
      currency: { type: 'keyword' },
      in_stock: { type: 'boolean' },
      rating: { type: 'float' },
      review_count: { type: 'integer' },
      popularity: { type: 'float' },
      created_at: { type: 'date' },
      suggest: { type: 'completion', analyzer: 'simple', preserve_separators: true, max_input_length: 100 },
    },
  },
} as const;

export interface ProductDocument {
  id: string;
  name: string;
  brand: string;
  category: string;
  attribute_text: string;
  description: string;
  brand_id: string;
  category_id: string;
  category_ids: string[];
  attributes: string[];
  min_price: number;
  currency: string;
  in_stock: boolean;
  rating: number;
  review_count: number;
  popularity: number;
  created_at: string;
  suggest: { input: string[] };
}

interface ProjectionRow {
  id: string;
  active: boolean;
  name: string;
  brand_name: string;
  category_names: string;
  attributes: string[] | null;
  description: string;
  brand_id: string;
  category_id: string;
  category_ids: string[] | null;
  min_price: string;
  currency: string;
  in_stock: boolean;
  rating: string;
  review_count: number;
  popularity: number;
  created_at: Date;
}

/** Projection rows of these products as OpenSearch documents; null where the product is not searchable. */
export async function loadDocuments(prisma: PrismaClient, ids: readonly string[]): Promise<Map<string, ProductDocument | null>> {
  const rows = await prisma.$queryRawUnsafe<ProjectionRow[]>(
    `SELECT s.product_id::text AS id, s.status = 'ACTIVE' AS active, s.name, s.brand_name, p.description,
       (SELECT string_agg(c.name, ' ' ORDER BY c.depth) FROM catalog.category c WHERE c.id = ANY (s.category_ids)) AS category_names,
       s.attributes, s.brand_id::text, s.category_id::text, s.category_ids::text[], s.min_price::text, s.currency, s.in_stock,
       s.rating::text, s.review_count, s.popularity, s.created_at
     FROM catalog.product_search s JOIN catalog.product p ON p.id = s.product_id
     WHERE s.product_id = ANY ($1::uuid[])`,
    ids,
  );
  const docs = new Map<string, ProductDocument | null>(ids.map((id) => [id, null]));
  for (const r of rows) {
    if (!r.active) continue;
    const attributes = r.attributes ?? [];
    docs.set(r.id, {
      id: r.id,
      name: r.name,
      brand: r.brand_name,
      category: r.category_names,
      attribute_text: attributes.map((a) => a.slice(a.indexOf('=') + 1)).join(' '),
      description: r.description,
      brand_id: r.brand_id,
      category_id: r.category_id,
      category_ids: r.category_ids ?? [],
      attributes,
      min_price: Number(r.min_price),
      currency: r.currency.trim(),
      in_stock: r.in_stock,
      rating: Number(r.rating),
      review_count: r.review_count,
      popularity: r.popularity,
      created_at: r.created_at.toISOString(),
      suggest: { input: [r.name, r.brand_name, ...r.category_names.split(' ').slice(-1)] },
    });
  }
  return docs;
}

/** Index (or delete) these products' documents through the alias; throws if any item failed. */
export async function writeDocuments(client: Client, index: string, docs: Map<string, ProductDocument | null>, options: { alias: boolean; refresh?: boolean }): Promise<void> {
  const { alias, refresh = false } = options;
  if (docs.size === 0) return;
  const body: unknown[] = [];
  for (const [id, doc] of docs) {
    if (doc) body.push({ index: { _index: index, _id: id } }, doc);
    else body.push({ delete: { _index: index, _id: id } });
  }
  // require_alias: before the first `npm run reindex` there is no alias, and writing to it
  // would auto-create a plain index of that name with a guessed mapping.
  const { body: response } = await client.bulk({ body: body as never, refresh: refresh ? 'wait_for' : false, require_alias: alias } as never);
  const result = response as { errors: boolean; items: Array<Record<string, { status: number; error?: unknown }>> };
  if (result.errors) {
    // Deleting a document that is not there is fine; anything else is a failure.
    const failed = result.items.flatMap((item) => Object.entries(item)).filter(([op, r]) => r.error && !(op === 'delete' && r.status === 404)).map(([, r]) => r);
    if (failed.length > 0) throw new Error(`OpenSearch bulk: ${failed.length} of ${docs.size} documents failed: ${JSON.stringify(failed[0]!.error)}`);
  }
}

/**
 * Zero-downtime rebuild: a fresh index under a new name, filled in batches, refreshed, then
 * the alias moved to it in one atomic call and the old indices deleted.
 */
export async function rebuildIndex(
  client: Client,
  prisma: PrismaClient,
  alias: string,
  options: { batchSize?: number; onProgress?: (done: number, total: number) => void; now?: Date } = {},
): Promise<{ index: string; documents: number; previous: string[] }> {
  const batchSize = options.batchSize ?? 1000;
  const index = `${alias}-${(options.now ?? new Date()).toISOString().replace(/[^0-9]/g, '').slice(0, 17)}`;
  await client.indices.create({ index, body: PRODUCT_INDEX_SETTINGS as never });
  const ids = (await prisma.$queryRawUnsafe<Array<{ id: string }>>(`SELECT product_id::text AS id FROM catalog.product_search WHERE status = 'ACTIVE' ORDER BY product_id`)).map((r) => r.id);
  let documents = 0;
  options.onProgress?.(0, ids.length);
  for (let start = 0; start < ids.length; start += batchSize) {
    const docs = await loadDocuments(prisma, ids.slice(start, start + batchSize));
    await writeDocuments(client, index, docs, { alias: false });
    documents += [...docs.values()].filter(Boolean).length;
    options.onProgress?.(Math.min(ids.length, start + batchSize), ids.length);
  }
  await client.indices.refresh({ index });
  const previous = await aliasTargets(client, alias);
  await client.indices.updateAliases({
    body: { actions: [...previous.map((old) => ({ remove: { index: old, alias } })), { add: { index, alias, is_write_index: true } }] },
  });
  for (const old of previous) await client.indices.delete({ index: old });
  return { index, documents, previous };
}

async function aliasTargets(client: Client, alias: string): Promise<string[]> {
  const exists = await client.indices.existsAlias({ name: alias });
  if (!exists.body) return [];
  const { body } = await client.indices.getAlias({ name: alias });
  return Object.keys(body);
}

/** One alias per deployment (database), so several stacks can share one OpenSearch. */
export function productAlias(namespace: string): string {
  return `shopgraph-${namespace.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}-products`;
}
