// Seeds two fresh scratch databases with the same seed and checks the data's invariants
// in SQL, plus determinism and the refuse-to-reseed guard.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSeeded, seedDemoStore, type SeedSummary } from './seedDemoStore.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER_URL = 'postgresql://postgres@127.0.0.1:5432';
const PRODUCTS = 60;
const SEED = 7;
const NOW = new Date('2026-06-15T10:30:00.000Z');

const run = promisify(execFile);
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const dbA = `seed_test_${suffix}_a`;
const dbB = `seed_test_${suffix}_b`;
const urlA = `${SERVER_URL}/${dbA}`;
const urlB = `${SERVER_URL}/${dbB}`;

let admin: pg.Client;
let a: pg.Pool;
let b: pg.Pool;
let summaryA: SeedSummary;
let summaryB: SeedSummary;
let seededBeforeSeeding: boolean;

async function scalar<T = number>(pool: pg.Pool, sql: string): Promise<T> {
  const { rows } = await pool.query<{ v: unknown }>(sql);
  const value = rows[0]?.v;
  // count(*) arrives as a bigint string.
  return (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value) as T;
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbA}`);
  await run('npx', ['prisma', 'migrate', 'deploy'], { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: urlA } });
  // Same schema without a second migrate run (the migrate process has exited, so A has no connections).
  await admin.query(`CREATE DATABASE ${dbB} TEMPLATE ${dbA}`);

  seededBeforeSeeding = await isSeeded(urlA);
  summaryA = await seedDemoStore(urlA, { products: PRODUCTS, seed: SEED, now: NOW });
  summaryB = await seedDemoStore(urlB, { products: PRODUCTS, seed: SEED, now: NOW });
  a = new pg.Pool({ connectionString: urlA, max: 2 });
  b = new pg.Pool({ connectionString: urlB, max: 2 });
  // The databases are force-dropped at the end; an idle client cut off then is expected, not a failure.
  for (const pool of [a, b]) pool.on('error', () => undefined);
}, 180_000);

afterAll(async () => {
  await a?.end();
  await b?.end();
  if (admin) {
    for (const db of [dbA, dbB]) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  }
}, 60_000);

describe('seedDemoStore', () => {
  it('writes the rows its summary reports', async () => {
    const tables: [keyof SeedSummary, string][] = [
      ['categories', 'catalog.category'],
      ['brands', 'catalog.brand'],
      ['products', 'catalog.product'],
      ['variants', 'catalog.product_variant'],
      ['images', 'catalog.product_image'],
      ['warehouses', 'inventory.warehouse'],
      ['inventoryItems', 'inventory.inventory_item'],
      ['stockLevels', 'inventory.stock_level'],
      ['customers', 'ordering.customer'],
      ['orders', 'ordering."order"'],
      ['orderLines', 'ordering.order_line'],
      ['productDailySignals', 'reco.product_daily_signal'],
      ['recoProductFacts', 'reco.product_facts'],
      ['recoPurchases', 'reco.purchase'],
      ['recoCustomerSignals', 'reco.customer_product_signal'],
    ];
    for (const [key, table] of tables) {
      expect(await scalar(a, `SELECT count(*) AS v FROM ${table}`), table).toBe(summaryA[key]);
    }
    expect(summaryA.products).toBe(PRODUCTS);
    expect(summaryA.customers).toBe(200);
    expect(summaryA.brands).toBeGreaterThanOrEqual(40);
    expect(summaryA.brands).toBeLessThanOrEqual(60);
    // Target is 2,000; an order is skipped only when no product existed yet at its time.
    expect(summaryA.orders).toBeGreaterThan(1900);
    expect(summaryA.orders).toBeLessThanOrEqual(2000);
    expect(summaryA.productDailySignals).toBeGreaterThan(0);
    expect(await scalar(a, 'SELECT count(*) AS v FROM cart.cart')).toBe(0);
    expect(await scalar(a, 'SELECT count(*) AS v FROM cart.cart_item')).toBe(0);
  });

  it('builds a three-level category tree with materialised paths, products only in leaves', async () => {
    expect(await scalar(a, 'SELECT count(*) AS v FROM catalog.category WHERE depth NOT IN (0, 1, 2)')).toBe(0);
    expect(
      await scalar(
        a,
        'SELECT count(*) AS v FROM catalog.category WHERE (parent_id IS NULL) <> (depth = 0) OR (depth = 0 AND path <> slug)',
      ),
    ).toBe(0);
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM catalog.category c JOIN catalog.category p ON p.id = c.parent_id
         WHERE c.depth <> p.depth + 1 OR c.path <> p.path || '/' || c.slug`,
      ),
    ).toBe(0);
    const { rows } = await a.query<{ depth: number; min: number; max: number; parents: string }>(
      `SELECT p.depth, min(n)::int AS min, max(n)::int AS max, count(*) AS parents
       FROM catalog.category p
       LEFT JOIN LATERAL (SELECT count(*) AS n FROM catalog.category c WHERE c.parent_id = p.id) k ON true
       GROUP BY p.depth ORDER BY p.depth`,
    );
    const [roots, departments, leaves] = rows;
    expect(Number(roots?.parents)).toBeGreaterThanOrEqual(5);
    expect(Number(roots?.parents)).toBeLessThanOrEqual(8);
    expect(roots!.min).toBeGreaterThanOrEqual(3);
    expect(roots!.max).toBeLessThanOrEqual(5);
    expect(departments!.min).toBeGreaterThanOrEqual(2);
    expect(departments!.max).toBeLessThanOrEqual(4);
    expect([leaves!.min, leaves!.max]).toEqual([0, 0]);
    expect(
      await scalar(
        a,
        'SELECT count(*) AS v FROM catalog.product p JOIN catalog.category c ON c.id = p.category_id WHERE c.depth <> 2',
      ),
    ).toBe(0);
  });

  it('gives every product 1-12 variants whose price range is its min/max price', async () => {
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM catalog.product p
         LEFT JOIN (SELECT product_id, count(*) AS n, min(price) AS lo, max(price) AS hi
                    FROM catalog.product_variant GROUP BY product_id) v ON v.product_id = p.id
         WHERE v.n IS NULL OR v.n > 12 OR p.min_price <> v.lo OR p.max_price <> v.hi`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM catalog.product_variant v JOIN catalog.product p ON p.id = v.product_id
         WHERE v.sku NOT LIKE p.sku || '-%' OR v.currency <> 'USD' OR v.price <= 0`,
      ),
    ).toBe(0);
    expect(await scalar(a, `SELECT count(*) AS v FROM catalog.product WHERE status = 'ACTIVE'`)).toBeGreaterThan(
      PRODUCTS * 0.8,
    );
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM catalog.product p
         WHERE NOT EXISTS (SELECT 1 FROM catalog.product_image i WHERE i.product_id = p.id)
            OR (SELECT count(*) FROM catalog.product_image i WHERE i.product_id = p.id) > 4`,
      ),
    ).toBe(0);
  });

  it('writes orders whose money adds up in cents', async () => {
    const violations = await scalar(
      a,
      `WITH lines AS (SELECT order_id, sum(line_total) AS subtotal, count(*) AS n FROM ordering.order_line GROUP BY order_id)
       SELECT count(*) AS v FROM ordering."order" o LEFT JOIN lines l ON l.order_id = o.id
       WHERE l.n IS NULL OR l.n > 5
          OR o.subtotal <> l.subtotal
          OR o.tax <> round(o.subtotal * 0.08, 2)
          OR o.shipping <> CASE WHEN o.subtotal >= 75 THEN 0 ELSE 4.99 END
          OR o.total <> o.subtotal + o.tax + o.shipping`,
    );
    expect(violations).toBe(0);
    expect(
      await scalar(
        a,
        'SELECT count(*) AS v FROM ordering.order_line WHERE line_total <> unit_price * quantity OR quantity < 1',
      ),
    ).toBe(0);
  });

  it('only sells active products that existed, to customers who had signed up, within 90 days', async () => {
    const now = `'${NOW.toISOString()}'::timestamptz`;
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM ordering."order" o
         JOIN ordering.customer c ON c.id = o.customer_id
         WHERE o.placed_at > ${now} OR o.placed_at < ${now} - interval '90 days' OR c.created_at > o.placed_at`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM ordering.order_line l
         JOIN ordering."order" o ON o.id = l.order_id
         LEFT JOIN catalog.product_variant v ON v.id = l.variant_id
         LEFT JOIN catalog.product p ON p.id = l.product_id
         WHERE v.product_id IS DISTINCT FROM l.product_id OR v.sku <> l.sku OR v.price <> l.unit_price
            OR p.status <> 'ACTIVE' OR p.created_at > o.placed_at`,
      ),
    ).toBe(0);
    // Order numbers follow placed_at.
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM (SELECT number, lag(number) OVER (ORDER BY placed_at, number) AS prev FROM ordering."order") t
         WHERE prev IS NOT NULL AND prev > number`,
      ),
    ).toBe(0);
  });

  it('keeps stock levels valid and the catalogue in_stock projection consistent with them', async () => {
    expect(
      await scalar(a, `SELECT string_agg(code || '=' || name, ',' ORDER BY code) AS v FROM inventory.warehouse`),
    ).toBe('EU-AMS=Amsterdam,US-NYC=New York');
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM catalog.product_variant v
         LEFT JOIN inventory.inventory_item i ON i.variant_id = v.id
         WHERE i.sku IS DISTINCT FROM v.sku OR i.product_id <> v.product_id
            OR (SELECT count(*) FROM inventory.stock_level s WHERE s.sku = v.sku) <> 2`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM inventory.stock_level
         WHERE on_hand NOT BETWEEN 0 AND 200 OR reserved <> 0 OR reserved > on_hand
            OR low_stock_threshold <> 5 OR backorderable OR version <> 1`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM catalog.product_variant v
         JOIN (SELECT sku, sum(on_hand - reserved) AS available FROM inventory.stock_level GROUP BY sku) s ON s.sku = v.sku
         WHERE v.in_stock <> (s.available > 0)`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM catalog.product p
         JOIN (SELECT product_id, bool_or(in_stock) AS any_in_stock FROM catalog.product_variant GROUP BY product_id) v
           ON v.product_id = p.id
         WHERE p.in_stock <> v.any_in_stock`,
      ),
    ).toBe(0);
    expect(await scalar(a, 'SELECT count(*) AS v FROM catalog.product WHERE NOT in_stock')).toBe(
      summaryA.outOfStockProducts,
    );
  });

  it('derives daily signals from the orders: purchases match units sold, views >= cart adds >= purchases', async () => {
    const mismatches = await scalar(
      a,
      `WITH sold AS (
         SELECT l.product_id, (o.placed_at AT TIME ZONE 'UTC')::date AS day, sum(l.quantity) AS units
         FROM ordering.order_line l JOIN ordering."order" o ON o.id = l.order_id
         WHERE o.status <> 'CANCELLED' GROUP BY 1, 2)
       SELECT count(*) AS v FROM sold FULL JOIN (SELECT * FROM reco.product_daily_signal WHERE purchases > 0) s
         ON s.product_id = sold.product_id AND s.day = sold.day
       WHERE s.purchases IS DISTINCT FROM sold.units`,
    );
    expect(mismatches).toBe(0);
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM reco.product_daily_signal
         WHERE purchases < 0 OR cart_adds < purchases OR views < cart_adds OR views + cart_adds + purchases = 0`,
      ),
    ).toBe(0);
    expect(
      await scalar(a, 'SELECT count(*) AS v FROM reco.product_daily_signal WHERE purchases = 0 AND views > 0'),
    ).toBeGreaterThan(0);
  });

  it('fills the recommendation projection from the catalogue and stock, through its own SQL functions', async () => {
    expect(summaryA.recoProductFacts).toBe(PRODUCTS);
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM catalog.product p JOIN catalog.category c ON c.id = p.category_id
         LEFT JOIN reco.product_facts f ON f.product_id = p.id
         WHERE f.product_id IS NULL OR f.active <> (p.status = 'ACTIVE') OR f.in_stock <> p.in_stock OR f.price <> p.min_price
            OR f.currency <> p.currency OR f.brand_id <> p.brand_id OR f.category_id <> p.category_id OR f.category_ids[1] <> p.category_id
            OR cardinality(f.category_ids) <> 3 OR cardinality(f.category_names) <> 3 OR f.category_names[1] <> c.name
            OR f.category_path <> c.path OR f.consumable <> (c.path LIKE 'beauty/%') OR f.price_band <> floor(log(2, p.min_price))`,
      ),
    ).toBe(0);
    expect(await scalar(a, 'SELECT count(*) AS v FROM reco.product_facts WHERE consumable')).toBeGreaterThan(0);
    expect(await scalar(a, `SELECT count(*) AS v FROM reco.refresh_state WHERE name = 'full' AND requested_at IS NOT NULL`)).toBe(1);
  });

  it('logs every product of every order that was not cancelled as a purchase, and each customer\'s history with it', async () => {
    expect(
      await scalar(
        a,
        `WITH bought AS (
           SELECT o.id AS order_id, l.product_id, o.customer_id, sum(l.quantity) AS quantity, o.placed_at
           FROM ordering."order" o JOIN ordering.order_line l ON l.order_id = o.id WHERE o.status <> 'CANCELLED' GROUP BY 1, 2, 3, 5)
         SELECT count(*) AS v FROM bought b FULL JOIN reco.purchase p ON p.order_id = b.order_id AND p.product_id = b.product_id
         WHERE p.customer_id IS DISTINCT FROM b.customer_id OR p.quantity IS DISTINCT FROM b.quantity::int OR p.purchased_at IS DISTINCT FROM b.placed_at`,
      ),
    ).toBe(0);
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM reco.customer_product_signal s
         FULL JOIN (SELECT customer_id, product_id, sum(quantity) AS units, max(purchased_at) AS last FROM reco.purchase GROUP BY 1, 2) p
           USING (customer_id, product_id)
         WHERE coalesce(p.units, 0) <> coalesce(s.purchases, 0) OR p.last IS DISTINCT FROM s.last_purchased_at
            OR s.customer_id IS NULL OR (s.purchases > 0 AND (s.views < 1 OR s.cart_adds < 1)) OR s.views < 0`,
      ),
    ).toBe(0);
    // Customers browse companions they do not buy.
    expect(await scalar(a, 'SELECT count(*) AS v FROM reco.customer_product_signal WHERE purchases = 0 AND views > 0')).toBeGreaterThan(0);
    // Signed-in views are part of each product's total.
    expect(
      await scalar(
        a,
        `SELECT count(*) AS v FROM (SELECT product_id, sum(views) AS views FROM reco.customer_product_signal GROUP BY 1) s
         LEFT JOIN (SELECT product_id, sum(views) AS views FROM reco.product_daily_signal GROUP BY 1) d USING (product_id)
         WHERE coalesce(d.views, 0) < s.views`,
      ),
    ).toBe(0);
  });

  it('stores customers with unique lower-cased emails', async () => {
    expect(
      await scalar(
        a,
        "SELECT count(*) AS v FROM ordering.customer WHERE email <> lower(email) OR email NOT LIKE '%@%'",
      ),
    ).toBe(0);
    expect(await scalar(a, 'SELECT count(DISTINCT email) AS v FROM ordering.customer')).toBe(summaryA.customers);
  });

  it('is deterministic: the same seed and time give identical rows', async () => {
    const fingerprints = [
      "SELECT md5(string_agg(t::text, '|' ORDER BY t.sku)) AS v FROM catalog.product t",
      "SELECT md5(string_agg(t::text, '|' ORDER BY t.sku)) AS v FROM catalog.product_variant t",
      "SELECT md5(string_agg(t::text, '|' ORDER BY t.url)) AS v FROM catalog.product_image t",
      "SELECT md5(string_agg(t::text, '|' ORDER BY t.path)) AS v FROM catalog.category t",
      `SELECT md5(string_agg(concat_ws(',', sku, warehouse_id, on_hand, reserved), '|' ORDER BY sku, warehouse_id)) AS v FROM inventory.stock_level`,
      "SELECT md5(string_agg(t::text, '|' ORDER BY t.email)) AS v FROM ordering.customer t",
      'SELECT md5(string_agg(t::text, \'|\' ORDER BY t.number)) AS v FROM ordering."order" t',
      "SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) AS v FROM ordering.order_line t",
      "SELECT md5(string_agg(t::text, '|' ORDER BY t.product_id, t.day)) AS v FROM reco.product_daily_signal t",
      "SELECT md5(string_agg(t::text, '|' ORDER BY t.order_id, t.product_id)) AS v FROM reco.purchase t",
      "SELECT md5(string_agg(t::text, '|' ORDER BY t.customer_id, t.product_id)) AS v FROM reco.customer_product_signal t",
      `SELECT md5(string_agg(concat_ws(',', product_id, category_ids, category_names, price, active, in_stock, consumable, facts_at, stock_at), '|' ORDER BY product_id)) AS v FROM reco.product_facts`,
    ];
    for (const sql of fingerprints) expect(await scalar<string>(b, sql), sql).toBe(await scalar<string>(a, sql));
    const { durationMs: _a, ...countsA } = summaryA;
    const { durationMs: _b, ...countsB } = summaryB;
    expect(countsB).toEqual(countsA);
  });

  it('reports the database as seeded and refuses to seed it twice', async () => {
    expect(seededBeforeSeeding).toBe(false);
    expect(await isSeeded(urlA)).toBe(true);
    await expect(seedDemoStore(urlA, { products: 5, seed: SEED })).rejects.toThrow(/already has 60 rows/);
    expect(await scalar(a, 'SELECT count(*) AS v FROM catalog.product')).toBe(PRODUCTS);
    expect(await scalar(a, 'SELECT count(*) AS v FROM ordering."order"')).toBe(summaryA.orders);
  });

  it('rejects a product count that is not a positive integer', async () => {
    await expect(seedDemoStore(urlA, { products: 0 })).rejects.toThrow(RangeError);
    await expect(seedDemoStore(urlA, { products: 2.5 })).rejects.toThrow(RangeError);
  });
});
