import type { Client } from '@opensearch-project/opensearch';
import type { PrismaClient } from '@shopgraph/kit';
import { rebuildIndex } from './openSearchIndex.js';

export interface ReindexProgress {
  phase: 'postgres' | 'opensearch';
  done: number;
  total: number;
}

/**
 * Rebuilds search from the catalogue: every projection row in batches (the lexicon moves
 * with each batch), the ratings from the review aggregate, then, when OpenSearch is configured, a fresh index swapped in behind
 * the alias. Searches keep answering throughout.
 */
export async function reindexAll(
  prisma: PrismaClient,
  options: { openSearch?: { client: Client; alias: string }; batchSize?: number; onProgress?: (p: ReindexProgress) => void } = {},
): Promise<{ products: number; searchable: number; openSearchIndex?: string }> {
  const batchSize = options.batchSize ?? 1000;
  const ids = (await prisma.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id::text FROM catalog.product ORDER BY id`)).map((r) => r.id);
  let searchable = 0;
  options.onProgress?.({ phase: 'postgres', done: 0, total: ids.length });
  for (let start = 0; start < ids.length; start += batchSize) {
    const [row] = await prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT catalog.search_refresh($1::uuid[]) AS n`, ids.slice(start, start + batchSize));
    searchable += row?.n ?? 0;
    options.onProgress?.({ phase: 'postgres', done: Math.min(ids.length, start + batchSize), total: ids.length });
  }
  // Words no product uses any more.
  await prisma.$executeRawUnsafe(`DELETE FROM catalog.search_term WHERE documents <= 0`);
  // Ratings from the review aggregate (issue 10), so a rating event lost or dead-lettered is repaired here too.
  await prisma.$queryRawUnsafe(
    `SELECT catalog.search_set_rating(array_agg(r.product_id),
       array_agg(CASE WHEN r.count > 0 THEN round(r.star_sum::numeric / r.count, 2) ELSE 0 END), array_agg(r.count))
     FROM catalog.product_rating r`,
  );
  if (!options.openSearch) return { products: ids.length, searchable };
  const { index } = await rebuildIndex(options.openSearch.client, prisma, options.openSearch.alias, {
    batchSize,
    onProgress: (done, total) => options.onProgress?.({ phase: 'opensearch', done, total }),
  });
  return { products: ids.length, searchable, openSearchIndex: index };
}
