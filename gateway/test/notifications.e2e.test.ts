import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@shopgraph/kit/testing';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

// Recovery runs only when a test says so.
process.env.CHECKOUT_RECOVERY_INTERVAL_SECONDS = '0';

/**
 * Notifications through the real gateway: checkout, an admin's shipping and setPrice record
 * events in their own subgraphs; the order subgraph's consumer group turns them into messages
 * that the customer reads with myNotifications.
 */
let stack: RunningSupergraph;
const as = async (subject: string) => ({ authorization: `Bearer ${await testToken('CUSTOMER', { subject })}` });
const admin = async (scopes: string[]) => ({ authorization: `Bearer ${await testToken('ADMIN', { subject: 'admin-n', scopes })}` });

const MINE = `query { myNotifications { totalCount edges { node { kind title body trackingNumber sku read order { id number status } } } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!, $key: String!) { checkout(input: $input, idempotencyKey: $key) { id number status } }`;
const ADDRESS = { name: 'Ada Lovelace', line1: '1 Main St', city: 'San Francisco', postalCode: '94105', region: 'US-CA', country: 'US' };

interface Variant {
  id: string;
  sku: string;
  price: string;
}
let v: Variant;

async function kinds(headers: Record<string, string>): Promise<string[]> {
  const res = await stack.gql(MINE, {}, headers);
  expect(res.errors).toBeUndefined();
  return res.data.myNotifications.edges.map((e: { node: { kind: string } }) => e.node.kind);
}

beforeAll(async () => {
  stack = await startSupergraph({ responseCache: false, commerce: { taxRates: { 'US-CA': '0.0725' } } });
  [v] = (await stack.sql<Variant>(
    `SELECT v.id::text, v.sku, v.price::text AS price FROM catalog.product_variant v JOIN catalog.product p ON p.id = v.product_id
     WHERE p.status = 'ACTIVE' AND v.currency = 'USD' AND v.price BETWEEN 20 AND 60 ORDER BY v.sku DESC LIMIT 1`,
  )) as [Variant];
  await stack.sql(`DELETE FROM inventory.stock_hold WHERE sku = $1`, v.sku);
  await stack.sql(`UPDATE inventory.stock_level SET on_hand = 50, reserved = 0 WHERE sku = $1`, v.sku);
});
afterAll(async () => {
  await stack?.stop();
});

