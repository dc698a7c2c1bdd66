/**
 * Personal recommendations for one customer: item-to-item collaborative filtering over
 * their history blended with content similarity, then trending products in the categories
 * they shop in (cold start), then trending across the store. Every pick carries a reason.
 *
 *   score(j) = sum over history items h of  w(h) * (CF_WEIGHT * cf(h, j) + (1 - CF_WEIGHT) * content(h, j))
 *   w(h)     = interaction weight (purchase > cart add > view) * 0.5^(age in days / RECENCY_HALF_LIFE_DAYS)
 *
 * Never recommended: inactive or out-of-stock products, products without facts, and what
 * the customer bought, unless it is consumable (bought again and again).
 */
import { contentSimilarity, type ContentFacts } from './contentSimilarity.js';
import type { Neighbour } from './itemSimilarity.js';

export type ReasonKind = 'BOUGHT_WITH' | 'SIMILAR_TO_PURCHASED' | 'SIMILAR_TO_VIEWED' | 'TRENDING_IN_CATEGORY' | 'TRENDING';

export interface CandidateFacts extends ContentFacts {
  active: boolean;
  inStock: boolean;
  consumable: boolean;
  /** Display names parallel to categoryIds. */
  categoryNames: readonly string[];
}

export interface HistoryEntry {
  productId: string;
  /** The customer bought it (then it is not recommended again, unless consumable). */
  purchased: boolean;
  /** Interaction weight in (0, 1] (itemSimilarity.interactionWeight). */
  weight: number;
  /** Latest interaction, epoch ms. */
  at: number;
}

export interface PersonalContext {
  facts: (productId: string) => CandidateFacts | undefined;
  /** Collaborative-filtering neighbours, most similar first. */
  neighbours: (productId: string) => readonly Neighbour[];
  /** Products alike by content (same leaf category or brand), so a product nobody else bought still leads somewhere. */
  contentNeighbours: (productId: string) => readonly string[];
  /** Trending products, best first. */
  trending: readonly { productId: string; score: number }[];
  now: number;
}

export interface PersonalOptions {
  limit: number;
  /** Share of collaborative filtering in the blend; the rest is content similarity. */
  cfWeight: number;
  recencyHalfLifeDays: number;
}

export const DEFAULT_PERSONAL_OPTIONS: PersonalOptions = { limit: 50, cfWeight: 0.7, recencyHalfLifeDays: 30 };

export interface PersonalRecommendation {
  productId: string;
  /** Personal relevance; 0 for trending picks (no personal evidence). Only the order matters. */
  score: number;
  reason: ReasonKind;
  /** The history product behind SIMILAR_TO_* reasons. */
  reasonProductId: string | null;
  /** The category name behind TRENDING_IN_CATEGORY. */
  reasonCategory: string | null;
}

const DAY_MS = 86_400_000;

/** May this product be shown to a customer with this history? */
export function isEligible(facts: CandidateFacts | undefined, purchased: boolean): facts is CandidateFacts {
  return facts !== undefined && facts.active && facts.inStock && (!purchased || facts.consumable);
}

