import { describe, expect, it } from 'vitest';
import { testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createInventorySubgraph } from '../src/server.js';

const subgraph = useTestSubgraph(createInventorySubgraph);
const { gql, gqlAs, sql } = subgraph;

const PRODUCT_STOCK = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id stock { onHand reserved available inStock warehouses { warehouse { code } onHand reserved available lowStock } } } } }`;

describe('stock through entity references', () => {
  it('sums a product over its variants and warehouses, as SQL does', async () => {
    const products = await sql<{ id: string; on_hand: number; reserved: number }>(
      `SELECT i.product_id::text AS id, sum(l.on_hand)::int AS on_hand, sum(l.reserved)::int AS reserved
       FROM inventory.inventory_item i JOIN inventory.stock_level l ON l.sku = i.sku GROUP BY i.product_id ORDER BY i.product_id LIMIT 12`,
    );
    subgraph.database.queries.reset();
    const res = await gql(PRODUCT_STOCK, { r: products.map((p) => ({ __typename: 'Product', id: p.id })) });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((e: any) => [e.id, e.stock.onHand, e.stock.reserved, e.stock.available])).toEqual(
      products.map((p) => [p.id, p.on_hand, p.reserved, p.on_hand - p.reserved]),
    );
    // Twelve representations: one statement for their stock levels, one for the warehouses named in the breakdown.
    expect(subgraph.database.queries.count).toBe(2);
  });

  it('counts reservations, flags low stock per warehouse and treats a sold-out SKU as out of stock', async () => {
    const [level] = await sql<{ sku: string; variant_id: string; warehouse_id: string }>(
      `SELECT l.sku, i.variant_id::text, l.warehouse_id::text FROM inventory.stock_level l JOIN inventory.inventory_item i ON i.sku = l.sku
       WHERE l.on_hand >= 10 ORDER BY l.sku LIMIT 1`,
    );
    await sql(`UPDATE inventory.stock_level SET on_hand = 10, reserved = 6, low_stock_threshold = 5 WHERE sku = $1 AND warehouse_id = $2::uuid`, level!.sku, level!.warehouse_id);
    await sql(`UPDATE inventory.stock_level SET on_hand = 0, reserved = 0 WHERE sku = $1 AND warehouse_id <> $2::uuid`, level!.sku, level!.warehouse_id);
    const res = await gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { stock { onHand reserved available inStock warehouses { onHand available lowStock } } } } }`, {
      r: [{ __typename: 'ProductVariant', id: level!.variant_id }],
    });
    const stock = res.data!._entities[0].stock;
    expect(stock).toMatchObject({ onHand: 10, reserved: 6, available: 4, inStock: true });
    expect(stock.warehouses.find((w: any) => w.onHand === 10)).toMatchObject({ available: 4, lowStock: true });

    await sql(`UPDATE inventory.stock_level SET reserved = on_hand WHERE sku = $1`, level!.sku);
    // A raw SQL write bypasses the service that would evict the cached stock; drop it as that would.
    subgraph.running.deps.caches.clearLocal();
    const soldOut = await gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { stock { available inStock } } } }`, {
      r: [{ __typename: 'ProductVariant', id: level!.variant_id }],
    });
    expect(soldOut.data!._entities[0].stock).toEqual({ available: 0, inStock: false });
  });

  it('the database refuses a reservation above what is on hand', async () => {
    await expect(sql(`UPDATE inventory.stock_level SET reserved = on_hand + 1 WHERE sku = (SELECT sku FROM inventory.stock_level LIMIT 1)`)).rejects.toThrow(/stock_level_quantities_check/);
  });

  it('reads unknown and malformed ids as no stock without touching SQL for the malformed one', async () => {
    subgraph.database.queries.reset();
    const res = await gql(PRODUCT_STOCK, { r: [{ __typename: 'Product', id: 'not-a-uuid' }] });
    expect(res.data!._entities[0].stock).toEqual({ onHand: 0, reserved: 0, available: 0, inStock: false, warehouses: [] });
    expect(subgraph.database.queries.count).toBe(0);
  });

  it('lists the warehouses', async () => {
    const res = await gql(`{ warehouses { code name } }`);
    expect(res.data!.warehouses.map((w: { code: string }) => w.code)).toEqual(['EU-AMS', 'US-NYC']);
  });
});

describe('the restocking list (admins with the inventory scope)', () => {
  const LOW_STOCK = `query($w: String, $n: Int) { lowStock(warehouse: $w, first: $n) { sku onHand reserved available lowStockThreshold warehouse { code } variant { id } } }`;

  it('lists levels at or below their threshold, least available first, as SQL does', async () => {
    await sql(`UPDATE inventory.stock_level SET reserved = GREATEST(on_hand - 1, 0) WHERE sku IN (SELECT sku FROM inventory.stock_level ORDER BY sku LIMIT 4)`);
    const expected = await sql<{ sku: string; available: number; variant_id: string }>(
      `SELECT l.sku, l.on_hand - l.reserved AS available, i.variant_id::text FROM inventory.stock_level l
       JOIN inventory.inventory_item i ON i.sku = l.sku JOIN inventory.warehouse w ON w.id = l.warehouse_id
       WHERE w.code = 'EU-AMS' AND l.on_hand - l.reserved <= l.low_stock_threshold ORDER BY 2, 1 LIMIT 3`,
    );
    subgraph.running.deps.caches.clearLocal();
    subgraph.database.queries.reset();
    const res = await gqlAs(testIdentities.admin(), LOW_STOCK, { w: 'EU-AMS', n: 3 });
    expect(res.errors).toBeUndefined();
    expect(res.data!.lowStock.map((l: any) => [l.sku, l.available, l.warehouse.code, l.variant.id])).toEqual(
      expected.map((e) => [e.sku, e.available, 'EU-AMS', e.variant_id]),
    );
    for (const l of res.data!.lowStock) expect(l.available).toBeLessThanOrEqual(l.lowStockThreshold);
    // Cold: the warehouse list (to find the code), the levels, their warehouses in one batch.
    expect(subgraph.database.queries.count).toBe(3);
  });

  it('refuses anonymous callers, customers and admins without the inventory scope', async () => {
    expect((await gql(LOW_STOCK)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gqlAs(testIdentities.customer(), LOW_STOCK)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gqlAs(testIdentities.admin(['catalog']), LOW_STOCK)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gqlAs(testIdentities.admin(['inventory']), LOW_STOCK)).errors).toBeUndefined();
  });

  it('names the bad argument', async () => {
    expect((await gqlAs(testIdentities.admin(), LOW_STOCK, { n: 0 })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect((await gqlAs(testIdentities.admin(), LOW_STOCK, { w: 'XX-NOPE' })).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'warehouse' });
  });
});
