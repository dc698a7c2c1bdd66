import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventMetrics, OutboxRelay, Prisma, recordEvents, type DomainEvent, type EventSource, type NewEvent } from '@shopgraph/kit';
import { eventually, testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createRecommendationSubgraph } from '../src/server.js';
import { AnalyticsIngest } from '../src/services/analytics/analyticsIngest.js';
import type { AnalyticsEvent } from '../src/services/analytics/analyticsFacts.js';

/**
 * Analytics from a burst of 100,000 events recorded through the real outboxes (reco, cart,
 * ordering), published by real relays over the PostgreSQL bus and written by the subgraph's
 * own batch consumer: the daily aggregates equal a recount of the raw facts AND the figures
 * the test computed from what it generated; redelivered events (several writers at once)
 * change nothing; sellers read only their own products.
 */
const subgraph = useTestSubgraph(createRecommendationSubgraph);
const { sql, one, gqlAs } = subgraph;
const admin = testIdentities.admin(['catalog']);

const PRODUCTS = 200;
const DAYS = ['2026-11-20', '2026-11-21', '2026-11-22'];
const VIEWS = 60_000;
const CART_ADDS = 29_500;
const ORDERS = 10_000;
const STATUS_CHANGES = 500; // 400 cancelled (taken back), 100 confirmed (no effect)
const RECORD_BATCH = 1_000;

interface Expected {
  views: number;
  cartAdds: number;
  purchases: number;
  units: number;
  revenue: Prisma.Decimal;
}

const products = Array.from({ length: PRODUCTS }, () => randomUUID());
const expected = new Map<string, Expected>();
const keyOf = (productId: string, day: string) => `${productId}|${day}`;
const bucket = (productId: string, day: string) => {
  const key = keyOf(productId, day);
  let e = expected.get(key);
  if (!e) expected.set(key, (e = { views: 0, cartAdds: 0, purchases: 0, units: 0, revenue: new Prisma.Decimal(0) }));
  return e;
};
/** A skewed but repeatable pick: low indexes are popular, so rankings are not ties. */
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() ** 2 * items.length)]!;

const recorded: DomainEvent[] = [];
const relays: OutboxRelay[] = [];

async function record<S extends EventSource>(source: S, events: NewEvent<S>[]): Promise<void> {
  const prisma = subgraph.running.database.prisma;
  for (let i = 0; i < events.length; i += RECORD_BATCH) {
    const chunk = events.slice(i, i + RECORD_BATCH);
    recorded.push(...(await prisma.$transaction((tx) => recordEvents(tx, source, chunk), { timeout: 60_000 })));
  }
}

beforeAll(async () => {
  // The subgraph's harness relays the reco outbox; carts and orders get their own relays here, as their subgraphs would run them.
  const { deps, testDatabase } = subgraph.running;
  for (const source of ['cart', 'ordering'] as const) {
    const relay = new OutboxRelay({ source, databaseUrl: testDatabase.url, bus: deps.events, logger: deps.logger, metrics: eventMetrics(new Registry()), pollIntervalMs: 200 });
    relay.start();
    relays.push(relay);
  }
});

afterAll(async () => {
  for (const relay of relays) await relay.stop();
});

