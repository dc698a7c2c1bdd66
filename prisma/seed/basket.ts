// Which products end up in orders: a Zipf-like popularity over active products, and
// baskets built around an anchor product so co-purchases cluster by category and brand.
import { ACTIVE, type CatalogIndex } from './catalogIndex.js';
import { shuffle, type Rng } from './random.js';

export class BasketSampler {
  /** Active products, most popular first. */
  private readonly ranked: Uint32Array;
  private readonly byLeaf = new Map<number, number[]>();
  private readonly byBrand = new Map<number, number[]>();
  private readonly byRoot = new Map<number, number[]>();

  constructor(
    rng: Rng,
    private readonly catalog: CatalogIndex,
  ) {
    const active: number[] = [];
    for (let i = 0; i < catalog.count; i++) if (catalog.status[i] === ACTIVE) active.push(i);
    this.ranked = shuffle(rng, Uint32Array.from(active));
    // Filled in rank order, so each list is itself sorted by popularity.
    for (const p of this.ranked) {
      append(this.byLeaf, catalog.leaf[p]!, p);
      append(this.byBrand, catalog.brand[p]!, p);
      append(this.byRoot, catalog.root[p]!, p);
    }
  }

  get size(): number {
    return this.ranked.length;
  }

  /** Mostly popularity-skewed, with a uniform share so the long tail sells too. */
  popular(rng: Rng): number {
    const n = this.ranked.length;
    const rank = rng.chance(0.8) ? rng.zipf(n) : Math.floor(rng.next() * n);
    return this.ranked[rank]!;
  }

  /** A product to put next to `anchor` in a basket: same leaf category, same brand, same department tree, or anything. */
  companion(rng: Rng, anchor: number): number {
    const r = rng.next();
    const list =
      r < 0.45
        ? this.byLeaf.get(this.catalog.leaf[anchor]!)
        : r < 0.6
          ? this.byBrand.get(this.catalog.brand[anchor]!)
          : r < 0.75
            ? this.byRoot.get(this.catalog.root[anchor]!)
            : undefined;
    if (!list || list.length < 2) return this.popular(rng);
    return list[rng.zipf(list.length)]!;
  }
}

function append(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
