import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InternalSigner, serviceIdentity } from '@shopgraph/kit';
import { postGraphQL, TEST_INTERNAL_SIGNING_SECRET } from '@shopgraph/kit/testing';
import { createCatalogCaches } from '../../subgraphs/product/src/caches.js';
import { PricingService } from '../../subgraphs/product/src/services/pricingService.js';
import { setStock } from './stockFixtures.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/**
 * Carts through the real gateway: every cart change reaches inventory through the cart's
 * InternalClient (signed service calls to the in-process inventory subgraph), and the
 * service-only checkout operations are reached the same way the order subgraph reaches them.
 */
let stack: RunningSupergraph;
const auth = async (subject: string) => ({ authorization: `Bearer ${await testToken('CUSTOMER', { subject })}` });
const admin = async () => ({ authorization: `Bearer ${await testToken('ADMIN', { subject: 'admin-9', scopes: ['catalog'] })}` });

interface Variant {
  id: string;
  sku: string;
  price: string;
}
let v1: Variant;
let v2: Variant;

const CART_FIELDS = `id status version couponCode totalQuantity
  items { sku quantity unitPriceAtAdd { amount } unitPrice { amount } priceChanged lineTotal { amount } variant { id sku } }
  totals(region: $region) { subtotal { amount currency } discount { amount } tax { amount } shipping { amount } grandTotal { amount } appliedCoupon couponProblem }`;
const CREATE = `mutation { createCart { token cart { id status } } }`;
const ADD = `mutation($id: ID!, $token: String, $variant: ID!, $q: Int!, $region: String) { addCartItem(cartId: $id, cartToken: $token, variantId: $variant, quantity: $q) { ${CART_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $token: String, $variant: ID!, $q: Int!, $region: String) { updateCartItemQuantity(cartId: $id, cartToken: $token, variantId: $variant, quantity: $q) { ${CART_FIELDS} } }`;
const COUPON = `mutation($id: ID!, $token: String, $code: String!, $region: String) { applyCoupon(cartId: $id, cartToken: $token, code: $code) { ${CART_FIELDS} } }`;
const BY_TOKEN = `query($token: ID!, $region: String) { cart(token: $token) { ${CART_FIELDS} } }`;
const MY_CART = `query($region: String) { myCart { ${CART_FIELDS} } }`;

const held = async (cartId: string) =>
  (await stack.sql<{ sku: string; n: number }>(`SELECT sku, sum(quantity)::int AS n FROM inventory.stock_hold WHERE owner = $1 GROUP BY sku ORDER BY sku`, `cart:${cartId}`)).map(
    (r) => [r.sku, r.n],
  );

/** A call the order subgraph would make: signed as the order service, straight to the cart subgraph. */
function asOrderService(query: string, variables: Record<string, unknown>) {
  return stack.deps.order.internal.request<Record<string, any>>('cart', query, variables);
}

beforeAll(async () => {
  stack = await startSupergraph({ responseCache: false, commerce: { taxRates: { DE: '0.19', 'US-CA': '0.0725', US: '0' } } });
  const variants = await stack.sql<Variant>(
    `SELECT v.id::text, v.sku, v.price::text AS price FROM catalog.product_variant v JOIN catalog.product p ON p.id = v.product_id
     WHERE p.status = 'ACTIVE' AND v.currency = 'USD' AND v.price BETWEEN 10 AND 40 ORDER BY v.sku LIMIT 2`,
  );
  [v1, v2] = variants as [Variant, Variant];
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  await setStock(stack, v1.sku, 10);
  await setStock(stack, v2.sku, 10);
});

