import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Prisma } from '@shopgraph/kit';
import { eventually, testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createOrderSubgraph, orderRuntimes } from '../src/server.js';
import { OrderArchiver } from '../src/services/archive/orderArchiver.js';
import { insertOrder } from './fixtures.js';

process.env.CHECKOUT_RECOVERY_INTERVAL_SECONDS = '0';

const subgraph = useTestSubgraph(createOrderSubgraph);
const { gqlAs, sql, one } = subgraph;
const admin = testIdentities.admin(['orders']);
const runtime = () => orderRuntimes.get(subgraph.running.server)!;
const DAY = 86_400_000;

const ORDER = `query($id: ID!) { order(id: $id) { id status archived total { amount currency } subtotal { amount } tax { amount }
  shippingAddress { name line1 line2 city postalCode region country } lines { sku quantity unitPrice { amount } lineTotal { amount } }
  payment { status captured { amount } refunded { amount } } refunds { amount { amount currency } reason } timeline { status previousStatus note } } }`;
const ALL_ORDERS = `query($after: String) { orders(first: 100, after: $after) { totalCount edges { node { id total { amount } archived } } pageInfo { hasNextPage endCursor } } }`;
const MY_ORDERS = `{ myOrders(first: 50) { totalCount edges { node { id status archived total { amount } } } } }`;
const UNITS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id unitsSold(days: 120) } } }`;

const ADDRESS = { name: 'Ada Lovelace', line1: '12 Analytical Row', line2: 'Flat 3', city: 'London', postalCode: 'NW1 6XE', region: 'GB', country: 'GB' };

/** Every order an admin can list, through the paged `orders` query: how many, and the sum of their grand totals. */
async function listedTotals(): Promise<{ count: number; sum: string; archived: number }> {
  let after: string | null = null;
  let sum = new Prisma.Decimal(0);
  let count = 0;
  let archived = 0;
  let totalCount = 0;
  do {
    const res: any = await gqlAs(admin, ALL_ORDERS, { after });
    expect(res.errors).toBeUndefined();
    const page = res.data.orders;
    totalCount = page.totalCount;
    for (const { node } of page.edges) {
      sum = sum.plus(node.total.amount);
      count += 1;
      if (node.archived) archived += 1;
    }
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  expect(count).toBe(totalCount);
  return { count, sum: sum.toFixed(2), archived };
}

async function unitsSold(productIds: string[]): Promise<Record<string, number>> {
  // Recomputed, not served from the cache: the sales generation moves first.
  await runtime().orderCaches.evictSales();
  const res = await gqlAs(admin, UNITS, { r: productIds.map((id) => ({ __typename: 'Product', id })) });
  expect(res.errors).toBeUndefined();
  return Object.fromEntries(res.data!._entities.map((e: any) => [e.id, e.unitsSold]));
}

/** A fixture order placed `daysAgo` days ago and last changed then, with an address. */
async function oldOrder(customerId: string, status: string, daysAgo: number, options: { captured?: boolean } = {}) {
  const placedAt = new Date(Date.now() - daysAgo * DAY);
  const order = await insertOrder(sql, { customerId, status, placedAt, total: '100.00', ...options });
  await sql(`UPDATE ordering."order" SET shipping_address = $2::jsonb, billing_address = $2::jsonb, updated_at = placed_at WHERE id = $1::uuid`, order.id, JSON.stringify(ADDRESS));
  return order;
}

describe('order archival', () => {
  it('moves old final orders to the archive with personal data removed, keeps every figure, stays readable by owner and admins, and reruns idempotently', async () => {
    const customerId = randomUUID();
    const owner = testIdentities.customer(customerId);
    const delivered = await oldOrder(customerId, 'DELIVERED', 40);
    const cancelled = await oldOrder(customerId, 'CANCELLED', 41);
    const failed = await oldOrder(customerId, 'FAILED', 42, { captured: false });
    const refunded = await oldOrder(customerId, 'CONFIRMED', 43);
    expect((await gqlAs(admin, `mutation($id: ID!) { refundOrder(orderId: $id, reason: "parcel lost in transit", idempotencyKey: "r") { id } }`, { id: refunded.id })).errors).toBeUndefined();
    await sql(`UPDATE ordering."order" SET updated_at = placed_at WHERE id = $1::uuid`, refunded.id);
    const young = await oldOrder(customerId, 'DELIVERED', 5);
    const open = await oldOrder(customerId, 'CONFIRMED', 60);
    const archivable = [delivered, cancelled, failed, refunded];

    // Products sold in old orders the run will archive (the seeded history is archived too).
    const products = (
      await sql<{ id: string }>(
        `SELECT DISTINCT l.product_id::text AS id FROM ordering.order_line l JOIN ordering."order" o ON o.id = l.order_id
         WHERE o.status = 'DELIVERED' AND o.placed_at < now() - interval '30 days' AND o.placed_at > now() - interval '120 days' ORDER BY 1 LIMIT 40`,
      )
    ).map((p) => p.id);
    expect(products.length).toBeGreaterThan(10);

    const before = { listed: await listedTotals(), units: await unitsSold(products), mine: (await gqlAs(owner, MY_ORDERS)).data!.myOrders };
    const views = new Map<string, any>();
    for (const o of archivable) views.set(o.id, (await gqlAs(owner, ORDER, { id: o.id })).data!.order);
    const eligible = await runtime().archiver.countEligible(new Date(Date.now() - 30 * DAY));
    expect(eligible).toBeGreaterThan(archivable.length);

    const moved = await runtime().archiver.run({ afterDays: 30, batchSize: 100 });
    expect(moved).toBe(eligible);

    // Figures: the same count and sum of grand totals through the admin listing, the same units sold.
    const after = await listedTotals();
    expect({ count: after.count, sum: after.sum }).toEqual({ count: before.listed.count, sum: before.listed.sum });
    expect(after.archived).toBe(eligible);
    subgraph.database.queries.reset();
    expect(await unitsSold(products)).toEqual(before.units);
    expect(subgraph.database.queries.count).toBeGreaterThan(0);
    expect(await one(`SELECT (SELECT sum(total) FROM ordering."order") + (SELECT sum(total) FROM ordering.archived_order) AS sum`)).toEqual({ sum: new Prisma.Decimal(before.listed.sum) });

    // The owner still sees every order, the archived ones marked, the rest untouched.
    const mine = (await gqlAs(owner, MY_ORDERS)).data!.myOrders;
    expect(mine.totalCount).toBe(before.mine.totalCount);
    expect(mine.edges.map((e: any) => [e.node.id, e.node.total.amount])).toEqual(before.mine.edges.map((e: any) => [e.node.id, e.node.total.amount]));
    expect(Object.fromEntries(mine.edges.map((e: any) => [e.node.id, e.node.archived]))).toEqual({
      [delivered.id]: true,
      [cancelled.id]: true,
      [failed.id]: true,
      [refunded.id]: true,
      [young.id]: false,
      [open.id]: false,
    });

    for (const o of archivable) {
      const was = views.get(o.id);
      for (const who of [owner, admin]) {
        const now = (await gqlAs(who, ORDER, { id: o.id })).data!.order;
        expect(now.archived).toBe(true);
        // Money, lines, payment, refunds and statuses read as before; personal data does not.
        expect({ ...now, archived: false, shippingAddress: was.shippingAddress, timeline: was.timeline }).toEqual(was);
        expect(now.shippingAddress).toEqual({ name: 'ANONYMISED', line1: 'ANONYMISED', line2: null, city: 'ANONYMISED', postalCode: 'ANONYMISED', region: 'GB', country: 'GB' });
        expect(now.timeline.map((t: any) => [t.status, t.previousStatus, t.note])).toEqual(was.timeline.map((t: any) => [t.status, t.previousStatus, null]));
      }
      for (const stranger of [testIdentities.customer(randomUUID()), testIdentities.admin(['catalog'])]) {
        expect((await gqlAs(stranger, ORDER, { id: o.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      }
    }
    expect(views.get(refunded.id).refunds).toEqual([{ amount: { amount: '100.00', currency: 'USD' }, reason: "parcel lost in transit" }]);

    // Nothing personal is stored in the archive, and nothing of these orders is left in the live tables.
    const stored = await sql<{ doc: string; country: string }>(`SELECT document::text AS doc, country FROM ordering.archived_order WHERE id = ANY($1::uuid[])`, archivable.map((o) => o.id));
    expect(stored).toHaveLength(4);
    for (const { doc, country } of stored) {
      expect(country).toBe('GB');
      for (const personal of ['Ada Lovelace', 'Analytical Row', 'Flat 3', 'London', 'NW1 6XE', 'tok_approve']) expect(doc).not.toContain(personal);
    }
    const left = await one<{ n: number }>(
      `SELECT (SELECT count(*) FROM ordering."order" WHERE id = ANY($1::uuid[])) + (SELECT count(*) FROM ordering.order_line WHERE order_id = ANY($1::uuid[]))
        + (SELECT count(*) FROM ordering.payment WHERE order_id = ANY($1::uuid[])) + (SELECT count(*) FROM ordering.order_timeline WHERE order_id = ANY($1::uuid[]))
        + (SELECT count(*) FROM ordering.refund WHERE order_id = ANY($1::uuid[])) AS n`,
      archivable.map((o) => o.id),
    );
    expect(Number(left.n)).toBe(0);

    // An archived order can no longer change.
    expect((await gqlAs(admin, `mutation($id: ID!) { updateOrderStatus(orderId: $id, status: CANCELLED) { id } }`, { id: delivered.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // A second run finds nothing to do and changes nothing.
    expect(await runtime().archiver.run({ afterDays: 30, batchSize: 100 })).toBe(0);
    expect(await listedTotals()).toEqual(after);
  }, 120_000);

  it('two archivers at once move every eligible order exactly once', async () => {
    const customerId = randomUUID();
    const orders = [];
    for (let i = 0; i < 60; i++) orders.push(await oldOrder(customerId, 'DELIVERED', 50 + (i % 7)));
    const ids = orders.map((o) => o.id);
    const other = new OrderArchiver(subgraph.database.prisma, subgraph.running.deps.logger);
    const [a, b] = await Promise.all([runtime().archiver.run({ afterDays: 30, batchSize: 7 }), other.run({ afterDays: 30, batchSize: 7 })]);
    expect(a + b).toBe(60);
    expect(
      await one(
        `SELECT (SELECT count(*)::int FROM ordering.archived_order WHERE id = ANY($1::uuid[])) AS archived,
                (SELECT count(*)::int FROM ordering.archived_order_line WHERE order_id = ANY($1::uuid[])) AS lines,
                (SELECT count(*)::int FROM ordering."order" WHERE id = ANY($1::uuid[])) AS live`,
        ids,
      ),
    ).toEqual({ archived: 60, lines: 60, live: 0 });
  }, 60_000);

  it("keeps a seller's lines of archived orders in sellerOrderLines", async () => {
    const order = await oldOrder(randomUUID(), 'DELIVERED', 47);
    const [line] = await sql<{ product_id: string }>(`SELECT product_id::text FROM ordering.order_line WHERE order_id = $1::uuid`, order.id);
    await sql(`INSERT INTO ordering.product_seller (product_id, seller_id) VALUES ($1::uuid, 'seller-archive')`, line!.product_id);
    const seller = testIdentities.seller('seller-archive');
    const LINES = `{ sellerOrderLines(first: 10) { orderId orderStatus } }`;
    const before = await gqlAs(seller, LINES);
    expect(before.errors).toBeUndefined();
    expect(before.data!.sellerOrderLines).toEqual([{ orderId: order.id, orderStatus: 'DELIVERED' }]);
    await runtime().archiver.run({ afterDays: 30, batchSize: 50 });
    expect((await gqlAs(seller, LINES)).data!.sellerOrderLines).toEqual(before.data!.sellerOrderLines);
  });

  it("keeps the order a customer's notification names readable once archived", async () => {
    const customerId = randomUUID();
    const order = await oldOrder(customerId, 'DELIVERED', 48);
    await sql(
      `INSERT INTO ordering.notification (recipient, kind, event_id, title, body, data) VALUES ($1, 'ORDER_SHIPPED', gen_random_uuid(), 'Shipped', 'On its way', $2::jsonb)`,
      customerId,
      JSON.stringify({ orderId: order.id }),
    );
    await runtime().archiver.run({ afterDays: 30, batchSize: 50 });
    const res = await gqlAs(testIdentities.customer(customerId), `{ myNotifications(first: 5) { edges { node { order { id archived total { amount } } } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.myNotifications.edges.map((e: any) => e.node.order)).toEqual([{ id: order.id, archived: true, total: { amount: '100.00' } }]);
  });

  it('runs as a periodic job when ORDER_ARCHIVE_INTERVAL_SECONDS is set', async () => {
    const order = await oldOrder(randomUUID(), 'CANCELLED', 45);
    const job = runtime().archiver.periodic({ afterDays: 30, batchSize: 10 });
    job.start(50);
    try {
      await eventually(async () => (await sql(`SELECT 1 FROM ordering.archived_order WHERE id = $1::uuid`, order.id)).length === 1, 'the job to archive the order');
    } finally {
      await job.stop();
    }
    expect(await sql(`SELECT 1 FROM ordering."order" WHERE id = $1::uuid`, order.id)).toEqual([]);
  });
});
