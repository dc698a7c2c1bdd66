import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@shopgraph/kit/testing';
import { setStock } from './stockFixtures.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/**
 * Wishlists through the real gateway: items reference product and inventory entities (the
 * gateway fetches their name and live stock there), an admin's setPrice reaches the cart's
 * price projection as product.price_changed, and moving to the cart holds stock in inventory.
 */
let stack: RunningSupergraph;
const as = async (subject: string) => ({ authorization: `Bearer ${await testToken('CUSTOMER', { subject })}` });
const admin = async () => ({ authorization: `Bearer ${await testToken('ADMIN', { subject: 'admin-w', scopes: ['catalog'] })}` });

interface Variant {
  id: string;
  sku: string;
  price: string;
  productName: string;
}
let v: Variant;

const ITEM = `sku priceWhenSaved { amount currency } currentPrice { amount } priceDropped priceDrop { amount }
  product { id name } variant { id sku stock { available inStock } }`;
const ADD = `mutation($v: ID!) { addToWishlist(variantId: $v) { ${ITEM} } }`;
const LIST = `query { wishlist { totalCount edges { node { ${ITEM} } } } }`;
const MOVE = `mutation($v: ID!, $q: Int) { moveWishlistItemToCart(variantId: $v, quantity: $q) { id items { sku quantity } } }`;
const SET_PRICE = `mutation($v: ID!, $p: Decimal!) { setPrice(variantId: $v, price: $p, reason: "wishlist e2e") { id price { amount } } }`;

const held = async (sku: string) => (await stack.sql<{ n: number }>(`SELECT coalesce(sum(quantity), 0)::int AS n FROM inventory.stock_hold WHERE sku = $1`, sku))[0]!.n;

beforeAll(async () => {
  stack = await startSupergraph({ responseCache: false });
  [v] = (await stack.sql<Variant>(
    `SELECT v.id::text, v.sku, v.price::text AS price, p.name AS "productName" FROM catalog.product_variant v JOIN catalog.product p ON p.id = v.product_id
     WHERE p.status = 'ACTIVE' AND v.currency = 'USD' AND v.price BETWEEN 20 AND 60 ORDER BY v.sku LIMIT 1`,
  )) as [Variant];
});
afterAll(async () => {
  await stack?.stop();
});

describe('wishlists through the gateway', () => {
  it('save, an admin lowers the price, the wishlist shows the drop and live stock, then move to the cart', async () => {
    await setStock(stack, v.sku, 7);
    const me = await as(`wish-${randomUUID()}`);
    const saved = await stack.gql(ADD, { v: v.id }, me);
    expect(saved.errors).toBeUndefined();
    expect(saved.data.addToWishlist).toMatchObject({
      sku: v.sku,
      priceWhenSaved: { amount: v.price, currency: 'USD' },
      priceDropped: false,
      product: { name: v.productName },
      variant: { id: v.id, stock: { available: 7, inStock: true } },
    });

    // A variant the catalog does not know (asked of the product subgraph) is NOT_FOUND.
    expect((await stack.gql(ADD, { v: randomUUID() }, me)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const lower = (Number(v.price) - 5).toFixed(2);
    const set = await stack.gql(SET_PRICE, { v: v.id, p: lower }, await admin());
    expect(set.errors).toBeUndefined();
    // product.price_changed reaches the cart's projection through the event bus.
    let node: any;
    await eventually(async () => {
      node = (await stack.gql(LIST, {}, me)).data.wishlist.edges[0].node;
      return node.priceDropped === true;
    }, 'the wishlist to show the new price');
    expect(node).toMatchObject({ priceWhenSaved: { amount: v.price }, currentPrice: { amount: lower }, priceDrop: { amount: '5.00' } });
    const drops = await stack.sql<{ oldPrice: string; newPrice: string }>(
      `SELECT payload->>'oldPrice' AS "oldPrice", payload->>'newPrice' AS "newPrice" FROM cart.outbox_event
       WHERE topic = 'wishlist.price_dropped' AND payload->>'variantId' = $1`,
      v.id,
    );
    expect(drops).toEqual([{ oldPrice: v.price, newPrice: lower }]);

    const moved = await stack.gql(MOVE, { v: v.id, q: 2 }, me);
    expect(moved.errors).toBeUndefined();
    expect(moved.data.moveWishlistItemToCart.items).toEqual([{ sku: v.sku, quantity: 2 }]);
    expect(await held(v.sku)).toBe(2);
    expect((await stack.gql(LIST, {}, me)).data.wishlist.totalCount).toBe(0);
    await stack.gql(SET_PRICE, { v: v.id, p: v.price }, await admin());
  });

  it('moves once when the same item is moved several times at once', async () => {
    await setStock(stack, v.sku, 7);
    const me = await as(`race-${randomUUID()}`);
    await stack.gql(ADD, { v: v.id }, me);
    const results = await Promise.all(Array.from({ length: 5 }, () => stack.gql(MOVE, { v: v.id, q: 1 }, me)));
    const ok = results.filter((r) => !r.errors);
    expect(ok).toHaveLength(1);
    for (const r of results.filter((x) => x.errors)) expect(['CONFLICT', 'NOT_FOUND']).toContain(r.errors![0].extensions.code);
    const myCart = await stack.gql(`query { myCart { items { sku quantity } } }`, {}, me);
    expect(myCart.data.myCart.items).toEqual([{ sku: v.sku, quantity: 1 }]);
    expect(await held(v.sku)).toBe(1);
  });

  it('out of stock: the item stays in the wishlist and the error says so', async () => {
    await setStock(stack, v.sku, 0);
    const me = await as(`oos-${randomUUID()}`);
    await stack.gql(ADD, { v: v.id }, me);
    const res = await stack.gql(MOVE, { v: v.id, q: 1 }, me);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'OUT_OF_STOCK', sku: v.sku, keptInWishlist: true });
    expect(res.errors?.[0]?.message).toContain('stays in your wishlist');
    const list = (await stack.gql(LIST, {}, me)).data.wishlist;
    expect(list.totalCount).toBe(1);
    expect(list.edges[0].node.variant.stock).toEqual({ available: 0, inStock: false });
    // Once stock is back, the same item moves (the failed move released its claim).
    await setStock(stack, v.sku, 3);
    expect((await stack.gql(MOVE, { v: v.id, q: 1 }, me)).errors).toBeUndefined();
  });
});
