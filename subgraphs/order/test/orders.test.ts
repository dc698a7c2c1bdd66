import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createOrderSubgraph } from '../src/server.js';
import { insertOrder } from './fixtures.js';

// Recovery passes are run by the tests that need them, never by a timer.
process.env.CHECKOUT_RECOVERY_INTERVAL_SECONDS = '0';

const subgraph = useTestSubgraph(createOrderSubgraph);
const { gqlAs, gql, sql, one } = subgraph;

const ORDER = `query($id: ID!) { order(id: $id) { id status customerId total { amount currency } lines { sku quantity unitPrice { amount } lineTotal { amount } }
  payment { status captured { amount } refunded { amount } } refunds { amount { amount } reason } timeline { status previousStatus note actor } } }`;
const MY_ORDERS = `query($first: Int, $after: String, $status: OrderStatus) { myOrders(first: $first, after: $after, status: $status) {
  totalCount edges { node { id status } } pageInfo { hasNextPage endCursor } } }`;
const UPDATE = `mutation($id: ID!, $status: OrderStatus!, $note: String) { updateOrderStatus(orderId: $id, status: $status, note: $note) { id status timeline { status previousStatus note } } }`;
const REFUND = `mutation($id: ID!, $amount: Decimal, $key: String!) { refundOrder(orderId: $id, amount: $amount, reason: "damaged", idempotencyKey: $key) { id amount { amount currency } } }`;

const admin = testIdentities.admin(['orders']);

