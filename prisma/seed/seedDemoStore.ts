// Seeds a believable demo store (catalogue, stock, customers, 90 days of orders and
// recommendation signals) straight into Postgres with bulk unnest() inserts.
import pg from 'pg';
import { InsertQueue, BufferGroup } from './bulkInsert.js';
import { writeCustomers } from './customers.js';
import { writeOrders } from './orders.js';
import { writeProducts } from './products.js';
import { createRng } from './random.js';
import { createInteractionStaging, fillRecommendationTables, type RecommendationCounts } from './recommendations.js';
import { bufferReferenceData } from './referenceData.js';

export type SeedPhase =
  | 'reference data'
  | 'products'
  | 'customers'
  | 'orders'
  | 'signals'
  | 'search index'
  | 'recommendations'
  | 'analyze';

export interface SeedProgress {
  phase: SeedPhase;
  done: number;
  total: number;
}

export interface SeedOptions {
  products: number;
  /** Faker seed; the same seed (and `now`) gives identical rows. Default 42. */
  seed?: number;
  /** End of the generated history; defaults to the current time. Fix it for byte-identical runs. */
  now?: Date;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedSummary extends RecommendationCounts {
  seed: number;
  categories: number;
  brands: number;
  products: number;
  outOfStockProducts: number;
  variants: number;
  images: number;
  warehouses: number;
  inventoryItems: number;
  stockLevels: number;
  customers: number;
  orders: number;
  orderLines: number;
  productDailySignals: number;
  durationMs: number;
}

export const MAX_PRODUCTS = 1_000_000;
const DAY_MS = 86_400_000;
/** Reference rows (brands, categories, warehouses) predate every product. */
const STORE_OPENED_DAYS_AGO = 740;
const LOCK_NAME = 'shopgraph:seed-demo-store';

export async function isSeeded(databaseUrl: string): Promise<boolean> {
  return withClient(databaseUrl, async (client) => (await countProducts(client)) > 0);
}

/**
 * Writes everything in one transaction, so a failed run leaves the database untouched,
 * and refuses to run when catalog.product already has rows.
 */
export async function seedDemoStore(databaseUrl: string, options: SeedOptions): Promise<SeedSummary> {
  const { products } = options;
  if (!Number.isInteger(products) || products < 1 || products > MAX_PRODUCTS) {
    throw new RangeError(`products must be an integer between 1 and ${MAX_PRODUCTS}, got ${products}`);
  }
  const seed = options.seed ?? 42;
  const now = (options.now ?? new Date()).getTime();
  const report = options.onProgress ?? (() => undefined);
  const started = performance.now();
  // Separate streams: the catalogue and customers stay identical for a seed whatever `now` is.
  const rng = createRng(seed);

  return withClient(databaseUrl, async (client) => {
    let summary: Omit<SeedSummary, 'durationMs'>;
    const queue = new InsertQueue(client);
    try {
      await client.query('BEGIN');
      // Serialises concurrent seeders so both cannot pass the emptiness check.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK_NAME]);
      const existing = await countProducts(client);
      if (existing > 0) {
        throw new Error(
          `Refusing to seed: catalog.product already has ${existing} rows (the demo store is seeded once, into an empty database).`,
        );
      }

      report({ phase: 'reference data', done: 0, total: 1 });
      const referenceGroup = new BufferGroup(queue);
      const reference = bufferReferenceData(
        rng,
        referenceGroup,
        new Date(now - STORE_OPENED_DAYS_AGO * DAY_MS).toISOString(),
      );
      await referenceGroup.flush();
      report({ phase: 'reference data', done: 1, total: 1 });

      const catalog = await writeProducts(rng, reference, queue, {
        products,
        now,
        onProgress: (done) => report({ phase: 'products', done, total: products }),
      });
      const customerCount = Math.max(200, Math.round(products / 4));
      const customers = await writeCustomers(createRng(seed, 1), queue, {
        customers: customerCount,
        now,
        onProgress: (done) => report({ phase: 'customers', done, total: customerCount }),
      });
      await createInteractionStaging(client);
      const orders = await writeOrders(createRng(seed, 2), createRng(seed, 3), createRng(seed, 4), catalog.index, customers, queue, {
        orders: Math.max(2000, Math.round(products * 2.5)),
        now,
        progress: {
          orders: (done, total) => report({ phase: 'orders', done, total }),
          signals: (done, total) => report({ phase: 'signals', done, total }),
        },
      });
      await queue.drain();
      report({ phase: 'search index', done: 0, total: products });
      await fillSearchProjection(client);
      report({ phase: 'search index', done: products, total: products });
      report({ phase: 'recommendations', done: 0, total: 1 });
      const recommendations = await fillRecommendationTables(client, new Date(now));
      report({ phase: 'recommendations', done: 1, total: 1 });
      await client.query('COMMIT');

      summary = {
        seed,
        categories: reference.categoryCount,
        brands: reference.brands.length,
        warehouses: reference.warehouses.length,
        ...catalog.counts,
        customers: customerCount,
        ...orders,
        ...recommendations,
      };
    } catch (error) {
      // The client runs one query at a time: let the statement in flight settle before rolling back.
      await queue.drain().catch(() => undefined);
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }

    // Fresh statistics so the services' first queries get sensible plans. The data is
    // already committed, so a failure here must not make the seed look failed.
    report({ phase: 'analyze', done: 0, total: 1 });
    await client
      .query(
        'ANALYZE catalog.category, catalog.brand, catalog.product, catalog.product_search, catalog.search_term, catalog.product_variant, catalog.product_image, inventory.inventory_item, inventory.stock_level, ordering.customer, ordering."order", ordering.order_line, reco.product_daily_signal, reco.product_facts, reco.purchase, reco.customer_product_signal',
      )
      .catch(() => undefined);
    report({ phase: 'analyze', done: 1, total: 1 });
    return { ...summary, durationMs: Math.round(performance.now() - started) };
  });
}

/**
 * The search projection, through the same SQL functions the product subgraph keeps it with:
 * every product's row, then popularity from the generated history (units sold in the last
 * 30 days). Ratings stay 0: the demo store has no reviews yet.
 */
async function fillSearchProjection(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT catalog.search_refresh(ARRAY(SELECT id FROM catalog.product))');
  await client.query(
    `SELECT catalog.search_set_popularity(array_agg(product_id), array_agg(units))
     FROM (SELECT product_id, sum(purchases)::real AS units FROM reco.product_daily_signal
           WHERE day > (SELECT max(day) FROM reco.product_daily_signal) - 30 GROUP BY product_id) recent`,
  );
}

async function withClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'shopgraph-seed' });
  // A dropped connection also rejects the pending query; without a listener it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function countProducts(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ table: string | null }>(`SELECT to_regclass('catalog.product')::text AS table`);
  if (!rows[0]?.table) {
    throw new Error('catalog.product does not exist: apply the migrations first (npx prisma migrate deploy).');
  }
  const count = await client.query<{ n: string }>('SELECT count(*) AS n FROM catalog.product');
  return Number(count.rows[0]?.n ?? 0);
}
