import { beforeEach, describe, expect, it } from 'vitest';
import { serviceIdentity } from '@shopgraph/kit';
import { testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createInventorySubgraph } from '../src/server.js';

const subgraph = useTestSubgraph(createInventorySubgraph);
const { sql, one } = subgraph;
const cart = serviceIdentity('cart');
const admin = testIdentities.admin(['inventory']);

const HOLD = `mutation($owner: ID!, $lines: [StockLineInput!]!) { holdStock(owner: $owner, lines: $lines) { owner } }`;
const RELEASE = `mutation($owner: ID!) { releaseStock(owner: $owner, reason: "cart emptied") }`;
const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { available version } }`;

interface StockLowPayload {
  sku: string;
  variantId: string;
  productId: string;
  available: number;
  threshold: number;
}

/** A SKU stocked in two warehouses: 6 (EU-AMS) + 4 (US-NYC) on hand, threshold 2 + 2 = 4, nothing held. */
let sku: string;

beforeEach(async () => {
  const [row] = await sql<{ sku: string }>(`SELECT sku FROM inventory.stock_level GROUP BY sku HAVING count(*) = 2 ORDER BY sku LIMIT 1`);
  sku = row!.sku;
  await sql(`DELETE FROM inventory.stock_hold WHERE sku = $1`, sku);
  await sql(
    `UPDATE inventory.stock_level l SET reserved = 0, low_stock_threshold = 2, on_hand = CASE w.code WHEN 'EU-AMS' THEN 6 ELSE 4 END
     FROM inventory.warehouse w WHERE w.id = l.warehouse_id AND l.sku = $1`,
    sku,
  );
  await sql(`DELETE FROM inventory.outbox_event WHERE topic = 'inventory.stock_low'`);
  subgraph.running.deps.caches.clearLocal();
});

const stockLowEvents = () =>
  sql<{ payload: StockLowPayload; aggregate_id: string }>(`SELECT payload, aggregate_id FROM inventory.outbox_event WHERE topic = 'inventory.stock_low' ORDER BY position`);

async function hold(owner: string, quantity: number) {
  const res = await subgraph.gqlAs(cart, HOLD, { owner, lines: [{ sku, quantity }] });
  expect(res.errors).toBeUndefined();
}

describe('inventory.stock_low', () => {
  it('is recorded once per crossing to or below the threshold, not on every change below it', async () => {
    const item = await one<{ variantId: string; productId: string }>(
      `SELECT variant_id::text AS "variantId", product_id::text AS "productId" FROM inventory.inventory_item WHERE sku = $1`,
      sku,
    );
    await hold('cart:low-1', 5); // 10 -> 5 available: still above 4
    expect(await stockLowEvents()).toEqual([]);
    await hold('cart:low-1', 6); // 5 -> 4: crosses
    await hold('cart:low-1', 8); // 4 -> 2: already low, nothing new
    await hold('cart:low-2', 2); // 2 -> 0: still nothing new
    let events = await stockLowEvents();
    expect(events.map((e) => e.payload)).toEqual([{ sku, variantId: item.variantId, productId: item.productId, available: 4, threshold: 4 }]);
    expect(events[0]!.aggregate_id).toBe(item.productId);

    // Back above the threshold, then down again: a second crossing, a second event.
    expect((await subgraph.gqlAs(cart, RELEASE, { owner: 'cart:low-1' })).errors).toBeUndefined();
    expect((await subgraph.gqlAs(cart, RELEASE, { owner: 'cart:low-2' })).errors).toBeUndefined();
    await hold('cart:low-3', 7);
    events = await stockLowEvents();
    expect(events.map((e) => e.payload.available)).toEqual([4, 3]);
  });

  it('is recorded by an admin adjustment that takes the SKU to its threshold, beside the stock change', async () => {
    const version = (await one<{ version: number }>(
      `SELECT l.version FROM inventory.stock_level l JOIN inventory.warehouse w ON w.id = l.warehouse_id WHERE l.sku = $1 AND w.code = 'EU-AMS'`,
      sku,
    )).version;
    const res = await subgraph.gqlAs(admin, ADJUST, { input: { sku, warehouse: 'EU-AMS', set: 0, expectedVersion: version, reason: 'water damage' } });
    expect(res.errors).toBeUndefined();
    const [event] = await stockLowEvents();
    expect(event!.payload).toMatchObject({ sku, available: 4, threshold: 4 });
    expect(res.data!.adjustStock.available).toBe(0);
    // A refused adjustment (stale version) records nothing.
    const stale = await subgraph.gqlAs(admin, ADJUST, { input: { sku, warehouse: 'US-NYC', set: 0, expectedVersion: 999, reason: 'recount' } });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await stockLowEvents()).toHaveLength(1);
  });
});