describe('notifications through the gateway', () => {
  it('place an order: the customer is told it is confirmed, then shipped with its tracking number', async () => {
    const customer = await as(randomUUID());
    const cart = (await stack.gql(`mutation { createCart { cart { id } } }`, {}, customer)).data.createCart.cart;
    const added = await stack.gql(`mutation($c: ID!, $v: ID!) { addCartItem(cartId: $c, variantId: $v, quantity: 1) { id } }`, { c: cart.id, v: v.id }, customer);
    expect(added.errors).toBeUndefined();
    const placed = await stack.gql(
      CHECKOUT,
      { input: { cartId: cart.id, shippingAddress: ADDRESS, paymentMethod: { cardToken: 'tok_approve' } }, key: randomUUID() },
      customer,
    );
    expect(placed.errors).toBeUndefined();
    const order = placed.data.checkout;
    expect(order.status).toBe('CONFIRMED');

    await eventually(async () => (await kinds(customer)).includes('ORDER_CONFIRMED'), 'the order confirmation');
    const confirmation = (await stack.gql(MINE, {}, customer)).data.myNotifications.edges[0].node;
    expect(confirmation).toMatchObject({ kind: 'ORDER_CONFIRMED', title: `Order ${order.number} confirmed`, read: false, order: { id: order.id, number: order.number } });

    const shipped = await stack.gql(
      `mutation($id: ID!) { updateOrderStatus(orderId: $id, status: SHIPPED, trackingNumber: "TRACK-0042", carrier: "DHL") { status } }`,
      { id: order.id },
      await admin(['orders']),
    );
    expect(shipped.errors).toBeUndefined();
    await eventually(async () => (await kinds(customer)).includes('ORDER_SHIPPED'), 'the shipping notification');
    const latest = (await stack.gql(MINE, {}, customer)).data.myNotifications.edges[0].node;
    expect(latest).toMatchObject({ kind: 'ORDER_SHIPPED', trackingNumber: 'TRACK-0042', order: { status: 'SHIPPED' } });
    // Another customer sees none of it.
    expect(await kinds(await as(randomUUID()))).toEqual([]);
  });

  it('a price drop on a wishlisted variant reaches the customer from the cart subgraph', async () => {
    const subject = randomUUID();
    const customer = await as(subject);
    expect((await stack.gql(`mutation($v: ID!) { addToWishlist(variantId: $v) { id } }`, { v: v.id }, customer)).errors).toBeUndefined();
    const lower = (Number(v.price) - 3).toFixed(2);
    const set = await stack.gql(`mutation($v: ID!, $p: Decimal!) { setPrice(variantId: $v, price: $p) { id } }`, { v: v.id, p: lower }, await admin(['catalog']));
    expect(set.errors).toBeUndefined();
    // product.price_changed -> cart (wishlist.price_dropped) -> order (the notification).
    await eventually(async () => (await kinds(customer)).includes('PRICE_DROP'), 'the price drop notification');
    const node = (await stack.gql(MINE, {}, customer)).data.myNotifications.edges[0].node;
    expect(node).toMatchObject({ kind: 'PRICE_DROP', title: `A saved item is now ${lower} USD`, sku: v.sku, order: null });
    await stack.gql(`mutation($v: ID!, $p: Decimal!) { setPrice(variantId: $v, price: $p) { id } }`, { v: v.id, p: v.price }, await admin(['catalog']));
  });

  it('an admin adjustment that takes a SKU to its threshold tells the admins, and only them', async () => {
    const [level] = await stack.sql<{ sku: string; warehouse: string; version: number }>(
      `SELECT l.sku, w.code AS warehouse, l.version FROM inventory.stock_level l JOIN inventory.warehouse w ON w.id = l.warehouse_id
       WHERE l.sku <> $1 ORDER BY l.sku, w.code LIMIT 1`,
      v.sku,
    );
    const { sku, warehouse } = level!;
    await stack.sql(`DELETE FROM inventory.stock_hold WHERE sku = $1`, sku);
    await stack.sql(`UPDATE inventory.stock_level SET reserved = 0, on_hand = 10, low_stock_threshold = 1 WHERE sku = $1`, sku);
    const [{ version }] = (await stack.sql<{ version: number }>(
      `SELECT l.version FROM inventory.stock_level l JOIN inventory.warehouse w ON w.id = l.warehouse_id WHERE l.sku = $1 AND w.code = $2`,
      sku,
      warehouse,
    )) as [{ version: number }];
    // The SKU's other warehouses hold nothing: setting this one to 0 crosses the summed threshold.
    await stack.sql(
      `UPDATE inventory.stock_level l SET on_hand = 0 FROM inventory.warehouse w WHERE w.id = l.warehouse_id AND l.sku = $1 AND w.code <> $2`,
      sku,
      warehouse,
    );
    const inventoryAdmin = await admin(['inventory']);
    const adjusted = await stack.gql(
      `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { available } }`,
      { input: { sku, warehouse, set: 0, expectedVersion: version, reason: 'notifications e2e' } },
      inventoryAdmin,
    );
    expect(adjusted.errors).toBeUndefined();
    const ADMIN = `query { adminNotifications(unreadOnly: true) { edges { node { id kind sku title } } } }`;
    let nodes: Array<{ id: string; kind: string; sku: string }> = [];
    await eventually(async () => {
      nodes = (await stack.gql(ADMIN, {}, inventoryAdmin)).data.adminNotifications.edges.map((e: { node: unknown }) => e.node);
      return nodes.some((n) => n.sku === sku);
    }, 'the low stock notification');
    const low = nodes.find((n) => n.sku === sku)!;
    expect(low).toMatchObject({ kind: 'LOW_STOCK', title: `Low stock: ${sku}` });
    // Customers and other admins cannot read or mark it.
    expect((await stack.gql(ADMIN, {}, await as(randomUUID()))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const MARK = `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`;
    expect((await stack.gql(MARK, { ids: [low.id] }, await as(randomUUID()))).data.markNotificationsRead).toBe(0);
    expect((await stack.gql(MARK, { ids: [low.id] }, inventoryAdmin)).data.markNotificationsRead).toBe(1);
  });
});
