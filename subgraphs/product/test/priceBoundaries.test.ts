import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createProductSubgraph, type ProductSubgraph } from '../src/server.js';

/**
 * Scheduled prices at their boundaries, against the real PostgreSQL, Redis and event relay:
 * one run of the boundary job moves listings (sort, price filter) and search to the sale
 * price, announces it once even when runs race, and the window's end restores the base.
 * Time passing is simulated by moving a window's start or end into the near past, as the
 * clock would; the job is run directly, never waited for.
 */
const subgraph = useTestSubgraph(createProductSubgraph, { redis: true });
const { sql, one } = subgraph;
const admin = testIdentities.admin(['catalog'], 'admin-sale');
const asAdmin = async (query: string, variables?: Record<string, unknown>) => {
  const res = await subgraph.gqlAs(admin, query, variables);
  expect(res.errors).toBeUndefined();
  return res.data!;
};
const job = () => (subgraph.running.server as ProductSubgraph).priceBoundaryJob;

const WORD = `Quokkaglow${process.pid}`;
const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id variants { id } } }`;
const SCHEDULE = `mutation($input: SchedulePriceInput!) { schedulePrice(input: $input) { id } }`;
const LISTING = `query($filter: ProductFilter, $sort: ProductSort) {
  products(first: 50, filter: $filter, sort: $sort) { edges { node { id priceRange { min { amount } } } } }
}`;
const SEARCH = `query($q: String!, $filter: SearchFilter, $sort: SearchSort) { search(query: $q, filter: $filter, sort: $sort, first: 50) { edges { node { id } } } }`;

let categoryId: string;
let brandId: string;
let counter = 0;

/** A published product in the test's category, one variant per price. */
async function product(prices: string[]): Promise<{ id: string; variantIds: string[] }> {
  const n = `${process.pid}-${++counter}`;
  const input = {
    sku: `SALE-${n}`,
    slug: `sale-lamp-${n}`,
    name: `${WORD} lamp ${counter}`,
    description: 'A lamp made by the sale tests.',
    brandId,
    categoryId,
    currency: 'USD',
    variants: prices.map((price, i) => ({ sku: `SALE-${n}-${i}`, options: [{ name: 'size', value: `S${i}` }], price })),
  };
  const { id, variants } = (await asAdmin(CREATE, { input })).createProduct;
  await asAdmin(`mutation($id: ID!) { publishProduct(id: $id) { id } }`, { id });
  return { id, variantIds: variants.map((v: { id: string }) => v.id) };
}

/** A window scheduled for later (as an admin would), whose start then comes: moved to a second ago. */
async function saleStartedJustNow(variantId: string, price: string): Promise<string> {
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
  const inTwoHours = new Date(Date.now() + 7_200_000).toISOString();
  const { id } = (await asAdmin(SCHEDULE, { input: { variantId, price, startsAt: inAnHour, endsAt: inTwoHours } })).schedulePrice;
  await sql(`UPDATE catalog.scheduled_price SET starts_at = now() - interval '1 second' WHERE id = $1::uuid`, id);
  return id;
}

/** The window's end comes: moved to just now. */
async function saleEndedJustNow(windowId: string): Promise<void> {
  await sql(`UPDATE catalog.scheduled_price SET ends_at = now() - interval '1 millisecond' WHERE id = $1::uuid`, windowId);
}

async function listing(filter: Record<string, unknown>, sort = 'PRICE_ASC') {
  const data = (await subgraph.gql(LISTING, { filter: { category: categoryId, ...filter }, sort })).data!;
  return data.products.edges.map((e: { node: { id: string; priceRange: { min: { amount: string } } } }) => ({ id: e.node.id, shown: e.node.priceRange.min.amount }));
}
const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

async function searchIds(filter: Record<string, unknown>, sort = 'PRICE_ASC'): Promise<string[]> {
  const res = await subgraph.gql(SEARCH, { q: WORD, filter, sort });
  expect(res.errors).toBeUndefined();
  return res.data!.search.edges.map((e: { node: { id: string } }) => e.node.id);
}

async function priceEvents(productId: string) {
  return sql<{ topic: string; actor: string; payload: Record<string, string> }>(
    `SELECT topic, actor, payload FROM catalog.outbox_event WHERE aggregate_id = $1 AND topic = 'product.price_changed' ORDER BY position`,
    productId,
  );
}

async function lastProductChange(productId: string) {
  return one<{ actor: string; payload: { change: string; product?: { minPrice: string } } }>(
    `SELECT actor, payload FROM catalog.outbox_event WHERE aggregate_id = $1 AND topic = 'product.changed' ORDER BY position DESC LIMIT 1`,
    productId,
  );
}

const historyRows = async () => (await one<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.price_change`)).n;

