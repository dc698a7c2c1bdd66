import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@shopgraph/kit/testing';
import { createRecommendationParts } from '../../subgraphs/recommendation/src/server.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/**
 * The money path feeding recommendations, all through the real gateway and the event bus:
 * a signed-in customer's cart and checkout become order.placed / order.status_changed, the
 * recommendation subgraph records the purchase, and after a refresh what they bought is no
 * longer recommended to them (unless consumable). A declined checkout leaves no purchase.
 */
let stack: RunningSupergraph;
let refresh: () => Promise<unknown>;

const ADDRESS = { name: 'Ada Lovelace', line1: '1 Main St', city: 'San Francisco', postalCode: '94105', region: 'US-CA', country: 'US' };
const CREATE_CART = `mutation { createCart(currency: "USD") { cart { id } token } }`;
const ADD = `mutation($cart: ID!, $variant: ID!, $q: Int!) { addCartItem(cartId: $cart, variantId: $variant, quantity: $q) { id } }`;
const CHECKOUT = `mutation($input: CheckoutInput!, $key: String!) { checkout(input: $input, idempotencyKey: $key) { id status } }`;
const FOR_ME = `{ recommendedForMe(first: 20) { product { id } reason { kind } } }`;

interface Pick {
  productId: string;
  variantId: string;
}

