import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestSubgraph } from '@shopgraph/kit/testing';
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
});
