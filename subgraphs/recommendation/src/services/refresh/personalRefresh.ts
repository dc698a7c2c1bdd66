// What personal recommendations are computed from: every product's facts, the item
// neighbours, the trending ranking and a content index, loaded once per refresh run; then
// each customer's history, a batch at a time.
import type { PrismaClient } from '@shopgraph/kit';
import { interactionWeight, itemNeighbours, type Neighbour, type NeighbourOptions } from '../../algorithms/itemSimilarity.js';
import {
  contentNeighbourIndex,
  recommendForCustomer,
  type CandidateFacts,
  type HistoryEntry,
  type PersonalContext,
  type PersonalOptions,
  type PersonalRecommendation,
} from '../../algorithms/personalised.js';
import type { Tx } from './ruleMining.js';

/** A customer's most recent products considered. */
const HISTORY_LIMIT = 200;
/** Products whose neighbour lists go in one INSERT. */
const NEIGHBOUR_WRITE_CHUNK = 2_000;

type Reader = Pick<PrismaClient, '$queryRawUnsafe'>;

interface FactsSqlRow {
  productId: string;
  categoryIds: string[];
  categoryNames: string[];
  brandId: string | null;
  priceBand: number | null;
  attributes: string[];
  active: boolean;
  inStock: boolean;
  consumable: boolean;
}

export async function loadPersonalContext(db: Reader, now: Date): Promise<PersonalContext> {
  const facts = await db.$queryRawUnsafe<FactsSqlRow[]>(
    `SELECT product_id::text AS "productId", category_ids::text[] AS "categoryIds", category_names AS "categoryNames",
            brand_id::text AS "brandId", price_band AS "priceBand", attributes, active, in_stock AS "inStock", consumable
     FROM reco.product_facts`,
  );
  const byId = new Map<string, CandidateFacts>(facts.map((f) => [f.productId, f]));
  const neighbourRows = await db.$queryRawUnsafe<{ productId: string; others: string[]; similarities: number[] }[]>(
    `SELECT product_id::text AS "productId", other_product_ids::text[] AS others, similarities FROM reco.item_neighbours`,
  );
  const neighbours = new Map<string, Neighbour[]>(
    neighbourRows.map((row) => [row.productId, row.others.map((productId, i) => ({ productId, similarity: row.similarities[i]! }))]),
  );
  const trending = await db.$queryRawUnsafe<{ productId: string; score: number }[]>(
    `SELECT product_id::text AS "productId", score FROM reco.trending_score ORDER BY score DESC, product_id`,
  );

  return {
    facts: (id) => byId.get(id),
    neighbours: (id) => neighbours.get(id) ?? [],
    contentNeighbours: contentNeighbourIndex(byId.values(), trending),
    trending,
    now: now.getTime(),
  };
}

/** Each customer's history, most recent first. */
export async function loadHistories(db: Reader, customerIds: readonly string[]): Promise<Map<string, HistoryEntry[]>> {
  const rows = await db.$queryRawUnsafe<{ customerId: string; productId: string; views: number; cartAdds: number; purchases: number; at: Date }[]>(
    `SELECT customer_id::text AS "customerId", product_id::text AS "productId", views, cart_adds AS "cartAdds", purchases,
            greatest(last_viewed_at, last_cart_add_at, last_purchased_at) AS at
     FROM reco.customer_product_signal WHERE customer_id = ANY($1::uuid[])
     ORDER BY customer_id, at DESC NULLS LAST, product_id`,
    customerIds,
  );
  const out = new Map<string, HistoryEntry[]>();
  for (const row of rows) {
    const list = out.get(row.customerId) ?? [];
    if (list.length < HISTORY_LIMIT) {
      list.push({ productId: row.productId, purchased: row.purchases > 0, weight: interactionWeight(row), at: row.at?.getTime() ?? 0 });
    }
    out.set(row.customerId, list);
  }
  return out;
}

/** Computes and replaces the recommendations of a batch of customers. Returns the rows written. */
export async function refreshCustomers(tx: Tx, customerIds: readonly string[], ctx: PersonalContext, options: PersonalOptions, computedAt: Date): Promise<number> {
  const histories = await loadHistories(tx, customerIds);
  const rows: { c: string; p: string; r: number; s: number; reason: string; rp: string | null; rc: string | null }[] = [];
  for (const customerId of customerIds) {
    const history = histories.get(customerId) ?? [];
    // No history: nothing personal to store; serving falls back to trending.
    const picks: PersonalRecommendation[] = history.length > 0 ? recommendForCustomer(history, ctx, options) : [];
    picks.forEach((p, i) => rows.push({ c: customerId, p: p.productId, r: i + 1, s: p.score, reason: p.reason, rp: p.reasonProductId, rc: p.reasonCategory }));
  }
  await tx.$executeRawUnsafe('DELETE FROM reco.customer_recommendation WHERE customer_id = ANY($1::uuid[])', customerIds);
  if (rows.length === 0) return 0;
  // One JSON parameter: far cheaper to send than seven arrays of thousands of elements.
  return tx.$executeRawUnsafe(
    `INSERT INTO reco.customer_recommendation (customer_id, product_id, rank, score, reason, reason_product_id, reason_category, computed_at)
     SELECT c, p, r, s, reason::reco."RecommendationReason", rp, rc, $2
     FROM jsonb_to_recordset($1::jsonb) AS t(c uuid, p uuid, r int, s float8, reason text, rp uuid, rc text)`,
    JSON.stringify(rows),
    computedAt,
  );
}

/** Recomputes every product's collaborative-filtering neighbours from every customer's history. Returns products with neighbours. */
export async function rebuildNeighbours(tx: Tx, options: NeighbourOptions): Promise<number> {
  const signals = await tx.$queryRawUnsafe<{ customerId: string; productId: string; views: number; cartAdds: number; purchases: number }[]>(
    `SELECT customer_id::text AS "customerId", product_id::text AS "productId", views, cart_adds AS "cartAdds", purchases FROM reco.customer_product_signal`,
  );
  const neighbours = itemNeighbours(
    signals.map((s) => ({ customerId: s.customerId, productId: s.productId, weight: interactionWeight(s) })),
    options,
  );
  await tx.$executeRawUnsafe('DELETE FROM reco.item_neighbours');
  const rows = [...neighbours].map(([p, list]) => ({ p, o: list.map((n) => n.productId), s: list.map((n) => n.similarity) }));
  for (let start = 0; start < rows.length; start += NEIGHBOUR_WRITE_CHUNK) {
    await tx.$executeRawUnsafe(
      `INSERT INTO reco.item_neighbours (product_id, other_product_ids, similarities)
       SELECT p, o, s FROM jsonb_to_recordset($1::jsonb) AS r(p uuid, o uuid[], s float8[])`,
      JSON.stringify(rows.slice(start, start + NEIGHBOUR_WRITE_CHUNK)),
    );
  }
  return neighbours.size;
}