beforeAll(async () => {
  stack = await startSupergraph({ redis: true });
  const { refresher } = createRecommendationParts(stack.deps.recommendation);
  refresh = () => refresher.run();
  await refresh();
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const auth = async (customerId: string) => ({ authorization: `Bearer ${await testToken('CUSTOMER', { subject: customerId })}` });

const gqlAs = async (customerId: string, query: string, variables: Record<string, unknown> = {}) => stack.gql(query, variables, await auth(customerId));

/** The variant of `productId` with the most sellable units (at least `units`), or undefined. */
async function stockedVariant(productId: string, units: number): Promise<Pick | undefined> {
  const [row] = await stack.sql<Pick>(
    `SELECT i.product_id::text AS "productId", i.variant_id::text AS "variantId"
       FROM inventory.inventory_item i JOIN inventory.stock_level l ON l.sku = i.sku JOIN catalog.product_variant v ON v.id = i.variant_id
      WHERE i.product_id = $1::uuid
      GROUP BY i.product_id, i.variant_id HAVING sum(l.on_hand - l.reserved) >= $2 ORDER BY sum(l.on_hand - l.reserved) DESC, i.variant_id LIMIT 1`,
    productId,
    units,
  );
  return row;
}

async function cartWith(customerId: string, lines: Pick[]): Promise<string> {
  const created = await gqlAs(customerId, CREATE_CART);
  expect(created.errors).toBeUndefined();
  expect(created.data!.createCart.token).toBeNull();
  const cartId = created.data!.createCart.cart.id as string;
  for (const line of lines) {
    const added = await gqlAs(customerId, ADD, { cart: cartId, variant: line.variantId, q: 1 });
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
  }
  return cartId;
}

const checkout = (customerId: string, cartId: string, cardToken: string) =>
  gqlAs(customerId, CHECKOUT, { input: { cartId, shippingAddress: ADDRESS, paymentMethod: { cardToken } }, key: `k-${randomUUID()}` });

async function recommendedFor(customerId: string): Promise<string[]> {
  const res = await gqlAs(customerId, FOR_ME);
  expect(res.errors).toBeUndefined();
  return (res.data!.recommendedForMe as Array<{ product: { id: string } }>).map((r) => r.product.id);
}

const consumable = async (productId: string) =>
  (await stack.sql<{ consumable: boolean }>(`SELECT consumable FROM reco.product_facts WHERE product_id = $1::uuid`, productId))[0]?.consumable;

/** Every event the order subgraph recorded for the order has been applied by reco (at least once delivery, recorded by id). */
async function recoApplied(orderId: string): Promise<boolean> {
  const [row] = await stack.sql<{ recorded: number; applied: number }>(
    `SELECT count(*)::int AS recorded, count(p.event_id)::int AS applied
       FROM ordering.outbox_event o LEFT JOIN reco.processed_event p ON p.event_id = o.event_id
      WHERE o.aggregate_id = $1 AND o.topic IN ('order.placed', 'order.status_changed')`,
    orderId,
  );
  return row!.recorded >= 2 && row!.applied === row!.recorded;
}

describe('checkout to recommendations, through the gateway and the event bus', () => {
  it("a customer's purchase reaches their signals, and after a refresh what they bought is no longer recommended to them", async () => {
    const customerId = randomUUID();
    // A: an active, in-stock, non-consumable product with bought-together evidence, so the customer gets personal picks.
    const candidates = await stack.sql<{ id: string }>(
      `SELECT f.product_id::text AS id FROM reco.product_facts f
        WHERE f.active AND f.in_stock AND NOT f.consumable
          AND EXISTS (SELECT 1 FROM reco.also_bought a JOIN reco.product_facts o ON o.product_id = a.other_product_id
                       WHERE a.product_id = f.product_id AND o.active AND o.in_stock AND NOT o.consumable)
        ORDER BY f.product_id`,
    );
    let first: Pick | undefined;
    for (const c of candidates) if (!first) first = await stockedVariant(c.id, 2);
    expect(first, 'a non-consumable product in stock with bought-together evidence').toBeDefined();

    const cartId = await cartWith(customerId, [first!]);
    await eventually(
      async () => (await stack.sql(`SELECT 1 FROM reco.customer_product_signal WHERE customer_id = $1::uuid AND product_id = $2::uuid AND cart_adds = 1`, customerId, first!.productId)).length === 1,
      'reco to record the cart add (cart.item_added)',
    );
    await refresh();
    const before = await recommendedFor(customerId);
    expect(before.length).toBeGreaterThan(0);
    // B: something they are being recommended now, not consumable, that they then buy too.
    let second: Pick | undefined;
    for (const id of before) if (!second && id !== first!.productId && (await consumable(id)) === false) second = await stockedVariant(id, 2);
    expect(second, `a non-consumable recommendation in stock among ${before.length}`).toBeDefined();
    const added = await gqlAs(customerId, ADD, { cart: cartId, variant: second!.variantId, q: 1 });
    expect(added.errors).toBeUndefined();

    const placed = await checkout(customerId, cartId, 'tok_approve');
    expect(placed.errors, JSON.stringify(placed.errors)).toBeUndefined();
    expect(placed.data!.checkout.status).toBe('CONFIRMED');
    const orderId = placed.data!.checkout.id as string;

    await eventually(() => recoApplied(orderId), 'reco to apply order.placed and order.status_changed');
    const purchases = await stack.sql<{ product: string; customer: string; quantity: number }>(
      `SELECT product_id::text AS product, customer_id::text AS customer, quantity FROM reco.purchase WHERE order_id = $1::uuid ORDER BY product_id`,
      orderId,
    );
    expect(purchases).toEqual(
      [first!.productId, second!.productId].sort().map((product) => ({ product, customer: customerId, quantity: 1 })),
    );
    const signals = await stack.sql<{ product: string; purchases: number; cart_adds: number }>(
      `SELECT product_id::text AS product, purchases, cart_adds FROM reco.customer_product_signal WHERE customer_id = $1::uuid ORDER BY product_id`,
      customerId,
    );
    expect(signals).toEqual([first!.productId, second!.productId].sort().map((product) => ({ product, purchases: 1, cart_adds: 1 })));

    await refresh();
    const after = await recommendedFor(customerId);
    expect(after.length).toBeGreaterThan(0);
    expect(after).not.toContain(first!.productId);
    expect(after).not.toContain(second!.productId);
  }, 120_000);

  it('a declined checkout leaves no purchase behind', async () => {
    const customerId = randomUUID();
    const [row] = await stack.sql<{ id: string }>(`SELECT product_id::text AS id FROM reco.product_facts WHERE active AND in_stock ORDER BY product_id DESC LIMIT 1`);
    const line = await stockedVariant(row!.id, 1);
    expect(line).toBeDefined();
    const cartId = await cartWith(customerId, [line!]);
    const purchasesBefore = await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM reco.purchase WHERE product_id = $1::uuid`, line!.productId);

    const declined = await checkout(customerId, cartId, 'tok_decline');
    expect(declined.errors?.[0]?.extensions).toMatchObject({ code: 'PAYMENT_DECLINED' });
    const orderId = declined.errors![0]!.extensions!.orderId as string;
    expect(orderId).toEqual(expect.any(String));

    // order.placed (recorded before payment) and order.status_changed FAILED both reach reco.
    await eventually(() => recoApplied(orderId), "reco to apply the failed order's events");
    const topics = await stack.sql<{ topic: string; status: string | null }>(
      `SELECT topic, payload->>'status' AS status FROM ordering.outbox_event WHERE aggregate_id = $1 ORDER BY position`,
      orderId,
    );
    expect(topics).toEqual([
      { topic: 'order.placed', status: null },
      { topic: 'order.status_changed', status: 'FAILED' },
    ]);
    expect(await stack.sql(`SELECT 1 FROM reco.purchase WHERE order_id = $1::uuid OR customer_id = $2::uuid`, orderId, customerId)).toEqual([]);
    expect(await stack.sql(`SELECT 1 FROM reco.customer_product_signal WHERE customer_id = $1::uuid AND purchases > 0`, customerId)).toEqual([]);
    expect(await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM reco.purchase WHERE product_id = $1::uuid`, line!.productId)).toEqual(purchasesBefore);
  }, 120_000);
});