describe('guest carts through the gateway', () => {
  it('adds items holding stock in inventory, prices them exactly, and refuses more than is available', async () => {
    const created = await stack.gql(CREATE);
    expect(created.errors).toBeUndefined();
    const { token, cart } = created.data.createCart;
    expect(token).toMatch(/^[\w-]{40,}$/);
    // Only the hash is stored.
    expect(await stack.sql(`SELECT 1 FROM cart.cart WHERE token_hash = $1`, token)).toEqual([]);

    const added = await stack.gql(ADD, { id: cart.id, token, variant: v1.id, q: 3, region: 'DE' });
    expect(added.errors).toBeUndefined();
    const c = added.data.addCartItem;
    expect(c.items).toEqual([
      { sku: v1.sku, quantity: 3, unitPriceAtAdd: { amount: v1.price }, unitPrice: { amount: v1.price }, priceChanged: false, lineTotal: { amount: (Number(v1.price) * 3).toFixed(2) }, variant: { id: v1.id, sku: v1.sku } },
    ]);
    expect(await held(cart.id)).toEqual([[v1.sku, 3]]);
    const t = c.totals;
    const sum = ['subtotal', 'tax', 'shipping'].reduce((s, k) => s + Math.round(Number(t[k].amount) * 100), -Math.round(Number(t.discount.amount) * 100));
    expect(Math.round(Number(t.grandTotal.amount) * 100)).toBe(sum);
    expect(t.tax.amount).toBe(((Math.round(Number(v1.price) * 3 * 100) * 0.19) / 100).toFixed(2));

    // 3 held + 8 more > 10: refused with what can be held, and nothing changed anywhere.
    const tooMany = await stack.gql(ADD, { id: cart.id, token, variant: v1.id, q: 8 });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'OUT_OF_STOCK', sku: v1.sku, requested: 11, available: 10 });
    expect(await held(cart.id)).toEqual([[v1.sku, 3]]);
    expect((await stack.gql(BY_TOKEN, { token })).data.cart.items[0].quantity).toBe(3);

    // Down to 1 and up again: the hold follows; 0 removes the line and its hold.
    await stack.gql(UPDATE, { id: cart.id, token, variant: v1.id, q: 1 });
    expect(await held(cart.id)).toEqual([[v1.sku, 1]]);
    const removed = await stack.gql(UPDATE, { id: cart.id, token, variant: v1.id, q: 0 });
    expect(removed.data.updateCartItemQuantity.items).toEqual([]);
    expect(await held(cart.id)).toEqual([]);
    const events = await stack.sql<{ topic: string; change: string | null }>(
      `SELECT topic, payload->>'change' AS change FROM cart.outbox_event WHERE aggregate_id = $1 ORDER BY position`,
      cart.id,
    );
    expect(events.map((e) => e.change ?? e.topic)).toEqual(['item_added', 'cart.item_added', 'item_updated', 'item_removed']);
  });

  it('20 carts racing for 10 units: exactly 10 added, carts and holds agree, movements add up', async () => {
    const carts = await Promise.all(Array.from({ length: 20 }, async () => (await stack.gql(CREATE)).data.createCart));
    const movementsBefore = (await stack.sql<{ n: number }>(`SELECT coalesce(sum(reserved_delta), 0)::int AS n FROM inventory.stock_movement WHERE sku = $1`, v1.sku))[0]!.n;
    const results = await Promise.all(carts.map((c) => stack.gql(ADD, { id: c.cart.id, token: c.token, variant: v1.id, q: 1 })));
    expect(results.map((r) => r.errors?.[0]?.extensions?.code ?? "ok").sort()).toEqual([...Array(10).fill("OUT_OF_STOCK"), ...Array(10).fill("ok")]);
    expect(results.filter((r) => r.errors).every((r) => r.errors![0].extensions.code === 'OUT_OF_STOCK')).toBe(true);
    const inCarts = await stack.sql<{ n: number }>(`SELECT coalesce(sum(quantity), 0)::int AS n FROM cart.cart_item WHERE cart_id = ANY($1::uuid[])`, carts.map((c) => c.cart.id));
    const holds = await stack.sql<{ n: number }>(`SELECT coalesce(sum(quantity), 0)::int AS n FROM inventory.stock_hold WHERE sku = $1`, v1.sku);
    const level = await stack.sql<{ on_hand: number; reserved: number }>(`SELECT sum(on_hand)::int AS on_hand, sum(reserved)::int AS reserved FROM inventory.stock_level WHERE sku = $1`, v1.sku);
    const movements = (await stack.sql<{ n: number }>(`SELECT coalesce(sum(reserved_delta), 0)::int AS n FROM inventory.stock_movement WHERE sku = $1`, v1.sku))[0]!.n;
    expect([inCarts[0]!.n, holds[0]!.n, level[0]]).toEqual([10, 10, { on_hand: 10, reserved: 10 }]);
    expect(movements - movementsBefore).toBe(10);
  });

  it('keeps the holder out of every cart but its own', async () => {
    const a = (await stack.gql(CREATE)).data.createCart;
    const b = (await stack.gql(CREATE)).data.createCart;
    // B's token on A's cart, no token, a customer's identity: all refused, nothing held.
    expect((await stack.gql(ADD, { id: a.cart.id, token: b.token, variant: v1.id, q: 1 })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.gql(ADD, { id: a.cart.id, variant: v1.id, q: 1 })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.gql(ADD, { id: a.cart.id, variant: v1.id, q: 1 }, await auth('customer-77'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await held(a.cart.id)).toEqual([]);

    const alice = await auth('alice');
    const bob = await auth('bob');
    const aliceCart = (await stack.gql(CREATE, {}, alice)).data.createCart;
    expect(aliceCart.token).toBeNull();
    expect((await stack.gql(ADD, { id: aliceCart.cart.id, variant: v1.id, q: 2 }, alice)).errors).toBeUndefined();
    expect((await stack.gql(ADD, { id: aliceCart.cart.id, variant: v1.id, q: 1 }, bob)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.gql(ADD, { id: aliceCart.cart.id, variant: v1.id, q: 1 })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await stack.gql(MY_CART, {}, bob)).data.myCart).toBeNull();
    expect((await stack.gql(MY_CART, {}, alice)).data.myCart.items.map((i: any) => i.quantity)).toEqual([2]);
    // The service-only operations are not in the public API at all.
    const internal = await stack.gql(`mutation { holdStock(owner: "cart:x", lines: []) { owner } }`);
    expect(internal.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await stack.gql(`query { checkoutCart(cartId: "${aliceCart.cart.id}", customerId: "alice", region: "DE") { id } }`, {}, alice)).errors?.[0]?.extensions?.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
  });

  it('merges a guest cart into the customer cart on sign-in, within what can be held', async () => {
    await setStock(stack, v1.sku, 7);
    const carol = await auth('carol');
    const MERGE = `mutation($t: String!, $region: String) { mergeGuestCart(cartToken: $t) { ${CART_FIELDS} } }`;
    const mine = (await stack.gql(CREATE, {}, carol)).data.createCart.cart;
    await stack.gql(ADD, { id: mine.id, variant: v1.id, q: 4 }, carol);
    const guest = (await stack.gql(CREATE)).data.createCart;
    await stack.gql(ADD, { id: guest.cart.id, token: guest.token, variant: v1.id, q: 2 });
    await stack.gql(ADD, { id: guest.cart.id, token: guest.token, variant: v2.id, q: 3 });
    const other = (await stack.gql(CREATE)).data.createCart;
    expect((await stack.gql(ADD, { id: other.cart.id, token: other.token, variant: v1.id, q: 1 })).errors).toBeUndefined();
    // 7 on hand, all held: carol 4, guest 2, other 1. The guest's 2 are released first, so carol gets 6.
    expect((await stack.gql(MERGE, { t: guest.token })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const merged = await stack.gql(MERGE, { t: guest.token }, carol);
    expect(merged.errors).toBeUndefined();
    expect(merged.data.mergeGuestCart.items.map((i: any) => [i.sku, i.quantity])).toEqual([
      [v1.sku, 6],
      [v2.sku, 3],
    ]);
    expect(await held(mine.id)).toEqual([[v1.sku, 6], [v2.sku, 3]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    expect(await held(guest.cart.id)).toEqual([]);
    expect((await stack.gql(BY_TOKEN, { token: guest.token })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // A guest line of 5 when only 1 more can be held: the merged line is lowered to what fits (6 + 1).
    await stack.sql(`UPDATE inventory.stock_level SET on_hand = on_hand + 1 WHERE sku = $1 AND on_hand > 0`, v1.sku);
    const guest2 = (await stack.gql(CREATE)).data.createCart;
    await stack.gql(ADD, { id: guest2.cart.id, token: guest2.token, variant: v1.id, q: 1 });
    await stack.sql(`UPDATE cart.cart_item SET quantity = 5 WHERE cart_id = $1::uuid`, guest2.cart.id);
    const again = await stack.gql(MERGE, { t: guest2.token }, carol);
    expect(again.errors).toBeUndefined();
    expect(again.data.mergeGuestCart.items.find((i: any) => i.sku === v1.sku).quantity).toBe(7);
    expect((await held(mine.id)).find(([s]) => s === v1.sku)).toEqual([v1.sku, 7]);
  });
});

describe('coupons, prices and checkout', () => {
  it('admins manage coupons with per-field errors; carts apply them with minimum spend and limits', async () => {
    const bad = await stack.gql(
      `mutation { createCoupon(input: { code: "x", kind: PERCENTAGE, value: "150" }) { code } }`,
      {},
      await admin(),
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((bad.errors?.[0]?.extensions?.fieldErrors as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(['input.code', 'input.value']);
    expect((await stack.gql(`mutation { createCoupon(input: { code: "SAVE10", kind: PERCENTAGE, value: "10" }) { code } }`, {}, await auth('dave'))).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const ok = await stack.gql(
      `mutation { createCoupon(input: { code: "save10", kind: PERCENTAGE, value: "10", minSpend: "50.00", usageLimit: 1, perCustomerLimit: 1 }) { code kind value minSpend usedCount active } }`,
      {},
      await admin(),
    );
    expect(ok.data.createCoupon).toEqual({ code: 'SAVE10', kind: 'PERCENTAGE', value: '10.00', minSpend: '50.00', usedCount: 0, active: true });

    const erin = await auth('erin');
    const cart = (await stack.gql(CREATE, {}, erin)).data.createCart.cart;
    await stack.gql(ADD, { id: cart.id, variant: v1.id, q: 1 }, erin);
    const applied = await stack.gql(COUPON, { id: cart.id, code: 'save10', region: 'US-CA' }, erin);
    expect(applied.errors).toBeUndefined();
    // Below the minimum spend: kept on the cart, no discount, and the cart says why.
    if (Number(v1.price) < 50) {
      expect(applied.data.applyCoupon.totals).toMatchObject({ discount: { amount: '0.00' }, appliedCoupon: null });
      expect(applied.data.applyCoupon.totals.couponProblem).toContain('spend at least 50.00');
    }
    const full = await stack.gql(UPDATE, { id: cart.id, variant: v1.id, q: 5, region: 'US-CA' }, erin);
    const totals = full.data.updateCartItemQuantity.totals;
    const subtotal = Math.round(Number(v1.price) * 100) * 5;
    expect(totals.subtotal.amount).toBe((subtotal / 100).toFixed(2));
    expect(totals.discount.amount).toBe((Math.round(subtotal / 10) / 100).toFixed(2));
    expect(totals.appliedCoupon).toBe('SAVE10');

    // Checkout as the order subgraph does it: priced for a region, then closed once per order.
    const CHECKOUT = `query($id: ID!, $c: ID, $t: String, $r: String!) { checkoutCart(cartId: $id, customerId: $c, cartToken: $t, region: $r) {
      id customerId currency stockOwner lines { productId variantId sku quantity unitPrice } subtotal discount tax shipping grandTotal couponCode version } }`;
    await expect(asOrderService(CHECKOUT, { id: cart.id, c: 'mallory', r: 'US-CA' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(asOrderService(CHECKOUT, { id: cart.id, c: 'erin', r: 'MARS' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'region' } });
    const { checkoutCart: priced } = await asOrderService(CHECKOUT, { id: cart.id, c: 'erin', r: 'US-CA' });
    expect(priced).toMatchObject({ id: cart.id, customerId: 'erin', currency: 'USD', stockOwner: `cart:${cart.id}`, couponCode: 'SAVE10', subtotal: totals.subtotal.amount });
    expect(priced.grandTotal).toBe(totals.grandTotal.amount);
    expect(priced.lines).toEqual([{ productId: expect.any(String), variantId: v1.id, sku: v1.sku, quantity: 5, unitPrice: v1.price }]);

    const COMPLETE = `mutation($id: ID!, $o: ID!) { completeCheckout(cartId: $id, orderId: $o) }`;
    expect(await asOrderService(COMPLETE, { id: cart.id, o: 'order-erin-1' })).toEqual({ completeCheckout: true });
    expect(await asOrderService(COMPLETE, { id: cart.id, o: 'order-erin-1' })).toEqual({ completeCheckout: true });
    await expect(asOrderService(COMPLETE, { id: cart.id, o: 'order-erin-2' })).rejects.toMatchObject({ code: 'CONFLICT' });
    // Closing the cart leaves its hold for the order to commit.
    expect(await held(cart.id)).toEqual([[v1.sku, 5]]);
    expect((await stack.sql<{ used_count: number }>(`SELECT used_count FROM cart.coupon WHERE code = 'SAVE10'`))[0]!.used_count).toBe(1);
    const commit = await stack.deps.order.internal.request<{ commitStock: boolean }>('inventory', `mutation($o: ID!, $r: ID!) { commitStock(owner: $o, reference: $r) }`, {
      o: priced.stockOwner,
      r: 'order-erin-1',
    });
    expect(commit.commitStock).toBe(true);
    expect(await held(cart.id)).toEqual([]);

    // The code is used up: another cart may not take it.
    const frank = await auth('frank');
    const other = (await stack.gql(CREATE, {}, frank)).data.createCart.cart;
    expect((await stack.gql(COUPON, { id: other.id, code: 'SAVE10' }, frank)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
  });

  it('a guest checks out with the token; a wrong token is FORBIDDEN; an empty cart is BAD_USER_INPUT', async () => {
    const g = (await stack.gql(CREATE)).data.createCart;
    const CHECKOUT = `query($id: ID!, $t: String) { checkoutCart(cartId: $id, cartToken: $t, region: "DE") { grandTotal } }`;
    await expect(asOrderService(CHECKOUT, { id: g.cart.id, t: g.token })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await stack.gql(ADD, { id: g.cart.id, token: g.token, variant: v2.id, q: 2 });
    await expect(asOrderService(CHECKOUT, { id: g.cart.id, t: 'not-the-token' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await asOrderService(CHECKOUT, { id: g.cart.id, t: g.token })).checkoutCart.grandTotal).toMatch(/^\d+\.\d{2}$/);
    // A customer token signed by the gateway cannot reach the service-only field even directly.
    const signer = new InternalSigner(TEST_INTERNAL_SIGNING_SECRET);
    const direct = await postGraphQL(stack.subgraphUrls.cart, CHECKOUT, { id: g.cart.id, t: g.token }, {}, { signAs: { signer, identity: { kind: 'user', subject: 'x', role: 'ADMIN', scopes: ['admin', 'orders'] } } });
    expect(direct.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asService = await postGraphQL(stack.subgraphUrls.cart, CHECKOUT, { id: g.cart.id, t: g.token }, {}, { signAs: { signer, identity: serviceIdentity('order') } });
    expect(asService.errors).toBeUndefined();
  });

  it('shows a price change since the item was added, charging the current price', async () => {
    const g = (await stack.gql(CREATE)).data.createCart;
    await stack.gql(ADD, { id: g.cart.id, token: g.token, variant: v2.id, q: 1 });
    const newPrice = (Number(v2.price) + 1.25).toFixed(2);
    // The catalog's own price change (its admin API is another issue's): row, history and product.price_changed in one transaction.
    const pricing = new PricingService(stack.deps.product.database.prisma, createCatalogCaches(stack.deps.product.caches));
    await pricing.setPrice({ subject: 'admin-9' }, { variantId: v2.id, price: newPrice });
    // The projection follows product.price_changed through the event bus.
    let item: any;
    for (let i = 0; i < 100; i++) {
      item = (await stack.gql(BY_TOKEN, { token: g.token })).data.cart.items[0];
      if (item.priceChanged) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(item).toMatchObject({ unitPriceAtAdd: { amount: v2.price }, unitPrice: { amount: newPrice }, priceChanged: true, lineTotal: { amount: newPrice } });
    await pricing.setPrice({ subject: 'admin-9' }, { variantId: v2.id, price: v2.price });
  });

  it('expired carts are swept: their holds go back to available stock', async () => {
    const g = (await stack.gql(CREATE)).data.createCart;
    await stack.gql(ADD, { id: g.cart.id, token: g.token, variant: v1.id, q: 4 });
    expect(await held(g.cart.id)).toEqual([[v1.sku, 4]]);
    await stack.sql(`UPDATE cart.cart SET expires_at = now() - interval '1 second' WHERE id = $1::uuid`, g.cart.id);
    const { CartSweepJob } = await import('../../subgraphs/cart/src/services/cartSweepJob.js');
    const { createCartCaches } = await import('../../subgraphs/cart/src/caches.js');
    const { CartService } = await import('../../subgraphs/cart/src/services/cartService.js');
    const { PriceBook } = await import('../../subgraphs/cart/src/services/priceBook.js');
    const deps = stack.deps.cart;
    const service = new CartService(deps.database.prisma, createCartCaches(deps.caches), deps.internal, new PriceBook(deps.database.prisma, deps.internal), deps.commerce);
    const [a, b] = await Promise.all([new CartSweepJob(service, deps.logger).runOnce(), new CartSweepJob(service, deps.logger).runOnce()]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    expect(await held(g.cart.id)).toEqual([]);
    expect((await stack.sql<{ status: string }>(`SELECT status FROM cart.cart WHERE id = $1::uuid`, g.cart.id))[0]!.status).toBe('EXPIRED');
    expect((await stack.gql(ADD, { id: g.cart.id, token: g.token, variant: v1.id, q: 1 })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});