beforeAll(async () => {
  brandId = (await one<{ id: string }>(`SELECT id::text FROM catalog.brand ORDER BY slug LIMIT 1`)).id;
  categoryId = (await asAdmin(`mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`, { input: { name: 'Sale lamps', slug: `sale-lamps-${process.pid}` } }))
    .createCategory.id;
});

describe('a window starting and ending', () => {
  it('one job run moves listings, search and the event to the sale price, and its end restores the base price', async () => {
    const cheap = await product(['10.00']);
    const middle = await product(['30.00']);
    const onSale = await product(['40.00', '60.00']);
    await eventually(async () => (await searchIds({})).length === 3, 'search to index the three products');

    const windowId = await saleStartedJustNow(onSale.variantIds[0]!, '15.00');
    // Displayed prices are computed when read: already the sale price. Listings and search
    // (this response is now cached under the listing generation) still order by the stored price.
    expect(await listing({})).toEqual([
      { id: cheap.id, shown: '10.00' },
      { id: middle.id, shown: '30.00' },
      { id: onSale.id, shown: '15.00' },
    ]);
    expect(ids(await listing({ priceMax: '20.00' }))).toEqual([cheap.id]);
    expect(await searchIds({ priceMax: 20 })).toEqual([cheap.id]);
    const history = await historyRows();

    const run = await job().runOnce();
    expect(run).toMatchObject({ boundaries: 1, events: 1, productIds: [onSale.id] });

    // Sorted by the price in effect, and the sort agrees with the prices shown.
    expect(await listing({})).toEqual([
      { id: cheap.id, shown: '10.00' },
      { id: onSale.id, shown: '15.00' },
      { id: middle.id, shown: '30.00' },
    ]);
    expect(ids(await listing({}, 'PRICE_DESC'))).toEqual([middle.id, onSale.id, cheap.id]);
    expect(ids(await listing({ priceMax: '20.00' }))).toEqual([cheap.id, onSale.id]);
    expect(ids(await listing({ priceMin: '20.00' }))).toEqual([middle.id]);
    // Search follows the event (relay -> search projection consumer -> PostgreSQL FTS).
    await eventually(async () => (await searchIds({ priceMax: 20 })).join() === [cheap.id, onSale.id].join(), 'search to see the sale price');
    expect(await searchIds({})).toEqual([cheap.id, onSale.id, middle.id]);

    const window = await one<{ starts_at: string }>(`SELECT to_json(starts_at) #>> '{}' AS starts_at FROM catalog.scheduled_price WHERE id = $1::uuid`, windowId);
    const [started] = await priceEvents(onSale.id);
    expect(started).toMatchObject({ actor: 'system', payload: { variantId: onSale.variantIds[0], oldPrice: '40.00', newPrice: '15.00' } });
    expect(Date.parse(started!.payload.effectiveAt!)).toBe(Date.parse(window.starts_at));
    // The price history already counts the window at its own times: the job adds no row.
    expect(await historyRows()).toBe(history);
    // product.changed's snapshot (recommendation facts) shows the price in effect too.
    expect(await lastProductChange(onSale.id)).toMatchObject({ actor: 'system', payload: { change: 'edited', product: { minPrice: '15.00' } } });

    // Run again: nothing left to record.
    expect(await job().runOnce()).toMatchObject({ boundaries: 0, events: 0 });
    expect(await priceEvents(onSale.id)).toHaveLength(1);

    await saleEndedJustNow(windowId);
    expect(await job().runOnce()).toMatchObject({ boundaries: 1, events: 1 });
    expect(await listing({})).toEqual([
      { id: cheap.id, shown: '10.00' },
      { id: middle.id, shown: '30.00' },
      { id: onSale.id, shown: '40.00' },
    ]);
    expect(ids(await listing({ priceMax: '20.00' }))).toEqual([cheap.id]);
    await eventually(async () => (await searchIds({ priceMax: 20 })).join() === cheap.id, 'search to see the base price again');
    expect((await priceEvents(onSale.id)).map((e) => [e.payload.oldPrice, e.payload.newPrice])).toEqual([
      ['40.00', '15.00'],
      ['15.00', '40.00'],
    ]);
    expect(await historyRows()).toBe(history);
    expect(await one(`SELECT sale_min_price FROM catalog.product WHERE id = $1::uuid`, onSale.id)).toEqual({ sale_min_price: null });
    expect(await lastProductChange(onSale.id)).toMatchObject({ actor: 'system', payload: { change: 'edited', product: { minPrice: '40.00' } } });
  });

  it('records each boundary once when runs race', async () => {
    // Two variants on sale per product: racing runs may split a product's variants between them.
    const products = await Promise.all(Array.from({ length: 12 }, (_, i) => product([`${50 + i}.00`, `${80 + i}.00`])));
    for (const p of products) for (const v of p.variantIds) await saleStartedJustNow(v, '5.00');

    const runs = await Promise.all([job().runOnce(), job().runOnce(), job().runOnce()]);
    expect(runs.reduce((n, r) => n + r.boundaries, 0)).toBe(products.length * 2);
    expect(runs.reduce((n, r) => n + r.events, 0)).toBe(products.length * 2);
    for (const p of products) {
      expect((await priceEvents(p.id)).map((e) => e.payload.newPrice)).toEqual(['5.00', '5.00']);
    }
    expect(await one(`SELECT count(*)::int AS n FROM catalog.product WHERE id = ANY ($1::uuid[]) AND effective_min_price = 5`, products.map((p) => p.id))).toEqual({ n: 12 });
    const unrecorded = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM catalog.scheduled_price WHERE product_id = ANY ($1::uuid[]) AND start_applied_at IS NULL`,
      products.map((p) => p.id),
    );
    expect(unrecorded.n).toBe(0);
  });

  it('a cancel racing the job leaves each variant announced consistently: no sale, or its start and its end', async () => {
    const products = await Promise.all(Array.from({ length: 10 }, (_, i) => product([`${70 + i}.00`])));
    const windows = [];
    for (const p of products) windows.push(await saleStartedJustNow(p.variantIds[0]!, '3.00'));

    const CANCEL = `mutation($id: ID!) { cancelScheduledPrice(id: $id) }`;
    await Promise.all([job().runOnce(), ...windows.map((id) => asAdmin(CANCEL, { id })), job().runOnce()]);
    for (const [i, p] of products.entries()) {
      const base = `${70 + i}.00`;
      const announced = (await priceEvents(p.id)).map((e) => [e.payload.oldPrice, e.payload.newPrice]);
      expect([[], [[base, '3.00'], ['3.00', base]]]).toContainEqual(announced);
    }
    expect(ids(await listing({ priceMax: '3.00' }))).toEqual([]);
  });

  it('a run that comes after the whole window announces nothing and leaves the price as it is', async () => {
    const p = await product(['70.00']);
    const windowId = await saleStartedJustNow(p.variantIds[0]!, '7.00');
    await saleEndedJustNow(windowId);

    const before = await lastProductChange(p.id);
    expect(await job().runOnce()).toMatchObject({ boundaries: 2, events: 0, movedProductIds: [] });
    expect(await priceEvents(p.id)).toEqual([]);
    expect(await lastProductChange(p.id)).toEqual(before);
    expect(await one(`SELECT effective_min_price::text AS min FROM catalog.product WHERE id = $1::uuid`, p.id)).toEqual({ min: '70.00' });
  });
});

describe('price writes around a window', () => {
  it('a window starting now is recorded by schedulePrice itself, and cancelling records its end', async () => {
    const p = await product(['80.00']);
    const { id } = (
      await asAdmin(SCHEDULE, { input: { variantId: p.variantIds[0], price: '8.00', startsAt: '2020-01-01T00:00:00Z', endsAt: new Date(Date.now() + 3_600_000).toISOString() } })
    ).schedulePrice;
    expect(ids(await listing({ priceMax: '9.00' }))).toContain(p.id);
    expect((await priceEvents(p.id)).map((e) => e.payload.newPrice)).toEqual(['8.00']);
    expect(await job().runOnce()).toMatchObject({ boundaries: 0 });

    await asAdmin(`mutation($id: ID!) { cancelScheduledPrice(id: $id) }`, { id });
    expect(ids(await listing({ priceMax: '9.00' }))).not.toContain(p.id);
    expect((await priceEvents(p.id)).map((e) => [e.payload.oldPrice, e.payload.newPrice])).toEqual([
      ['80.00', '8.00'],
      ['8.00', '80.00'],
    ]);
  });

  it('a base price change under an announced sale keeps announcing the sale price, and the end announces the new base', async () => {
    const p = await product(['90.00']);
    const windowId = await saleStartedJustNow(p.variantIds[0]!, '9.00');
    await job().runOnce();

    await asAdmin(`mutation($variantId: ID!, $price: Decimal!) { setPrice(variantId: $variantId, price: $price) { id } }`, { variantId: p.variantIds[0], price: '85.00' });
    // What a shopper pays is still 9.00: no price event (carts charge its newPrice), but
    // product.changed tells caches that show the base price.
    expect((await priceEvents(p.id)).map((e) => e.payload.newPrice)).toEqual(['9.00']);
    const last = await one<{ topic: string; change: string }>(
      `SELECT topic, payload->>'change' AS change FROM catalog.outbox_event WHERE aggregate_id = $1 ORDER BY position DESC LIMIT 1`,
      p.id,
    );
    expect(last).toEqual({ topic: 'product.changed', change: 'edited' });
    expect(ids(await listing({ priceMax: '9.00' }))).toContain(p.id);

    await saleEndedJustNow(windowId);
    await job().runOnce();
    expect((await priceEvents(p.id)).map((e) => [e.payload.oldPrice, e.payload.newPrice])).toEqual([
      ['90.00', '9.00'],
      ['9.00', '85.00'],
    ]);
    expect(ids(await listing({ priceMin: '85.00', priceMax: '85.00' }))).toEqual([p.id]);
  });
});

describe('the job in the background', () => {
  it('runs on its interval, records a boundary and counts its passes on /metrics', async () => {
    const p = await product(['95.00']);
    await saleStartedJustNow(p.variantIds[0]!, '19.00');
    const base = subgraph.running.url.replace(/\/graphql$/, '');
    const passes = async () => Number(/jobs_completed_total\{queue="price boundary run"[^}]*\} (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? 0);
    expect(await passes()).toBe(0);
    job().start(1);
    try {
      await eventually(async () => (await priceEvents(p.id)).length === 1, 'the background run to record the start');
      await eventually(async () => (await passes()) >= 1, 'a counted pass');
    } finally {
      await job().stop();
    }
    expect((await priceEvents(p.id)).map((e) => e.payload.newPrice)).toEqual(['19.00']);
    expect(ids(await listing({ priceMax: '19.00' }))).toContain(p.id);
  });
});
