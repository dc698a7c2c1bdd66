// reco.product_daily_signal rows: purchases come from the generated orders; views and
// cart adds are derived from them with noise, plus browse-only views of unsold products.
import type { BasketSampler } from './basket.js';
import type { TableBuffer } from './bulkInsert.js';
import type { CatalogIndex } from './catalogIndex.js';
import type { Rng } from './random.js';

const DAY_MS = 86_400_000;

/** Accumulates one UTC day at a time; orders must be fed in chronological order. */
export class DailySignals {
  private day: string | undefined;
  private dayEnd = 0;
  private readonly purchases = new Map<number, number>();
  /** Views and cart adds of signed-in customers (CustomerInteractions), on top of the anonymous traffic. */
  private readonly browsing = new Map<number, [views: number, cartAdds: number]>();
  daysWritten = 0;

  constructor(
    private readonly rng: Rng,
    private readonly catalog: CatalogIndex,
    private readonly basket: BasketSampler,
    private readonly buffer: TableBuffer,
  ) {}

  /** Moves to the UTC day of time t, writing out the previous day if it changed. */
  advanceTo(t: number): void {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day === this.day) return;
    this.flush();
    this.day = day;
    this.dayEnd = Date.parse(day) + DAY_MS;
  }

  recordPurchase(product: number, units: number): void {
    this.purchases.set(product, (this.purchases.get(product) ?? 0) + units);
  }

  /** Signed-in views and cart adds of the current day; a cart add always follows a view. */
  recordBrowsing(product: number, views: number, cartAdds: number): void {
    const counts: [number, number] = this.browsing.get(product) ?? [0, 0];
    counts[0] += views;
    counts[1] += cartAdds;
    this.browsing.set(product, counts);
  }

  /** Buffers the current day's rows (only products with some activity). */
  flush(): void {
    if (this.day === undefined) return;
    const { rng, buffer, day } = this;
    // Signed-in browsing adds to the day's row, or makes one; it draws nothing from rng.
    const push = (product: number, views: number, cartAdds: number, purchases: number) => {
      const [extraViews, extraCartAdds] = this.browsing.get(product) ?? [0, 0];
      this.browsing.delete(product);
      buffer.push(this.catalog.ids.get(product), day, views + extraViews, cartAdds + extraCartAdds, purchases);
    };
    for (const [product, units] of this.purchases) {
      const views = units * rng.int(20, 60) + rng.int(0, 25);
      const cartAdds = units + Math.floor((views - units) * (0.03 + 0.09 * rng.next()));
      push(product, views, cartAdds, units);
    }
    const browsed = new Set<number>();
    const browseOnly = Math.ceil(this.purchases.size * 0.8) + 2;
    for (let i = 0; i < browseOnly && this.basket.size > 0; i++) {
      const product = this.basket.popular(rng);
      if (this.purchases.has(product) || browsed.has(product) || this.catalog.createdAt[product]! >= this.dayEnd)
        continue;
      browsed.add(product);
      const views = rng.int(1, 40);
      const cartAdds = rng.chance(0.25) ? rng.int(1, Math.max(1, Math.floor(views / 6))) : 0;
      push(product, views, cartAdds, 0);
    }
    for (const product of [...this.browsing.keys()]) push(product, 0, 0, 0);
    this.purchases.clear();
    this.daysWritten++;
    this.day = undefined;
  }
}
