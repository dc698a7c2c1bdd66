import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '@shopgraph/kit';
import { eventually, testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import type { NotifyingTopic } from '../src/services/notifications/composeNotifications.js';
import type { NotificationChannel } from '../src/services/notifications/notificationChannel.js';
import { NotificationConsumer } from '../src/services/notifications/notificationConsumer.js';
import { TableNotificationChannel } from '../src/services/notifications/tableNotificationChannel.js';
import { createOrderSubgraph, orderRuntimes } from '../src/server.js';
import { insertOrder } from './fixtures.js';

// Recovery passes are run by the tests that need them, never by a timer.
process.env.CHECKOUT_RECOVERY_INTERVAL_SECONDS = '0';

const subgraph = useTestSubgraph(createOrderSubgraph);
const { gqlAs, gql, sql } = subgraph;

const MINE = `query($first: Int, $after: String, $unread: Boolean) { myNotifications(first: $first, after: $after, unreadOnly: $unread) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id kind title body trackingNumber variantId sku read order { id number } } } } }`;
const ADMIN = `query { adminNotifications { totalCount edges { node { id kind title sku read } } } }`;
const MARK = `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`;
const UPDATE = `mutation($id: ID!, $status: OrderStatus!, $tracking: String, $carrier: String) { updateOrderStatus(orderId: $id, status: $status, trackingNumber: $tracking, carrier: $carrier) { id status } }`;
const REFUND = `mutation($id: ID!, $key: String!) { refundOrder(orderId: $id, amount: "30.00", reason: "damaged", idempotencyKey: $key) { id } }`;
const ordersAdmin = testIdentities.admin(['orders']);

const consumer = () => orderRuntimes.get(subgraph.running.server)!.notifier;

/** An event as the bus hands it to a consumer. */
function event<T extends NotifyingTopic>(topic: T, source: DomainEvent['source'], payload: DomainEvent<T>['payload'], id = randomUUID()): DomainEvent<T> {
  return { id, topic, source, aggregateType: 'test', aggregateId: 'test', payload, occurredAt: new Date().toISOString(), sequence: 1 };
}

const rows = (recipient: string) =>
  sql<{ kind: string; title: string; body: string }>(`SELECT kind, title, body FROM ordering.notification WHERE recipient = $1 ORDER BY created_at, id`, recipient);

async function mine(customerId: string, variables: Record<string, unknown> = {}) {
  const res = await gqlAs(testIdentities.customer(customerId), MINE, variables);
  expect(res.errors).toBeUndefined();
  return res.data!.myNotifications;
}

describe('the notification consumer', () => {
  it('makes one notification of an event however often it is delivered, even at once', async () => {
    const order = await insertOrder(sql, { status: 'CONFIRMED' });
    const confirmed = event('order.status_changed', 'ordering', { orderId: order.id, customerId: order.customerId, status: 'CONFIRMED', previousStatus: 'PENDING' });
    const delivered = await Promise.all([consumer().handle(confirmed), consumer().handle(confirmed), consumer().handle(confirmed)]);
    expect(delivered.sort()).toEqual([0, 0, 1]);
    expect(await consumer().handle(confirmed)).toBe(0);
    const [number] = (await sql<{ number: string }>(`SELECT number FROM ordering."order" WHERE id = $1::uuid`, order.id)).map((r) => r.number);
    expect(await rows(order.customerId)).toEqual([
      { kind: 'ORDER_CONFIRMED', title: `Order ${number} confirmed`, body: `Thank you: your order ${number} is paid for and being prepared.` },
    ]);
    // Statuses nobody is told about make nothing.
    expect(await consumer().handle(event('order.status_changed', 'ordering', { orderId: order.id, customerId: order.customerId, status: 'DELIVERED', previousStatus: 'SHIPPED' }))).toBe(0);
  });

  it('tells the customer of shipping with the tracking number, and of a refund, from the events the admin mutations record', async () => {
    const order = await insertOrder(sql, { status: 'CONFIRMED' });
    const shipped = await gqlAs(ordersAdmin, UPDATE, { id: order.id, status: 'SHIPPED', tracking: '1Z999AA10123456784', carrier: 'UPS' });
    expect(shipped.errors).toBeUndefined();
    expect((await gqlAs(ordersAdmin, REFUND, { id: order.id, key: randomUUID() })).errors).toBeUndefined();
    // The relay publishes order.status_changed and refund.issued; the durable group makes the messages.
    await eventually(async () => (await rows(order.customerId)).length === 2, 'the shipping and refund notifications');
    const list = await mine(order.customerId);
    const [number] = (await sql<{ number: string }>(`SELECT number FROM ordering."order" WHERE id = $1::uuid`, order.id)).map((r) => r.number);
    // Either may be stored first: compare them by kind.
    const byKind = list.edges.map((e: { node: { kind: string } }) => e.node).sort((x: { kind: string }, y: { kind: string }) => y.kind.localeCompare(x.kind));
    expect(byKind).toEqual([
      expect.objectContaining({ kind: 'REFUND_ISSUED', title: `Refund of 30.00 USD for order ${number}`, order: { id: order.id, number }, read: false }),
      expect.objectContaining({
        kind: 'ORDER_SHIPPED',
        body: `Your order ${number} is on its way. Tracking number: 1Z999AA10123456784 (UPS).`,
        trackingNumber: '1Z999AA10123456784',
        order: { id: order.id, number },
      }),
    ]);
  });

  it('tells a customer of a price drop on a wishlisted variant, and admins of low stock', async () => {
    const customerId = `c-${randomUUID()}`;
    const variantId = randomUUID();
    const drop = event('wishlist.price_dropped', 'cart', {
      customerId,
      productId: randomUUID(),
      variantId,
      sku: 'SKU-DROP',
      currency: 'USD',
      priceWhenSaved: '20.00',
      oldPrice: '19.00',
      newPrice: '15.00',
    });
    expect(await consumer().handle(drop)).toBe(1);
    const node = (await mine(customerId)).edges[0].node;
    expect(node).toMatchObject({ kind: 'PRICE_DROP', title: 'A saved item is now 15.00 USD', variantId, sku: 'SKU-DROP', order: null });
    expect(node.body).toBe('SKU-DROP from your wishlist dropped from 19.00 to 15.00 USD (you saved it at 20.00).');

    const sku = `SKU-LOW-${randomUUID().slice(0, 8)}`;
    expect(await consumer().handle(event('inventory.stock_low', 'inventory', { sku, variantId, productId: randomUUID(), available: 2, threshold: 5 }))).toBe(1);
    const admin = await gqlAs(testIdentities.admin(['inventory']), ADMIN);
    expect(admin.errors).toBeUndefined();
    expect(admin.data!.adminNotifications.edges[0].node).toMatchObject({ kind: 'LOW_STOCK', title: `Low stock: ${sku}`, sku, read: false });
  });
});

describe('channels', () => {
  it('a failing channel fails the event; its retry delivers there once and stores nothing twice', async () => {
    const db = subgraph.running.deps.database.prisma;
    const logger = subgraph.running.deps.logger;
    /** An outside channel (email, push) that is down for its first call and keeps what it sent. */
    const sent = new Set<string>();
    let calls = 0;
    const flaky: NotificationChannel = {
      name: 'flaky',
      deliver: (m) => {
        calls++;
        if (calls === 1) return Promise.reject(new Error('mail server down'));
        const key = `${m.eventId}:${m.recipient}:${m.kind}`;
        if (sent.has(key)) return Promise.resolve(false);
        sent.add(key);
        return Promise.resolve(true);
      },
    };
    const consumer = new NotificationConsumer(db, [new TableNotificationChannel(db, logger), flaky], logger);
    const customerId = `f-${randomUUID()}`;
    const drop = event('wishlist.price_dropped', 'cart', { customerId, productId: randomUUID(), variantId: randomUUID(), sku: 'SKU-F', currency: 'USD', priceWhenSaved: '9.00', oldPrice: '9.00', newPrice: '8.00' });
    await expect(consumer.handle(drop)).rejects.toThrow('mail server down');
    // The bus retries the event: the table already has it, the outside channel gets it now.
    expect(await consumer.handle(drop)).toBe(1);
    expect(await consumer.handle(drop)).toBe(0);
    expect(sent.size).toBe(1);
    expect(await rows(customerId)).toHaveLength(1);
  });
});

describe('who reads which notification', () => {
  it('shows each customer only their own, admins\' only to the inventory scope, and marks read only one\'s own', async () => {
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    for (const [customerId, newPrice] of [[a, '10.00'], [a, '9.00'], [a, '8.00'], [b, '7.00']] as const) {
      await consumer().handle(
        event('wishlist.price_dropped', 'cart', { customerId, productId: randomUUID(), variantId: randomUUID(), sku: 'SKU-P', currency: 'USD', priceWhenSaved: '20.00', oldPrice: '19.00', newPrice }),
      );
    }
    // Distinct times (the lower the price, the newer), so the expected order does not hang on the clock's resolution.
    await sql(`UPDATE ordering.notification SET created_at = now() - (data->>'newPrice')::numeric * interval '1 second' WHERE recipient IN ($1, $2)`, a, b);
    const page1 = await mine(a, { first: 2 });
    expect(page1.totalCount).toBe(3);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await mine(a, { first: 2, after: page1.pageInfo.endCursor });
    expect([...page1.edges, ...page2.edges].map((e: { node: { title: string } }) => e.node.title)).toEqual(['8.00', '9.00', '10.00'].map((p) => `A saved item is now ${p} USD`));
    const bIds = (await mine(b)).edges.map((e: { node: { id: string } }) => e.node.id);
    expect(bIds).toHaveLength(1);

    // Another customer's id changes nothing; one's own is marked once.
    const aIds = page1.edges.map((e: { node: { id: string } }) => e.node.id);
    expect((await gqlAs(testIdentities.customer(a), MARK, { ids: [...aIds, ...bIds] })).data!.markNotificationsRead).toBe(2);
    expect((await gqlAs(testIdentities.customer(a), MARK, { ids: aIds })).data!.markNotificationsRead).toBe(0);
    expect((await mine(b)).edges[0].node.read).toBe(false);
    expect((await mine(a, { unread: true })).totalCount).toBe(1);

    expect((await gql(MINE)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gqlAs(testIdentities.customer(a), ADMIN)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gqlAs(testIdentities.admin(['catalog']), ADMIN)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gqlAs(testIdentities.customer(a), MARK, { ids: ['nope'] })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
  });
});
