import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@shopgraph/kit/testing';
import { writeCart } from './cartFixtures.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/**
 * Sellers through the real gateway over HTTP, every subgraph running: a seller creates and
 * sells a product; another seller can neither change it nor read its stock, order lines or
 * analytics; the owner sees all three once the product.changed events have reached
 * inventory, orders and analytics; an admin sees everything.
 */
let sg: RunningSupergraph;
let auth: { alice: Record<string, string>; bob: Record<string, string>; admin: Record<string, string>; customer: Record<string, string> };
const customerId = randomUUID();
const n = randomUUID().slice(0, 8).toUpperCase();
const SKU = `ALICE-${n}-1`;
const ADDRESS = { name: 'Ada Lovelace', line1: '1 Main St', city: 'San Francisco', postalCode: '94105', region: 'US-CA', country: 'US' };
const TODAY = new Date().toISOString().slice(0, 10);
let product: { id: string; variants: Array<{ id: string }> };

const bearer = async (...args: Parameters<typeof testToken>) => ({ authorization: `Bearer ${await testToken(...args)}` });
const codes = (res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (res.errors ?? []).map((e) => e.extensions?.code);

beforeAll(async () => {
  sg = await startSupergraph({ redis: true });
  auth = {
    alice: await bearer('SELLER', { subject: 'seller-alice' }),
    bob: await bearer('SELLER', { subject: 'seller-bob' }),
    admin: await bearer('ADMIN', { subject: 'admin-1' }),
    customer: await bearer('CUSTOMER', { subject: customerId }),
  };
}, 180_000);

afterAll(async () => {
  await sg?.stop();
});

describe('sellers through the gateway', { timeout: 120_000 }, () => {
  it('a seller creates and publishes a product that is theirs', async () => {
    const [ids] = await sg.sql<{ brand: string; category: string }>(
      `SELECT (SELECT id::text FROM catalog.brand ORDER BY slug LIMIT 1) AS brand, (SELECT id::text FROM catalog.category WHERE depth = 2 ORDER BY path LIMIT 1) AS category`,
    );
    const input = { sku: `ALICE-${n}`, slug: `alice-teapot-${n.toLowerCase()}`, name: 'Alice teapot', brandId: ids!.brand, categoryId: ids!.category, currency: 'USD', variants: [{ sku: SKU, price: '25.00' }] };
    const created = await sg.gql(`mutation($input: CreateProductInput!) { createProduct(input: $input) { id sellerId variants { id } } }`, { input }, auth.alice);
    expect(created.errors).toBeUndefined();
    expect(created.data.createProduct.sellerId).toBe('seller-alice');
    product = created.data.createProduct;
    const published = await sg.gql(`mutation($id: ID!) { publishProduct(id: $id) { status } }`, { id: product.id }, auth.alice);
    expect(published.data).toEqual({ publishProduct: { status: 'ACTIVE' } });
  });

  it("another seller cannot change it: FORBIDDEN, and nothing changed", async () => {
    const attempts = [
      await sg.gql(`mutation($id: ID!) { updateProduct(id: $id, input: { name: "Bob's now" }) { id } }`, { id: product.id }, auth.bob),
      await sg.gql(`mutation($id: ID!) { setPrice(variantId: $id, price: "0.01") { id } }`, { id: product.variants[0]!.id }, auth.bob),
      await sg.gql(`mutation($id: ID!) { archiveProduct(id: $id) { id } }`, { id: product.id }, auth.bob),
    ];
    expect(attempts.map(codes)).toEqual([['FORBIDDEN'], ['FORBIDDEN'], ['FORBIDDEN']]);
    const read = await sg.gql(`query($id: ID!) { product(id: $id) { name status sellerId priceRange { min { amount } } } }`, { id: product.id });
    expect(read.data.product).toEqual({ name: 'Alice teapot', status: 'ACTIVE', sellerId: 'seller-alice', priceRange: { min: { amount: '25.00' } } });
    // A customer is no seller.
    expect(codes(await sg.gql(`mutation($id: ID!) { publishProduct(id: $id) { id } }`, { id: product.id }, auth.customer))).toEqual(['FORBIDDEN']);
  });

  it("the owner reads the product's stock; another seller cannot", async () => {
    await eventually(async () => (await sg.sql(`SELECT 1 FROM inventory.inventory_item WHERE sku = $1 AND seller_id = 'seller-alice'`, SKU)).length === 1, 'inventory to learn the SKU');
    const [warehouse] = await sg.sql<{ code: string }>(`SELECT code FROM inventory.warehouse ORDER BY code LIMIT 1`);
    const stocked = await sg.gql(
      `mutation($sku: String!, $w: String!) { adjustStock(input: { sku: $sku, warehouse: $w, set: 10, expectedVersion: 0, reason: "first delivery" }) { onHand } }`,
      { sku: SKU, w: warehouse!.code },
      auth.admin,
    );
    expect(stocked.errors).toBeUndefined();
    const LEVELS = `query($sku: String!) { stockLevels(sku: $sku) { sku onHand } }`;
    expect((await sg.gql(LEVELS, { sku: SKU }, auth.alice)).data).toEqual({ stockLevels: [{ sku: SKU, onHand: 10 }] });
    expect(codes(await sg.gql(LEVELS, { sku: SKU }, auth.bob))).toEqual(['FORBIDDEN']);
    expect((await sg.gql(`{ sellerStockLevels { sku } }`, {}, auth.bob)).data).toEqual({ sellerStockLevels: [] });
  });

  it("the owner sees the order lines and analytics of their product; another seller sees neither", async () => {
    // A customer views the product, then buys two (the cart written as checkout.e2e does).
    await eventually(async () => (await sg.sql(`SELECT 1 FROM reco.product_facts WHERE product_id = $1::uuid AND active`, product.id)).length === 1, 'recommendations to learn the product');
    const viewed = await sg.gql(`mutation($id: ID!) { trackProductView(productId: $id) }`, { id: product.id }, auth.customer);
    expect(viewed.data).toEqual({ trackProductView: true });
    const cartId = await writeCart(sg, customerId, { productId: product.id, variantId: product.variants[0]!.id, sku: SKU, quantity: 2, price: '25.00' });
    const order = await sg.gql(
      `mutation($input: CheckoutInput!) { checkout(input: $input, idempotencyKey: "sellers-e2e") { id status } }`,
      { input: { cartId, shippingAddress: ADDRESS, paymentMethod: { cardToken: 'tok_approve' } } },
      auth.customer,
    );
    expect(order.errors).toBeUndefined();

    const LINES = `{ sellerOrderLines { orderId orderStatus line { sku quantity lineTotal { amount currency } } } }`;
    await eventually(async () => ((await sg.gql(LINES, {}, auth.alice)).data?.sellerOrderLines ?? []).length === 1, "the order side to learn the product's seller");
    expect((await sg.gql(LINES, {}, auth.alice)).data.sellerOrderLines).toEqual([
      { orderId: order.data.checkout.id, orderStatus: order.data.checkout.status, line: { sku: SKU, quantity: 2, lineTotal: { amount: '50.00', currency: 'USD' } } },
    ]);
    expect((await sg.gql(LINES, {}, auth.bob)).data.sellerOrderLines).toEqual([]);

    const ANALYTICS = `query($id: ID!, $day: String!) { productAnalytics(productId: $id, from: $day, to: $day) { totals { views purchases units revenue { amount currency } conversionRate } } }`;
    const totals = async () => (await sg.gql(ANALYTICS, { id: product.id, day: TODAY }, auth.alice)).data?.productAnalytics.totals;
    await eventually(async () => (await totals())?.units === 2 && (await totals())?.views === 1, 'analytics to count the view and the sale');
    expect(await totals()).toEqual({ views: 1, purchases: 1, units: 2, revenue: { amount: '50.00', currency: 'USD' }, conversionRate: 1 });
    expect(codes(await sg.gql(ANALYTICS, { id: product.id, day: TODAY }, auth.bob))).toEqual(['FORBIDDEN']);
    const TOP = `query($day: String!) { topProducts(metric: REVENUE, from: $day, to: $day, first: 100) { product { id } } }`;
    expect((await sg.gql(TOP, { day: TODAY }, auth.alice)).data.topProducts).toEqual([{ product: { id: product.id } }]);
    expect((await sg.gql(TOP, { day: TODAY }, auth.bob)).data.topProducts).toEqual([]);
    expect((await sg.gql(TOP, { day: TODAY }, auth.admin)).data.topProducts).toContainEqual({ product: { id: product.id } });
  });
});
