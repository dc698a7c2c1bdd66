import type { CacheLayers } from '@shopgraph/kit';
import type { FactsRow, PersonalRow, PurchasedRow, RuleRow, TrendingRow } from './models.js';

/**
 * Everything is precomputed and every change evicts what it made wrong (by key, or the
 * trending generation), so entries may live an hour in Redis; the TTL only frees memory
 * and bounds what a lost eviction costs.
 */
const RECO_TTL_SECONDS = 3_600;

/** The recommendation subgraph's caches, made once at boot. */
export function createRecommendationCaches(caches: CacheLayers) {
  const entity = <V>(type: string) => caches.entity<V>({ type, version: 1, l2TtlSeconds: RECO_TTL_SECONDS });
  return {
    /** By product id: facts events evict their product. */
    facts: entity<FactsRow>('reco-product-facts'),
    /** By product id: the refresh job evicts the products it recomputed. */
    alsoBought: entity<RuleRow[]>('reco-also-bought'),
    boughtTogether: entity<RuleRow[]>('reco-bought-together'),
    /** By customer id: the refresh job and the customer's purchases evict it. */
    personal: entity<PersonalRow[]>('reco-personal'),
    /** By customer id: what they bought that is not consumable (never shown to them); their orders evict it. */
    purchased: entity<PurchasedRow[]>('reco-purchased'),
    /** By category and size, under the trending generation: a recompute, or a product going in or out of stock, retires them all. */
    trending: entity<TrendingRow[]>('reco-trending'),
    trendingGeneration: caches.generation('reco-trending'),
  };
}

export type RecommendationCaches = ReturnType<typeof createRecommendationCaches>;
