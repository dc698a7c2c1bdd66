import { InputError, isUuid, money, requireAuthenticated, type Identity, type Money } from '@shopgraph/kit';
import { assembleBundle, type Bundle } from '../algorithms/bundles.js';
import type { RecommendationLoaders } from '../loaders.js';
import type { AssociatedProductModel, BundleModel, FactsRow, RecommendationModel } from '../models.js';
import { MAX_TRENDING } from './trendingService.js';

export const MAX_ALSO_BOUGHT = 20;
export const MAX_RECOMMENDED = 50;

export interface PersonalReadContext {
  loaders: RecommendationLoaders;
  identity: Identity;
}

const isFacts = (f: FactsRow | Error | null | undefined): f is FactsRow => f != null && !(f instanceof Error);
/** May be shown to anyone: active and in stock now. */
const eligible = (f: FactsRow | Error | null | undefined): f is FactsRow => isFacts(f) && f.active && f.inStock;

function checkFirst(first: number, max: number): void {
  if (!Number.isInteger(first) || first < 1 || first > max) throw InputError.of('first', `must be an integer from 1 to ${max}`);
}

/**
 * Serves the precomputed recommendations. Availability is checked when read, against the
 * facts projection, so a product that went out of stock or inactive since the last refresh
 * is never shown.
 */
export class RecommendationService {
  /** Also bought with `productId`, best first: only products that can be bought now. */
  async alsoBought(ctx: { loaders: RecommendationLoaders }, productId: string, first: number): Promise<AssociatedProductModel[]> {
    checkFirst(first, MAX_ALSO_BOUGHT);
    if (!isUuid(productId)) return [];
    const rules = await ctx.loaders.alsoBought.load(productId);
    const facts = await ctx.loaders.facts.loadMany(rules.map((r) => r.otherProductId));
    return rules
      .filter((rule, i) => rule.otherProductId !== productId && eligible(facts[i]))
      .slice(0, first)
      .map((rule) => ({ anchorId: productId, productId: rule.otherProductId, support: rule.support, confidence: rule.confidence, lift: rule.lift }));
  }

  /** The product and its most frequent basket companions that can be bought now, with their exact total; null when none. */
  async frequentlyBoughtTogether(ctx: { loaders: RecommendationLoaders }, productId: string): Promise<BundleModel | null> {
    if (!isUuid(productId)) return null;
    const rules = await ctx.loaders.boughtTogether.load(productId);
    const facts = await ctx.loaders.facts.loadMany([productId, ...rules.map((r) => r.otherProductId)]);
    const byId = new Map(facts.filter(isFacts).map((f) => [f.productId, f]));
    const bundle: Bundle | null = assembleBundle(byId.get(productId), rules, (id) => byId.get(id));
    return bundle && { anchorId: productId, ...bundle };
  }

  /**
   * The signed-in customer's recommendations: their precomputed list, then trending to fill
   * it; never what they bought (unless consumable), inactive or out of stock.
   */
  async recommendedForMe(ctx: PersonalReadContext, first: number): Promise<RecommendationModel[]> {
    const customer = requireAuthenticated(ctx.identity);
    checkFirst(first, MAX_RECOMMENDED);
    const [rows, purchased] = await Promise.all([ctx.loaders.personal.load(customer.subject), ctx.loaders.purchased.load(customer.subject)]);
    const bought = new Set(purchased.map((p) => p.productId));
    const facts = await ctx.loaders.facts.loadMany(rows.map((r) => r.productId));
    const picks: RecommendationModel[] = rows
      .filter((row, i) => !bought.has(row.productId) && eligible(facts[i]))
      .slice(0, first)
      .map((row) => ({
        productId: row.productId,
        score: row.score,
        reason: { kind: row.reason, productId: row.reasonProductId, category: row.reasonCategory },
      }));
    if (picks.length < first) {
      // New customers (no history yet) and lists thinned by stock changes: trending fills in.
      const shown = new Set(picks.map((p) => p.productId));
      for (const row of await ctx.loaders.trending.load({ category: null, first: MAX_TRENDING })) {
        if (picks.length >= first) break;
        if (shown.has(row.productId) || bought.has(row.productId)) continue;
        picks.push({ productId: row.productId, score: 0, reason: { kind: 'TRENDING', productId: null, category: null } });
      }
    }
    return picks;
  }
}

export function bundlePrice(bundle: BundleModel): Money {
  return money(bundle.total, bundle.currency);
}