describe('analytics from a burst of 100,000 events', { timeout: 600_000 }, () => {
  it('aggregates every event once: the daily figures equal a recount of the raw facts and of what was sent', async () => {
    const views: NewEvent<'reco'>[] = [];
    for (let i = 0; i < VIEWS; i++) {
      const productId = pick(products);
      const day = pick(DAYS);
      views.push({ topic: 'product.viewed', payload: { productId, viewedAt: `${day}T${String(i % 24).padStart(2, '0')}:00:00.000Z` } });
      bucket(productId, day).views += 1;
    }
    const today = new Date().toISOString().slice(0, 10);
    const carts: NewEvent<'cart'>[] = [];
    for (let i = 0; i < CART_ADDS; i++) {
      const productId = pick(products);
      carts.push({ topic: 'cart.item_added', payload: { cartId: randomUUID(), customerId: null, productId, variantId: randomUUID(), quantity: 1 + (i % 3) } });
      bucket(productId, today).cartAdds += 1; // a cart add counts on the day it happened
    }
    const orders: NewEvent<'ordering'>[] = [];
    const placed: Array<{ orderId: string; customerId: string; day: string; lines: Array<{ productId: string; quantity: number; unitPrice: string }> }> = [];
    for (let i = 0; i < ORDERS; i++) {
      const day = pick(DAYS);
      const lines = Array.from({ length: 1 + (i % 3) }, (_, n) => ({
        productId: pick(products),
        variantId: randomUUID(),
        sku: `SKU-${n}`,
        quantity: 1 + ((i + n) % 4),
        unitPrice: `${(i % 50) + 1}.${String((i * 7) % 100).padStart(2, '0')}`,
      }));
      const order = { orderId: randomUUID(), customerId: randomUUID(), day, lines };
      placed.push(order);
      orders.push({
        topic: 'order.placed',
        payload: { orderId: order.orderId, customerId: order.customerId, placedAt: `${day}T12:00:00.000Z`, currency: 'EUR', grandTotal: '0.00', lines },
      });
      const bought = new Set<string>();
      for (const line of lines) {
        const e = bucket(line.productId, day);
        e.units += line.quantity;
        e.revenue = e.revenue.plus(new Prisma.Decimal(line.unitPrice).times(line.quantity));
        bought.add(line.productId);
      }
      for (const productId of bought) bucket(productId, day).purchases += 1;
    }
    for (let i = 0; i < STATUS_CHANGES; i++) {
      const order = placed[i * 7]!;
      const status = i < 400 ? 'CANCELLED' : 'CONFIRMED';
      orders.push({ topic: 'order.status_changed', payload: { orderId: order.orderId, customerId: order.customerId, status, previousStatus: 'PENDING_PAYMENT' } });
      if (status !== 'CANCELLED') continue;
      const takenBack = new Set<string>();
      for (const line of order.lines) {
        const e = bucket(line.productId, order.day);
        e.units -= line.quantity;
        e.revenue = e.revenue.minus(new Prisma.Decimal(line.unitPrice).times(line.quantity));
        takenBack.add(line.productId);
      }
      for (const productId of takenBack) bucket(productId, order.day).purchases -= 1;
    }
    expect(views.length + carts.length + orders.length).toBe(100_000);

    await Promise.all([record('reco', views), record('cart', carts), record('ordering', orders)]);
    const expectedUnits = [...expected.values()].reduce((n, e) => n + e.units, 0);
    const unitsNow = async () =>
      (await one<{ units: number }>(`SELECT coalesce(sum(units), 0)::int AS units FROM reco.product_daily_analytics WHERE product_id = ANY($1::uuid[])`, products)).units;
    const viewsNow = async () =>
      (await one<{ n: number }>(`SELECT coalesce(sum(views + cart_adds), 0)::int AS n FROM reco.product_daily_analytics WHERE product_id = ANY($1::uuid[])`, products)).n;
    await eventually(async () => (await viewsNow()) === VIEWS + CART_ADDS && (await unitsNow()) === expectedUnits, 'the analytics consumer to catch up', 300_000);

    // 1. The aggregates equal a recount of the raw facts.
    const mismatches = await sql(
      `WITH recount AS (
         SELECT product_id, day, count(*) FILTER (WHERE kind = 'view')::int AS views, count(*) FILTER (WHERE kind = 'cart_add')::int AS cart_adds,
                coalesce(sum(sign(quantity)) FILTER (WHERE kind IN ('purchase', 'purchase_void')), 0)::int AS purchases,
                coalesce(sum(quantity) FILTER (WHERE kind IN ('purchase', 'purchase_void')), 0)::int AS units, coalesce(sum(revenue), 0) AS revenue
         FROM reco.analytics_fact WHERE product_id = ANY($1::uuid[]) GROUP BY product_id, day)
       SELECT * FROM recount r FULL JOIN (SELECT * FROM reco.product_daily_analytics WHERE product_id = ANY($1::uuid[])) a USING (product_id, day)
       WHERE (r.views, r.cart_adds, r.purchases, r.units, r.revenue) IS DISTINCT FROM (a.views, a.cart_adds, a.purchases, a.units, a.revenue)`,
      products,
    );
    expect(mismatches).toEqual([]);

    // 2. ... and what the test sent, day by day.
    const rows = await sql<{ product_id: string; day: string; views: number; cart_adds: number; purchases: number; units: number; revenue: string }>(
      `SELECT product_id::text, to_char(day, 'YYYY-MM-DD') AS day, views, cart_adds, purchases, units, revenue::text
       FROM reco.product_daily_analytics WHERE product_id = ANY($1::uuid[])`,
      products,
    );
    const actual = new Map(rows.map((r) => [keyOf(r.product_id, r.day), r]));
    for (const [key, e] of expected) {
      const row = actual.get(key);
      expect({ key, views: row?.views, cartAdds: row?.cart_adds, purchases: row?.purchases, units: row?.units, revenue: row?.revenue }).toEqual({
        key,
        views: e.views,
        cartAdds: e.cartAdds,
        purchases: e.purchases,
        units: e.units,
        revenue: e.revenue.toFixed(2),
      });
    }
    expect(rows).toHaveLength(expected.size);
  });

  it('does not count redelivered events again, however many writers get them at once', async () => {
    const snapshot = () =>
      sql(`SELECT product_id, day, views, cart_adds, purchases, units, revenue::text FROM reco.product_daily_analytics ORDER BY product_id, day`);
    const before = await snapshot();
    const facts = await one<{ n: number }>(`SELECT count(*)::int AS n FROM reco.analytics_fact`);
    const again = recorded.filter((_, i) => i % 10 === 0) as AnalyticsEvent[];
    const ingest = new AnalyticsIngest(subgraph.running.database.prisma);
    // Four writers (instances) with overlapping redeliveries, in batches as the consumer writes them.
    await Promise.all(
      [0, 1, 2, 3].map(async (w) => {
        const mine = again.filter((_, i) => i % 4 === w || i % 4 === (w + 1) % 4);
        for (let i = 0; i < mine.length; i += 1_000) await ingest.ingest(mine.slice(i, i + 1_000));
      }),
    );
    expect(await snapshot()).toEqual(before);
    expect(await one(`SELECT count(*)::int AS n FROM reco.analytics_fact`)).toEqual(facts);
  });

  it('takes a cancelled order back once, even when two status events reach two writers at once', async () => {
    const ingest = new AnalyticsIngest(subgraph.running.database.prisma);
    const productId = randomUUID();
    const orderId = randomUUID();
    const customerId = randomUUID();
    const delivered = (topic: string, payload: unknown) =>
      ({ id: randomUUID(), topic, source: 'ordering', aggregateType: 'order', aggregateId: orderId, sequence: 1, occurredAt: new Date().toISOString(), payload }) as AnalyticsEvent;
    const line = { productId, variantId: randomUUID(), sku: 'SKU-V', quantity: 3, unitPrice: '10.00' };
    await ingest.ingest([delivered('order.placed', { orderId, customerId, placedAt: '2026-11-23T10:00:00.000Z', currency: 'EUR', grandTotal: '30.00', lines: [line] })]);
    await Promise.all(
      ['CANCELLED', 'FAILED'].map((status) => ingest.ingest([delivered('order.status_changed', { orderId, customerId, status, previousStatus: 'CONFIRMED' })])),
    );
    expect(await one(`SELECT purchases, units, revenue::text FROM reco.product_daily_analytics WHERE product_id = $1::uuid`, productId)).toEqual({
      purchases: 0,
      units: 0,
      revenue: '0.00',
    });
    expect(await one(`SELECT count(*)::int AS n FROM reco.analytics_fact WHERE order_id = $1::uuid AND kind = 'purchase_void'`, orderId)).toEqual({ n: 1 });
  });

  it('leaves out an event whose ids are not UUIDs instead of failing its whole batch', async () => {
    const ingest = new AnalyticsIngest(subgraph.running.database.prisma);
    const productId = randomUUID();
    const view = (id: string) =>
      ({ id: randomUUID(), topic: 'product.viewed', source: 'reco', aggregateType: 'product', aggregateId: id, sequence: 1, occurredAt: new Date().toISOString(), payload: { productId: id, viewedAt: '2026-11-24T08:00:00.000Z' } }) as AnalyticsEvent;
    expect(await ingest.ingest([view('not-a-product-id'), view(productId)])).toEqual({ facts: 1, voids: 0, unusable: 1 });
    expect(await one(`SELECT views FROM reco.product_daily_analytics WHERE product_id = $1::uuid`, productId)).toEqual({ views: 1 });
  });

  it('answers productAnalytics per day with totals and conversion, and topProducts by each metric', async () => {
    const product = products[0]!;
    const res = await gqlAs(
      admin,
      `query($id: ID!) { productAnalytics(productId: $id, from: "2026-11-19", to: "2026-11-22") {
         product { id } days { day views cartAdds purchases units revenue { amount currency } conversionRate }
         totals { views purchases units revenue { amount currency } conversionRate } } }`,
      { id: product },
    );
    expect(res.errors).toBeUndefined();
    const analytics = res.data!.productAnalytics;
    expect(analytics.days.map((d: { day: string }) => d.day)).toEqual(['2026-11-19', ...DAYS]);
    expect(analytics.days[0]).toMatchObject({ views: 0, purchases: 0, units: 0, conversionRate: null });
    const sum = DAYS.map((day) => expected.get(keyOf(product, day))!).reduce(
      (s, e) => ({ views: s.views + e.views, purchases: s.purchases + e.purchases, units: s.units + e.units, revenue: s.revenue.plus(e.revenue) }),
      { views: 0, purchases: 0, units: 0, revenue: new Prisma.Decimal(0) },
    );
    expect(analytics.totals).toEqual({
      views: sum.views,
      purchases: sum.purchases,
      units: sum.units,
      revenue: { amount: sum.revenue.toFixed(2), currency: 'EUR' },
      conversionRate: sum.purchases / sum.views,
    });

    const top = await gqlAs(admin, `{ topProducts(metric: UNITS, from: "2026-11-20", to: "2026-11-22", first: 5) { product { id } totals { units } } }`);
    const unitsOf = (p: string) => DAYS.reduce((n, day) => n + (expected.get(keyOf(p, day))?.units ?? 0), 0);
    const ranked = [...products].sort((a, b) => unitsOf(b) - unitsOf(a) || a.localeCompare(b)).slice(0, 5);
    expect(top.data!.topProducts).toEqual(ranked.map((id) => ({ product: { id }, totals: { units: unitsOf(id) } })));

    const bad = await gqlAs(admin, `{ topProducts(metric: VIEWS, from: "2026-11-22", to: "2026-11-20") { product { id } } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it("lets a seller read only their own products' analytics", async () => {
    const [mine, theirs] = [products[1]!, products[2]!];
    await record('catalog', [
      { topic: 'product.changed', payload: { productId: mine, change: 'created', product: snapshot('seller-alice') } },
      { topic: 'product.changed', payload: { productId: theirs, change: 'created', product: snapshot('seller-bob') } },
    ]);
    // The catalog's relay belongs to the product subgraph: here the events are written as the consumer would receive them.
    await new AnalyticsIngest(subgraph.running.database.prisma).ingest(recorded.slice(-2) as AnalyticsEvent[]);
    const alice = testIdentities.seller('seller-alice');
    const query = `query($id: ID!) { productAnalytics(productId: $id, from: "2026-11-20", to: "2026-11-22") { totals { views } } }`;
    expect((await gqlAs(alice, query, { id: mine })).data?.productAnalytics.totals.views).toBeGreaterThan(0);
    expect((await gqlAs(alice, query, { id: theirs })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gqlAs(testIdentities.customer(), query, { id: mine })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const top = await gqlAs(alice, `{ topProducts(metric: VIEWS, from: "2026-11-20", to: "2026-11-22", first: 50) { product { id } } }`);
    expect(top.data!.topProducts).toEqual([{ product: { id: mine } }]);
  });

  it('counts a storefront view through trackProductView, its product.viewed event and the consumer', async () => {
    const productId = (await one<{ id: string }>(`SELECT product_id::text AS id FROM reco.product_facts WHERE active ORDER BY product_id LIMIT 1`)).id;
    const today = new Date().toISOString().slice(0, 10);
    const viewsToday = async () =>
      (await one<{ views: number } | undefined>(`SELECT views FROM reco.product_daily_analytics WHERE product_id = $1::uuid AND day = $2::date`, productId, today))?.views ?? 0;
    const before = await viewsToday();
    const res = await gqlAs(testIdentities.customer(randomUUID()), `mutation($id: ID!) { trackProductView(productId: $id) }`, { id: productId });
    expect(res.data).toEqual({ trackProductView: true });
    await eventually(async () => (await viewsToday()) === before + 1, 'the view to reach analytics', 30_000);
  });
});

function snapshot(sellerId: string) {
  return { status: 'ACTIVE' as const, categoryIds: [randomUUID()], categoryNames: ['Test'], categoryPath: 'test', brandId: null, minPrice: '1.00', currency: 'EUR', attributes: {}, sellerId };
}