describe('who sees which order', () => {
  it('shows a customer their own order and hides everyone else\'s as NOT_FOUND', async () => {
    const order = await insertOrder(sql);
    const own = await gqlAs(testIdentities.customer(order.customerId), ORDER, { id: order.id });
    expect(own.errors).toBeUndefined();
    expect(own.data!.order).toMatchObject({ id: order.id, customerId: order.customerId, total: { amount: '100.00', currency: 'USD' } });
    expect(own.data!.order.lines).toEqual([{ sku: 'SKU-FIXTURE', quantity: 2, unitPrice: { amount: '50.00' }, lineTotal: { amount: '100.00' } }]);

    const other = await gqlAs(testIdentities.customer(randomUUID()), ORDER, { id: order.id });
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(other.data).toBeNull();
    const anonymous = await gql(ORDER, { id: order.id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // An admin without the "orders" scope is no better than another customer.
    const catalogAdmin = await gqlAs(testIdentities.admin(['catalog']), ORDER, { id: order.id });
    expect(catalogAdmin.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const ordersAdmin = await gqlAs(admin, ORDER, { id: order.id });
    expect(ordersAdmin.data!.order.id).toBe(order.id);
  });

  it('lists only the caller\'s orders in myOrders, newest first, paged and filtered by status', async () => {
    const customerId = randomUUID();
    const base = Date.now() - 3_600_000;
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(await insertOrder(sql, { customerId, placedAt: new Date(base + i * 1000), status: i === 2 ? 'SHIPPED' : 'CONFIRMED' }));
    await insertOrder(sql); // someone else's
    const me = testIdentities.customer(customerId);
    const page1 = await gqlAs(me, MY_ORDERS, { first: 3 });
    expect(page1.errors).toBeUndefined();
    expect(page1.data!.myOrders.totalCount).toBe(5);
    expect(page1.data!.myOrders.edges.map((e: any) => e.node.id)).toEqual([mine[4]!.id, mine[3]!.id, mine[2]!.id]);
    expect(page1.data!.myOrders.pageInfo.hasNextPage).toBe(true);
    const page2 = await gqlAs(me, MY_ORDERS, { first: 3, after: page1.data!.myOrders.pageInfo.endCursor });
    expect(page2.data!.myOrders.edges.map((e: any) => e.node.id)).toEqual([mine[1]!.id, mine[0]!.id]);
    expect(page2.data!.myOrders.pageInfo.hasNextPage).toBe(false);
    const shipped = await gqlAs(me, MY_ORDERS, { status: 'SHIPPED' });
    expect(shipped.data!.myOrders.edges.map((e: any) => e.node.id)).toEqual([mine[2]!.id]);
  });

  it('keeps the admin listing to admins with the "orders" scope', async () => {
    const order = await insertOrder(sql, { status: 'SHIPPED' });
    const q = `query($f: OrderFilter) { orders(filter: $f, first: 5) { totalCount edges { node { id customerId } } } }`;
    const ok = await gqlAs(admin, q, { f: { customerId: order.customerId } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.orders.edges.map((e: any) => e.node.id)).toEqual([order.id]);
    expect((await gqlAs(testIdentities.customer(order.customerId), q, {})).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gqlAs(testIdentities.admin(['catalog']), q, {})).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('updateOrderStatus', () => {
  it('walks CONFIRMED -> SHIPPED -> DELIVERED, each step a timeline entry and an order.status_changed event in its transaction', async () => {
    const order = await insertOrder(sql);
    const shipped = await gqlAs(admin, UPDATE, { id: order.id, status: 'SHIPPED', note: 'DHL 123' });
    expect(shipped.errors).toBeUndefined();
    const delivered = await gqlAs(admin, UPDATE, { id: order.id, status: 'DELIVERED' });
    expect(delivered.data!.updateOrderStatus.status).toBe('DELIVERED');
    expect(delivered.data!.updateOrderStatus.timeline).toEqual([
      { status: 'SHIPPED', previousStatus: 'CONFIRMED', note: 'DHL 123' },
      { status: 'DELIVERED', previousStatus: 'SHIPPED', note: null },
    ]);
    const events = await sql<{ payload: any; actor: string }>(`SELECT payload, actor FROM ordering.outbox_event WHERE topic = 'order.status_changed' AND aggregate_id = $1 ORDER BY position`, order.id);
    expect(events.map((e) => [e.payload.previousStatus, e.payload.status, e.actor])).toEqual([
      ['CONFIRMED', 'SHIPPED', 'admin-1'],
      ['SHIPPED', 'DELIVERED', 'admin-1'],
    ]);
  });

  it('refuses illegal transitions with CONFLICT and changes nothing', async () => {
    const order = await insertOrder(sql, { status: 'SHIPPED' });
    for (const status of ['CANCELLED', 'SHIPPED']) {
      const res = await gqlAs(admin, UPDATE, { id: order.id, status });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', status: 'SHIPPED', requested: status });
    }
    const failed = await insertOrder(sql, { status: 'FAILED', captured: false });
    expect((await gqlAs(admin, UPDATE, { id: failed.id, status: 'SHIPPED' })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // Statuses checkout and refunds own cannot be set by hand.
    for (const status of ['CONFIRMED', 'PENDING', 'REFUNDED', 'FAILED']) {
      expect((await gqlAs(admin, UPDATE, { id: order.id, status })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status' });
    }
    expect(await one<{ status: string; n: number }>(`SELECT o.status::text, (SELECT count(*)::int FROM ordering.order_timeline t WHERE t.order_id = o.id) AS n FROM ordering."order" o WHERE id = $1::uuid`, order.id)).toEqual({
      status: 'SHIPPED',
      n: 0,
    });
    expect((await gqlAs(testIdentities.customer(order.customerId), UPDATE, { id: order.id, status: 'DELIVERED' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('cancelling a paid order refunds what was captured, once, however often it is asked', async () => {
    const order = await insertOrder(sql, { total: '80.00' });
    for (let i = 0; i < 2; i++) {
      const res = await gqlAs(admin, UPDATE, { id: order.id, status: 'CANCELLED', note: 'customer asked' });
      expect(res.errors).toBeUndefined();
      expect(res.data!.updateOrderStatus.status).toBe('CANCELLED');
    }
    const view = await gqlAs(admin, ORDER, { id: order.id });
    expect(view.data!.order.payment).toEqual({ status: 'CAPTURED', captured: { amount: '80.00' }, refunded: { amount: '80.00' } });
    expect(view.data!.order.refunds).toEqual([{ amount: { amount: '80.00' }, reason: 'order cancelled' }]);
    expect(view.data!.order.timeline.map((t: any) => t.status)).toEqual(['CANCELLED']);
  });
});

describe('refundOrder', () => {
  it('refunds partially then fully, never beyond the capture, idempotent per key', async () => {
    const order = await insertOrder(sql, { total: '100.00' });
    const first = await gqlAs(admin, REFUND, { id: order.id, amount: '30.00', key: 'r1' });
    expect(first.errors).toBeUndefined();
    expect(first.data!.refundOrder.amount).toEqual({ amount: '30.00', currency: 'USD' });
    // The same key again: the same refund, nothing more refunded.
    const again = await gqlAs(admin, REFUND, { id: order.id, amount: '30.00', key: 'r1' });
    expect(again.data!.refundOrder.id).toBe(first.data!.refundOrder.id);
    expect((await gqlAs(admin, REFUND, { id: order.id, amount: '31.00', key: 'r1' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    expect((await one<{ status: string }>(`SELECT status::text FROM ordering."order" WHERE id = $1::uuid`, order.id)).status).toBe('PARTIALLY_REFUNDED');

    const over = await gqlAs(admin, REFUND, { id: order.id, amount: '70.01', key: 'r2' });
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
    expect((await gqlAs(admin, REFUND, { id: order.id, amount: '-5', key: 'r3' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });

    // No amount: everything that is left.
    const rest = await gqlAs(admin, REFUND, { id: order.id, key: 'r4' });
    expect(rest.data!.refundOrder.amount.amount).toBe('70.00');
    const view = await gqlAs(admin, ORDER, { id: order.id });
    expect(view.data!.order.status).toBe('REFUNDED');
    expect(view.data!.order.payment.refunded.amount).toBe('100.00');
    expect(view.data!.order.timeline.map((t: any) => t.status)).toEqual(['PARTIALLY_REFUNDED', 'REFUNDED']);
    expect((await gqlAs(admin, REFUND, { id: order.id, amount: '1.00', key: 'r5' })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('lets 12 concurrent refunds of 30.00 against 100.00 captured refund at most 90.00', async () => {
    const order = await insertOrder(sql, { total: '100.00' });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => gqlAs(admin, REFUND, { id: order.id, amount: '30.00', key: `c${i}` })));
    expect(results.filter((r) => !r.errors).length).toBe(3);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT').length).toBe(9);
    expect(await one(`SELECT refunded_amount::text AS refunded, (SELECT sum(amount)::text FROM ordering.refund WHERE order_id = $1::uuid) AS total FROM ordering.payment WHERE order_id = $1::uuid`, order.id)).toEqual({
      refunded: '90.00',
      total: '90.00',
    });
  });

  it('is refused by the database too: refunded can never exceed captured', async () => {
    const order = await insertOrder(sql, { total: '10.00' });
    await expect(sql(`UPDATE ordering.payment SET refunded_amount = 10.01 WHERE order_id = $1::uuid`, order.id)).rejects.toThrow(/payment_refunded_within_captured/);
    await expect(sql(`UPDATE ordering.payment SET captured_amount = 10.01 WHERE order_id = $1::uuid`, order.id)).rejects.toThrow(/payment_captured_within_authorized/);
  });

  it('cannot refund an order that was never paid', async () => {
    const order = await insertOrder(sql, { status: 'FAILED', captured: false });
    expect((await gqlAs(admin, REFUND, { id: order.id, key: 'x' })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});

describe('shipping with a tracking number (issue 11)', () => {
  const SHIP = `mutation($id: ID!, $status: OrderStatus!, $tracking: String, $carrier: String) {
    updateOrderStatus(orderId: $id, status: $status, trackingNumber: $tracking, carrier: $carrier) { id status trackingNumber carrier } }`;

  it('stores the tracking number and carrier on the order and carries them in order.status_changed', async () => {
    const order = await insertOrder(sql);
    const res = await gqlAs(admin, SHIP, { id: order.id, status: 'SHIPPED', tracking: ' 1Z 999-AA1 ', carrier: 'UPS' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateOrderStatus).toEqual({ id: order.id, status: 'SHIPPED', trackingNumber: '1Z 999-AA1', carrier: 'UPS' });
    const own = await gqlAs(testIdentities.customer(order.customerId), `query($id: ID!) { order(id: $id) { trackingNumber carrier } }`, { id: order.id });
    expect(own.data!.order).toEqual({ trackingNumber: '1Z 999-AA1', carrier: 'UPS' });
    await gqlAs(admin, SHIP, { id: order.id, status: 'DELIVERED' });
    const events = await sql<{ payload: any }>(`SELECT payload FROM ordering.outbox_event WHERE topic = 'order.status_changed' AND aggregate_id = $1 ORDER BY position`, order.id);
    expect(events.map((e) => e.payload)).toEqual([
      { orderId: order.id, customerId: order.customerId, status: 'SHIPPED', previousStatus: 'CONFIRMED', trackingNumber: '1Z 999-AA1', carrier: 'UPS' },
      { orderId: order.id, customerId: order.customerId, status: 'DELIVERED', previousStatus: 'SHIPPED' },
    ]);
  });

  it('ships without one too, and refuses a tracking number with another status, a carrier alone or a malformed number', async () => {
    const plain = await insertOrder(sql);
    expect((await gqlAs(admin, SHIP, { id: plain.id, status: 'SHIPPED' })).data!.updateOrderStatus).toMatchObject({ trackingNumber: null, carrier: null });

    const order = await insertOrder(sql);
    const cases: [Record<string, unknown>, string][] = [
      [{ status: 'CANCELLED', tracking: 'ABC123' }, 'trackingNumber'],
      [{ status: 'SHIPPED', carrier: 'DHL' }, 'trackingNumber'],
      [{ status: 'SHIPPED', tracking: 'no/slashes' }, 'trackingNumber'],
      [{ status: 'SHIPPED', tracking: 'AB' }, 'trackingNumber'],
      [{ status: 'SHIPPED', tracking: 'ABC123', carrier: 'x'.repeat(51) }, 'carrier'],
    ];
    for (const [vars, field] of cases) {
      const res = await gqlAs(admin, SHIP, { id: order.id, ...vars });
      expect(res.errors?.[0]?.extensions, JSON.stringify(vars)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await one(`SELECT status::text, tracking_number, carrier FROM ordering."order" WHERE id = $1::uuid`, order.id)).toEqual({ status: 'CONFIRMED', tracking_number: null, carrier: null });
  });
});

describe('refund.issued (issue 11)', () => {
  const refundEvents = (orderId: string) =>
    sql<{ payload: any }>(`SELECT payload FROM ordering.outbox_event WHERE topic = 'refund.issued' AND aggregate_id = $1 ORDER BY position`, orderId);

  it('is recorded once per refund, with the refund id, amount, currency and reason, not again for a repeated key', async () => {
    const order = await insertOrder(sql, { total: '100.00' });
    const first = await gqlAs(admin, REFUND, { id: order.id, amount: '30.00', key: 'e1' });
    await gqlAs(admin, REFUND, { id: order.id, amount: '30.00', key: 'e1' });
    const over = await gqlAs(admin, REFUND, { id: order.id, amount: '99.00', key: 'e2' });
    expect(over.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await refundEvents(order.id)).map((e) => e.payload)).toEqual([
      { orderId: order.id, refundId: first.data!.refundOrder.id, customerId: order.customerId, amount: '30.00', currency: 'USD', reason: 'damaged' },
    ]);
  });

  it('is recorded for the refund a cancellation makes, once however often the cancellation is asked', async () => {
    const order = await insertOrder(sql, { total: '45.50' });
    await gqlAs(admin, UPDATE, { id: order.id, status: 'CANCELLED' });
    await gqlAs(admin, UPDATE, { id: order.id, status: 'CANCELLED' });
    const events = await refundEvents(order.id);
    expect(events.map((e) => [e.payload.amount, e.payload.currency, e.payload.reason])).toEqual([['45.50', 'USD', 'order cancelled']]);
  });
});