export function recommendForCustomer(history: readonly HistoryEntry[], ctx: PersonalContext, options: PersonalOptions = DEFAULT_PERSONAL_OPTIONS): PersonalRecommendation[] {
  const purchased = new Set(history.filter((h) => h.purchased).map((h) => h.productId));
  const eligible = (productId: string) => isEligible(ctx.facts(productId), purchased.has(productId));

  const scores = new Map<string, { score: number; best: number; from: HistoryEntry }>();
  for (const h of history) {
    const ageDays = Math.max(0, (ctx.now - h.at) / DAY_MS);
    const weight = h.weight * Math.pow(0.5, ageDays / options.recencyHalfLifeDays);
    if (!(weight > 0)) continue;
    const hFacts = ctx.facts(h.productId);
    const cf = new Map(ctx.neighbours(h.productId).map((n) => [n.productId, n.similarity]));
    const candidates = new Set([...cf.keys(), ...ctx.contentNeighbours(h.productId)]);
    for (const j of candidates) {
      if (j === h.productId || !eligible(j)) continue;
      const jFacts = ctx.facts(j)!;
      const content = hFacts ? contentSimilarity(hFacts, jFacts) : 0;
      const contribution = weight * (options.cfWeight * (cf.get(j) ?? 0) + (1 - options.cfWeight) * content);
      if (!(contribution > 0)) continue;
      const entry = scores.get(j);
      if (!entry) scores.set(j, { score: contribution, best: contribution, from: h });
      else {
        entry.score += contribution;
        if (contribution > entry.best) Object.assign(entry, { best: contribution, from: h });
      }
    }
  }

  const picks: PersonalRecommendation[] = [...scores.entries()]
    .sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, options.limit)
    .map(([productId, { score, from }]) => ({
      productId,
      score,
      reason: from.purchased ? 'SIMILAR_TO_PURCHASED' : 'SIMILAR_TO_VIEWED',
      reasonProductId: from.productId,
      reasonCategory: null,
    }));
  if (picks.length >= options.limit) return picks;

  // Cold start (or too little evidence): trending in the customer's categories, then anywhere.
  const chosen = new Set(picks.map((p) => p.productId));
  const affinity = categoryAffinity(history, ctx);
  for (const { productId } of ctx.trending) {
    if (picks.length >= options.limit) break;
    if (chosen.has(productId) || !eligible(productId)) continue;
    const facts = ctx.facts(productId)!;
    const index = facts.categoryIds.findIndex((id) => affinity.has(id));
    if (index < 0) continue;
    chosen.add(productId);
    picks.push({ productId, score: 0, reason: 'TRENDING_IN_CATEGORY', reasonProductId: null, reasonCategory: facts.categoryNames[index] ?? null });
  }
  for (const { productId } of ctx.trending) {
    if (picks.length >= options.limit) break;
    if (chosen.has(productId) || !eligible(productId)) continue;
    chosen.add(productId);
    picks.push({ productId, score: 0, reason: 'TRENDING', reasonProductId: null, reasonCategory: null });
  }
  return picks;
}

/**
 * Content neighbours of a product: the most trending eligible products of its leaf category
 * and of its brand (bounded, so a big category costs no more than a small one).
 */
export function contentNeighbourIndex(
  facts: Iterable<CandidateFacts>,
  trending: readonly { productId: string }[],
  limits: { perCategory: number; perBrand: number } = { perCategory: 20, perBrand: 10 },
): (productId: string) => string[] {
  const byId = new Map<string, CandidateFacts>();
  for (const f of facts) byId.set(f.productId, f);
  const rank = new Map(trending.map((t, i) => [t.productId, i]));
  const rankOf = (id: string) => rank.get(id) ?? Number.MAX_SAFE_INTEGER;
  const ordered = [...byId.values()]
    .filter((f) => f.active && f.inStock)
    .sort((a, b) => rankOf(a.productId) - rankOf(b.productId) || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  const byLeaf = new Map<string, string[]>();
  const byBrand = new Map<string, string[]>();
  const push = (map: Map<string, string[]>, key: string, id: string, cap: number) => {
    const list = map.get(key) ?? [];
    if (list.length < cap) list.push(id);
    map.set(key, list);
  };
  for (const f of ordered) {
    if (f.categoryIds[0]) push(byLeaf, f.categoryIds[0], f.productId, limits.perCategory);
    if (f.brandId) push(byBrand, f.brandId, f.productId, limits.perBrand);
  }
  return (productId) => {
    const f = byId.get(productId);
    if (!f) return [];
    return [...(byLeaf.get(f.categoryIds[0] ?? '') ?? []), ...(f.brandId ? (byBrand.get(f.brandId) ?? []) : [])];
  };
}

/**
 * The categories a customer shops in: the leaf and department (not the root: "everything in
 * Women" says little) of every product in their history.
 */
function categoryAffinity(history: readonly HistoryEntry[], ctx: PersonalContext): Set<string> {
  const out = new Set<string>();
  for (const h of history) {
    const ids = ctx.facts(h.productId)?.categoryIds ?? [];
    for (const id of ids.slice(0, Math.max(1, ids.length - 1))) out.add(id);
  }
  return out;
}
