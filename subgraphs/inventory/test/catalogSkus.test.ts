import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createInventorySubgraph } from '../src/server.js';
import { CatalogSkus } from '../src/services/catalogSkus.js';

const subgraph = useTestSubgraph(createInventorySubgraph);
const { sql } = subgraph;

const snapshot = { status: 'DRAFT' as const, categoryIds: ['c'], categoryNames: ['C'], categoryPath: 'c', brandId: null, minPrice: null, currency: null, attributes: {} };
const itemsOf = (productId: string) => sql<{ sku: string; variant_id: string }>(`SELECT sku, variant_id::text FROM inventory.inventory_item WHERE product_id = $1::uuid ORDER BY sku`, productId);

describe('inventory items from the catalog (product.changed)', () => {
  it('inserts the variants it does not know, once, whatever the redeliveries', async () => {
    const skus = new CatalogSkus(subgraph.database.prisma);
    const productId = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const created = { productId, change: 'created' as const, product: { ...snapshot, variants: [{ id: a, sku: 'LEARN-1-A' }] } };
    expect(await skus.learn(created)).toBe(1);
    expect(await skus.learn(created)).toBe(0);
    const edited = { productId, change: 'edited' as const, product: { ...snapshot, variants: [{ id: a, sku: 'LEARN-1-A' }, { id: b, sku: 'LEARN-1-B' }] } };
    expect(await skus.learn(edited)).toBe(1);
    expect(await itemsOf(productId)).toEqual([
      { sku: 'LEARN-1-A', variant_id: a },
      { sku: 'LEARN-1-B', variant_id: b },
    ]);
  });

  it('skips events without variants, and leaves an item alone when its variant or SKU is already known', async () => {
    const skus = new CatalogSkus(subgraph.database.prisma);
    const productId = randomUUID();
    const variant = randomUUID();
    expect(await skus.learn({ productId, change: 'availability' })).toBe(0);
    expect(await skus.learn({ productId, change: 'edited', product: snapshot })).toBe(0);
    expect(await skus.learn({ productId, change: 'created', product: { ...snapshot, variants: [{ id: variant, sku: 'LEARN-2-A' }] } })).toBe(1);
    // The catalog renamed the variant's SKU: the existing item (and its stock) stays as it is.
    expect(await skus.learn({ productId, change: 'edited', product: { ...snapshot, variants: [{ id: variant, sku: 'LEARN-2-RENAMED' }] } })).toBe(0);
    // A seeded SKU named by another variant id: not taken over.
    const [seeded] = await sql<{ sku: string; variant_id: string }>(`SELECT sku, variant_id::text FROM inventory.inventory_item WHERE sku NOT LIKE 'LEARN-%' ORDER BY sku LIMIT 1`);
    expect(await skus.learn({ productId, change: 'edited', product: { ...snapshot, variants: [{ id: randomUUID(), sku: seeded!.sku }] } })).toBe(0);
    expect(await itemsOf(productId)).toEqual([{ sku: 'LEARN-2-A', variant_id: variant }]);
    expect((await sql<{ variant_id: string }>(`SELECT variant_id::text FROM inventory.inventory_item WHERE sku = $1`, seeded!.sku))[0]!.variant_id).toBe(seeded!.variant_id);
  });

  it("learns each SKU's seller, so a seller reads the stock of their own products and no one else's", async () => {
    const skus = new CatalogSkus(subgraph.database.prisma);
    const [mine, theirs] = [randomUUID(), randomUUID()];
    await skus.learn({ productId: mine, change: 'created', product: { ...snapshot, sellerId: 'seller-alice', variants: [{ id: randomUUID(), sku: 'SELLER-A-1' }] } });
    await skus.learn({ productId: theirs, change: 'created', product: { ...snapshot, sellerId: 'seller-bob', variants: [{ id: randomUUID(), sku: 'SELLER-B-1' }] } });
    const admin = testIdentities.admin(['inventory']);
    const adjust = `mutation($sku: String!, $warehouse: String!) { adjustStock(input: { sku: $sku, warehouse: $warehouse, set: 7, expectedVersion: 0, reason: "first count" }) { onHand } }`;
    const warehouse = (await sql<{ code: string }>(`SELECT code FROM inventory.warehouse ORDER BY code LIMIT 1`))[0]!.code;
    for (const sku of ['SELLER-A-1', 'SELLER-B-1']) {
      const res = await subgraph.gqlAs(admin, adjust, { sku, warehouse });
      expect(res.errors).toBeUndefined();
    }
    const alice = testIdentities.seller('seller-alice');
    const levels = `query($sku: String!) { stockLevels(sku: $sku) { sku onHand } }`;
    expect((await subgraph.gqlAs(alice, levels, { sku: 'SELLER-A-1' })).data).toEqual({ stockLevels: [{ sku: 'SELLER-A-1', onHand: 7 }] });
    expect((await subgraph.gqlAs(alice, levels, { sku: 'SELLER-B-1' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await subgraph.gqlAs(alice, `{ sellerStockLevels { sku onHand } }`)).data).toEqual({ sellerStockLevels: [{ sku: 'SELLER-A-1', onHand: 7 }] });
    expect((await subgraph.gqlAs(testIdentities.customer(), levels, { sku: 'SELLER-A-1' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
