import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sendGraphQL } from '@shopgraph/kit/testing';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/**
 * A SKU an admin creates in the catalog can be stocked: the inventory subgraph learns it
 * from product.changed (the snapshot lists the variants; durable group
 * inventory.catalog-skus), so adjustStock knows it and the product shows in stock.
 */
let stack: RunningSupergraph;

beforeAll(async () => {
  stack = await startSupergraph({ redis: true });
});
afterAll(async () => {
  await stack?.stop();
});

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const ADJUST = `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { sku onHand available version } }`;
const STOCK = `query($slug: String!) { product(slug: $slug) { id status stock { available inStock } variants { sku stock { available } } } }`;

describe('stock for the SKUs an admin creates', () => {
  it('createProduct (with a variant) -> publishProduct -> adjustStock(set 5) -> the product is in stock; createVariant is learnt too', async () => {
    const admin = bearer(await testToken('ADMIN', { subject: 'admin-1', scopes: ['catalog', 'inventory'] }));
    const [ref] = await stack.sql<{ brand: string; category: string }>(
      `SELECT (SELECT id::text FROM catalog.brand ORDER BY slug LIMIT 1) AS brand, (SELECT id::text FROM catalog.category WHERE depth = 2 ORDER BY path LIMIT 1) AS category`,
    );
    const [warehouse] = await stack.sql<{ code: string }>(`SELECT code FROM inventory.warehouse ORDER BY code LIMIT 1`);
    const input = { sku: 'NEWSKU-1', slug: 'newsku-1', name: 'Stocked after creation', brandId: ref!.brand, categoryId: ref!.category, currency: 'USD', variants: [{ sku: 'NEWSKU-1-A', price: '9.90' }] };
    const created = await sendGraphQL(stack.gatewayUrl, { query: `mutation($i: CreateProductInput!) { createProduct(input: $i) { id variants { id sku } } }`, variables: { i: input } }, admin);
    expect(created.body.errors).toBeUndefined();
    const productId = created.body.data!.createProduct.id as string;
    const [variant] = created.body.data!.createProduct.variants as Array<{ id: string; sku: string }>;

    const itemOf = async (sku: string) =>
      (await stack.sql<{ variant_id: string; product_id: string }>(`SELECT variant_id::text, product_id::text FROM inventory.inventory_item WHERE sku = $1`, sku))[0];
    await eventually(async () => (await itemOf('NEWSKU-1-A')) !== undefined, "inventory to learn the SKU from product.changed 'created'");
    expect(await itemOf('NEWSKU-1-A')).toEqual({ variant_id: variant!.id, product_id: productId });

    const published = await sendGraphQL(stack.gatewayUrl, { query: `mutation($id: ID!) { publishProduct(id: $id) { status } }`, variables: { id: productId } }, admin);
    expect(published.body.errors).toBeUndefined();
    const before = await sendGraphQL(stack.gatewayUrl, { query: STOCK, variables: { slug: 'newsku-1' } });
    expect(before.body.errors).toBeUndefined();
    expect(before.body.data!.product).toMatchObject({ status: 'ACTIVE', stock: { available: 0, inStock: false } });

    // The SKU has no level in the warehouse yet: expectedVersion 0 creates it.
    const adjusted = await sendGraphQL(
      stack.gatewayUrl,
      { query: ADJUST, variables: { i: { sku: 'NEWSKU-1-A', warehouse: warehouse!.code, set: 5, expectedVersion: 0, reason: 'first delivery' } } },
      admin,
    );
    expect(adjusted.body.errors).toBeUndefined();
    expect(adjusted.body.data!.adjustStock).toEqual({ sku: 'NEWSKU-1-A', onHand: 5, available: 5, version: 1 });

    const stockNow = async () => (await sendGraphQL(stack.gatewayUrl, { query: STOCK, variables: { slug: 'newsku-1' } })).body.data!.product as { stock: { available: number; inStock: boolean } };
    await eventually(async () => (await stockNow()).stock.available === 5, 'the product page to show the new stock');
    expect(await stockNow()).toMatchObject({ stock: { available: 5, inStock: true }, variants: [{ sku: 'NEWSKU-1-A', stock: { available: 5 } }] });
    // The catalog's own in-stock flag follows (inventory.stock_changed -> catalog.product.in_stock).
    await eventually(
      async () => (await stack.sql<{ in_stock: boolean }>(`SELECT in_stock FROM catalog.product WHERE id = $1::uuid`, productId))[0]?.in_stock === true,
      "the catalog's in-stock flag",
    );

    // A variant added later (product.changed 'edited') is learnt as well, and stockable.
    const added = await sendGraphQL(stack.gatewayUrl, { query: `mutation($id: ID!) { createVariant(productId: $id, input: { sku: "NEWSKU-1-B", price: "11.00" }) { id } }`, variables: { id: productId } }, admin);
    expect(added.body.errors).toBeUndefined();
    await eventually(async () => (await itemOf('NEWSKU-1-B')) !== undefined, "inventory to learn the SKU from product.changed 'edited'");
    expect(await itemOf('NEWSKU-1-B')).toEqual({ variant_id: added.body.data!.createVariant.id, product_id: productId });
    const second = await sendGraphQL(
      stack.gatewayUrl,
      { query: ADJUST, variables: { i: { sku: 'NEWSKU-1-B', warehouse: warehouse!.code, delta: 2, expectedVersion: 0, reason: 'first delivery' } } },
      admin,
    );
    expect(second.body.errors).toBeUndefined();
    expect(second.body.data!.adjustStock).toMatchObject({ available: 2 });
    await eventually(async () => (await stockNow()).stock.available === 7, 'the product page to show both SKUs');

    // Every event of the product was consumed (none dead-lettered), and each SKU has one item.
    expect(await stack.deps.inventory.events.deadLetters('inventory.catalog-skus')).toEqual([]);
    const items = await stack.sql<{ sku: string }>(`SELECT sku FROM inventory.inventory_item WHERE product_id = $1::uuid ORDER BY sku`, productId);
    expect(items.map((i) => i.sku)).toEqual(['NEWSKU-1-A', 'NEWSKU-1-B']);
  });

  it('a SKU the catalog never created is still NOT_FOUND for adjustStock', async () => {
    const admin = bearer(await testToken('ADMIN', { scopes: ['inventory'] }));
    const [warehouse] = await stack.sql<{ code: string }>(`SELECT code FROM inventory.warehouse ORDER BY code LIMIT 1`);
    const res = await sendGraphQL(stack.gatewayUrl, { query: ADJUST, variables: { i: { sku: 'NO-SUCH-SKU', warehouse: warehouse!.code, set: 5, expectedVersion: 0, reason: 'first delivery' } } }, admin);
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });
});
