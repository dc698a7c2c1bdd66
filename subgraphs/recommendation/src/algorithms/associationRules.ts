/**
 * Association rules between products ("customers who bought X also bought Y", "bought
 * together in one order"), mined from baskets: a basket is a customer's purchases in the
 * window for also-bought, or one order for bundles. For a rule X -> Y over N baskets:
 *
 *   support    = baskets holding both X and Y
 *   confidence = support / baskets holding X          P(Y | X)
 *   lift       = confidence / (baskets holding Y / N)  above 1: together more than by chance
 *   score      = confidence - baskets holding Y / N    "added value": how much X raises the odds of Y
 *
 * Raw co-occurrence counts would rank the best sellers next to everything; the score
 * subtracts Y's own popularity, and rules with lift <= 1 are dropped. A rule needs
 * `minSupport` baskets, so one shared basket proves nothing. The refresh job runs the same
 * arithmetic in SQL (ruleMining.ts); this module is its reference and is unit-tested by hand.
 */

export interface RuleOptions {
  /** Fewest baskets holding both products for a rule to count. */
  minSupport: number;
  /** Rules kept per product, best first. */
  limit: number;
}

export interface AssociationRule {
  productId: string;
  otherProductId: string;
  support: number;
  confidence: number;
  lift: number;
  score: number;
  /** 1-based position among the product's rules. */
  rank: number;
}

/** Orders rules best first: score, then confidence, then id (a stable answer for ties). */
export function compareRules(a: Pick<AssociationRule, 'score' | 'confidence' | 'otherProductId'>, b: typeof a): number {
  return b.score - a.score || b.confidence - a.confidence || (a.otherProductId < b.otherProductId ? -1 : a.otherProductId > b.otherProductId ? 1 : 0);
}

/**
 * Rules from every product in `anchors` (all products when absent) to the others, from
 * baskets given as basket id -> products (duplicates within a basket count once).
 */
export function mineAssociationRules(
  baskets: ReadonlyMap<string, Iterable<string>>,
  options: RuleOptions,
  anchors?: ReadonlySet<string>,
): Map<string, AssociationRule[]> {
  const sets = [...baskets.values()].map((items) => new Set(items)).filter((set) => set.size > 0);
  const n = sets.length;
  const itemCount = new Map<string, number>();
  for (const set of sets) for (const item of set) itemCount.set(item, (itemCount.get(item) ?? 0) + 1);

  const pairCount = new Map<string, Map<string, number>>();
  for (const set of sets) {
    for (const x of set) {
      if (anchors && !anchors.has(x)) continue;
      let row = pairCount.get(x);
      if (!row) pairCount.set(x, (row = new Map<string, number>()));
      for (const y of set) if (y !== x) row.set(y, (row.get(y) ?? 0) + 1);
    }
  }

  const rules = new Map<string, AssociationRule[]>();
  for (const [x, row] of pairCount) {
    const cx = itemCount.get(x)!;
    const kept: AssociationRule[] = [];
    for (const [y, cxy] of row) {
      const cy = itemCount.get(y)!;
      // lift > 1 in integers: cxy / cx > cy / n.
      if (cxy < options.minSupport || cxy * n <= cx * cy) continue;
      const confidence = cxy / cx;
      kept.push({ productId: x, otherProductId: y, support: cxy, confidence, lift: (cxy * n) / (cx * cy), score: confidence - cy / n, rank: 0 });
    }
    kept.sort(compareRules);
    const top = kept.slice(0, options.limit);
    top.forEach((rule, i) => (rule.rank = i + 1));
    if (top.length > 0) rules.set(x, top);
  }
  return rules;
}
