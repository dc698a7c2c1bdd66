/**
 * Item-to-item collaborative filtering: two products are alike when the same customers
 * interact with both. Each customer is a vector over products (implicit feedback: a
 * purchase weighs more than a cart add, which weighs more than a view); the similarity of
 * two products is the cosine of their customer columns, shrunk towards 0 when few
 * customers share them (common / (common + shrinkage)), so two products one customer
 * happened to touch are not "identical".
 */

export interface Interaction {
  customerId: string;
  productId: string;
  /** In (0, 1]; see interactionWeight. */
  weight: number;
}

export interface Neighbour {
  productId: string;
  similarity: number;
}

export interface NeighbourOptions {
  /** Neighbours kept per product, most similar first. */
  limit: number;
  shrinkage: number;
  /** Similarities below this are not kept. */
  minSimilarity: number;
  /** A customer's strongest interactions considered (bounds the pairs one customer adds). */
  maxItemsPerCustomer: number;
}

export const DEFAULT_NEIGHBOUR_OPTIONS: NeighbourOptions = { limit: 30, shrinkage: 2, minSimilarity: 0.01, maxItemsPerCustomer: 200 };

/** How strongly a customer's history with a product says they like it. */
export const INTERACTION_WEIGHTS = { purchase: 1, cartAdd: 0.6, view: 0.3 } as const;

export function interactionWeight(signal: { purchases: number; cartAdds: number; views: number }): number {
  if (signal.purchases > 0) return INTERACTION_WEIGHTS.purchase;
  if (signal.cartAdds > 0) return INTERACTION_WEIGHTS.cartAdd;
  return signal.views > 0 ? INTERACTION_WEIGHTS.view : 0;
}

export function itemNeighbours(interactions: Iterable<Interaction>, options: NeighbourOptions = DEFAULT_NEIGHBOUR_OPTIONS): Map<string, Neighbour[]> {
  const itemIndex = new Map<string, number>();
  const items: string[] = [];
  const byCustomer = new Map<string, Map<number, number>>();
  for (const { customerId, productId, weight } of interactions) {
    if (!(weight > 0)) continue;
    let item = itemIndex.get(productId);
    if (item === undefined) {
      item = items.length;
      items.push(productId);
      itemIndex.set(productId, item);
    }
    let row = byCustomer.get(customerId);
    if (!row) byCustomer.set(customerId, (row = new Map<number, number>()));
    row.set(item, Math.max(row.get(item) ?? 0, weight));
  }

  const squares = new Float64Array(items.length);
  const m = items.length;
  // Pair (i < j) -> [dot product, customers in common], keyed i * m + j.
  const pairs = new Map<number, [number, number]>();
  for (const row of byCustomer.values()) {
    let entries = [...row.entries()];
    if (entries.length > options.maxItemsPerCustomer) {
      entries = entries.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, options.maxItemsPerCustomer);
    }
    entries.sort((a, b) => a[0] - b[0]);
    for (const [i, wi] of entries) squares[i]! += wi * wi;
    for (let a = 0; a < entries.length; a++) {
      const [i, wi] = entries[a]!;
      for (let b = a + 1; b < entries.length; b++) {
        const [j, wj] = entries[b]!;
        const key = i * m + j;
        const pair = pairs.get(key);
        if (pair) {
          pair[0] += wi * wj;
          pair[1] += 1;
        } else pairs.set(key, [wi * wj, 1]);
      }
    }
  }

  const lists = new Map<number, Neighbour[]>();
  const add = (from: number, to: number, similarity: number) => {
    let list = lists.get(from);
    if (!list) lists.set(from, (list = []));
    list.push({ productId: items[to]!, similarity });
  };
  for (const [key, [dot, common]] of pairs) {
    const i = Math.floor(key / m);
    const j = key - i * m;
    const cosine = dot / Math.sqrt(squares[i]! * squares[j]!);
    const similarity = cosine * (common / (common + options.shrinkage));
    if (similarity < options.minSimilarity) continue;
    add(i, j, similarity);
    add(j, i, similarity);
  }

  const out = new Map<string, Neighbour[]>();
  for (const [i, list] of lists) {
    list.sort((a, b) => b.similarity - a.similarity || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
    out.set(items[i]!, list.slice(0, options.limit));
  }
  return out;
}
