import { cachedValueLoader, type PrismaClient } from '@shopgraph/kit';
import type { RecommendationCaches } from './caches.js';
import type { TrendingProductModel } from './models.js';

/** Days of signals that count, and how fast an old day fades (score halves every 3 days). */
const WINDOW_DAYS = 14;
const HALF_LIFE_DAYS = 3;
/** A purchase says more than a cart add, which says more than a view. */
const WEIGHTS = { views: 1, cartAdds: 3, purchases: 10 };

/** Trending products from the daily behaviour counters, aggregated in one SQL statement. */
function trendingQuery(prisma: PrismaClient, today: Date, first: number): Promise<TrendingProductModel[]> {
  return prisma.$queryRaw<TrendingProductModel[]>`
    SELECT product_id::text AS "productId",
           sum((views * ${WEIGHTS.views} + cart_adds * ${WEIGHTS.cartAdds} + purchases * ${WEIGHTS.purchases})
               * power(0.5, (${today}::date - day) / ${HALF_LIFE_DAYS}::float8))::float8 AS score
    FROM reco.product_daily_signal
    WHERE day > ${today}::date - ${WINDOW_DAYS}::int
    GROUP BY product_id
    ORDER BY score DESC, product_id
    LIMIT ${first}`;
}

/** Per-request loaders, through the cache path. */
export function createRecommendationLoaders(prisma: PrismaClient, caches: RecommendationCaches, now: () => Date) {
  return {
    /** The top `first` products by score; each size is its own entry. */
    trending: cachedValueLoader<number, TrendingProductModel[]>(
      caches.trending,
      (first) => String(first),
      (sizes) => Promise.all(sizes.map((first) => trendingQuery(prisma, now(), first))),
      { generation: caches.signals },
    ),
  };
}

export type RecommendationLoaders = ReturnType<typeof createRecommendationLoaders>;
