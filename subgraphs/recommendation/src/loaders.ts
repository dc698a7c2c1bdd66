import type DataLoader from 'dataloader';
import { cachedChildrenLoader, cachedRowLoader, cachedValueLoader, isUuid, ResponseTag, type PrismaClient, type ResponseTags } from '@shopgraph/kit';
import type { RecommendationCaches } from './caches.js';
import type { FactsRow, PersonalRow, PurchasedRow, RuleRow, TrendingRow } from './models.js';
import { RULE_TABLES, type RuleKind } from './services/refresh/ruleMining.js';

/** A trending read: a category (and everything under it) or the whole store, and how many. */
export interface TrendingKey {
  category: string | null;
  first: number;
}

function rulesOf(prisma: PrismaClient, kind: RuleKind) {
  return (productIds: string[]) =>
    prisma.$queryRawUnsafe<RuleRow[]>(
      `SELECT product_id::text AS "productId", other_product_id::text AS "otherProductId", support, confidence, lift
       FROM ${RULE_TABLES[kind].table} WHERE product_id = ANY($1::uuid[]) ORDER BY product_id, rank`,
      productIds,
    );
}

/** Adds a tag per key asked for, whatever the answer (an empty list shows "no recommendations" for it). */
function taggedByKey<V>(loader: DataLoader<string, V>, sink: ResponseTags, tagOf: (key: string) => string) {
  return {
    load: (key: string) => {
      sink.add(tagOf(key));
      return loader.load(key);
    },
  };
}

/**
 * The recommendation subgraph's per-request loaders, every one through the cache path
 * (DataLoader -> L1 -> Redis -> one SQL query per batch), reading only precomputed rows.
 */
export function createRecommendationLoaders(prisma: PrismaClient, caches: RecommendationCaches, sink: ResponseTags) {
  const byUuid = { isValidKey: isUuid };
  return {
    /** Product facts by id: whether each candidate may be shown (active, in stock) and its price. */
    facts: cachedRowLoader<FactsRow>(
      caches.facts,
      (ids) =>
        prisma.$queryRawUnsafe<FactsRow[]>(
          `SELECT product_id::text AS "productId", category_ids::text[] AS "categoryIds", category_names AS "categoryNames",
                  brand_id::text AS "brandId", price, currency, active, in_stock AS "inStock", consumable
           FROM reco.product_facts WHERE product_id = ANY($1::uuid[])`,
          ids,
        ),
      (f) => f.productId,
      { ...byUuid, tags: { sink, of: (f) => ResponseTag.product(f.productId) } },
    ),
    alsoBought: taggedByKey(cachedChildrenLoader(caches.alsoBought, rulesOf(prisma, 'alsoBought'), (r) => r.productId, byUuid), sink, ResponseTag.recommendations),
    boughtTogether: taggedByKey(cachedChildrenLoader(caches.boughtTogether, rulesOf(prisma, 'boughtTogether'), (r) => r.productId, byUuid), sink, ResponseTag.recommendations),
    /** A customer's precomputed recommendations, best first (private: never tagged for a shared cache). */
    personal: cachedChildrenLoader<PersonalRow>(
      caches.personal,
      (customerIds) =>
        prisma.$queryRawUnsafe<PersonalRow[]>(
          `SELECT customer_id::text AS "customerId", product_id::text AS "productId", score, reason::text AS reason,
                  reason_product_id::text AS "reasonProductId", reason_category AS "reasonCategory"
           FROM reco.customer_recommendation WHERE customer_id = ANY($1::uuid[]) ORDER BY customer_id, rank`,
          customerIds,
        ),
      (r) => r.customerId,
      byUuid,
    ),
    /** What each customer bought that is not consumable: never recommended to them. */
    purchased: cachedChildrenLoader<PurchasedRow>(
      caches.purchased,
      (customerIds) =>
        prisma.$queryRawUnsafe<PurchasedRow[]>(
          `SELECT s.customer_id::text AS "customerId", s.product_id::text AS "productId"
           FROM reco.customer_product_signal s LEFT JOIN reco.product_facts f ON f.product_id = s.product_id
           WHERE s.customer_id = ANY($1::uuid[]) AND s.purchases > 0 AND NOT coalesce(f.consumable, false)`,
          customerIds,
        ),
      (r) => r.customerId,
      byUuid,
    ),
    /** The top `first` active, in-stock products by trending score; each category and size is its own entry. */
    trending: cachedValueLoader<TrendingKey, TrendingRow[]>(
      caches.trending,
      (k) => `${k.category ?? '*'}:${k.first}`,
      (keys) =>
        Promise.all(
          keys.map((k) =>
            prisma.$queryRawUnsafe<TrendingRow[]>(
              `SELECT t.product_id::text AS "productId", t.score, f.category_ids::text[] AS "categoryIds", f.category_names AS "categoryNames"
               FROM reco.trending_score t JOIN reco.product_facts f ON f.product_id = t.product_id
               WHERE f.active AND f.in_stock AND ($1::uuid IS NULL OR f.category_ids @> ARRAY[$1::uuid])
               ORDER BY t.score DESC, t.product_id LIMIT $2`,
              k.category,
              k.first,
            ),
          ),
        ),
      {
        generation: caches.trendingGeneration,
        // Membership follows stock and status like any listing; the ranking follows each recompute.
        tags: {
          sink,
          of: (rows) => {
            sink.add(ResponseTag.trending);
            for (const row of rows) sink.add(ResponseTag.product(row.productId));
            return ResponseTag.productList;
          },
        },
      },
    ),
  };
}

export type RecommendationLoaders = ReturnType<typeof createRecommendationLoaders>;
