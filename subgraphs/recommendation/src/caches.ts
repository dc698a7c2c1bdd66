import type { CacheLayers } from '@shopgraph/kit';
import type { TrendingProductModel } from './models.js';

/** Scores decay by the hour; a minute-old ranking is as good as a fresh one. */
const TRENDING_TTL_SECONDS = 60;

/** The recommendation subgraph's caches, made once at boot. */
export function createRecommendationCaches(caches: CacheLayers) {
  const signals = caches.generation('trending');
  return {
    trending: caches.entity<TrendingProductModel[]>({ type: 'trending', version: 1, l2TtlSeconds: TRENDING_TTL_SECONDS }),
    signals,
    /** Signal writes that should show at once (a recompute) call this after commit. */
    evictTrending: () => signals.bump(),
  };
}

export type RecommendationCaches = ReturnType<typeof createRecommendationCaches>;
