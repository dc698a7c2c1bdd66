// What signed-in customers did besides buying, for the recommendation subgraph: they view
// what they buy (and put it in a cart) shortly before the order, and browse a few
// companions of it, sometimes leaving one in a cart. Rows go to a staging table that
// fillRecommendationTables aggregates; the day's counters in reco.product_daily_signal
// include them. Drawn from its own random stream, so the orders stay what they were.
import type { BasketSampler } from './basket.js';
import type { TableBuffer } from './bulkInsert.js';
import type { CatalogIndex } from './catalogIndex.js';
import type { Rng } from './random.js';
import type { DailySignals } from './signals.js';

const DAY_MS = 86_400_000;
/** How long before an order its browsing happens, at most (and never before the order's UTC day). */
const BROWSE_WINDOW_MS = 4 * 3_600_000;

export class CustomerInteractions {
  constructor(
    private readonly rng: Rng,
    private readonly catalog: CatalogIndex,
    private readonly basket: BasketSampler,
    private readonly signals: DailySignals,
    private readonly buffer: TableBuffer,
  ) {}

  /** Views and cart adds of `customer` around an order of `products` placed at t. */
  recordOrder(customerId: string, products: readonly number[], t: number): void {
    const { rng } = this;
    const window = Math.min(BROWSE_WINDOW_MS, t - Math.floor(t / DAY_MS) * DAY_MS);
    const before = () => new Date(t - Math.floor(rng.next() * window)).toISOString();
    for (const product of products) {
      const views = rng.int(1, 3);
      for (let v = 0; v < views; v++) this.push(customerId, product, 'view', before());
      this.push(customerId, product, 'cart', new Date(t).toISOString());
      this.signals.recordBrowsing(product, views, 1);
    }
    const companions = rng.int(0, 2);
    for (let i = 0; i < companions && products.length > 0; i++) {
      const product = this.basket.companion(rng, products[0]!);
      if (products.includes(product) || this.catalog.createdAt[product]! > t) continue;
      const views = rng.int(1, 2);
      for (let v = 0; v < views; v++) this.push(customerId, product, 'view', before());
      const abandoned = rng.chance(0.15) ? 1 : 0;
      if (abandoned) this.push(customerId, product, 'cart', new Date(t).toISOString());
      this.signals.recordBrowsing(product, views, abandoned);
    }
  }

  private push(customerId: string, product: number, kind: 'view' | 'cart', at: string): void {
    this.buffer.push(customerId, this.catalog.ids.get(product), kind, at);
  }
}
