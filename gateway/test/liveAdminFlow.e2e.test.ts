import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sendGraphQL } from '@shopgraph/kit/testing';
import { Feed, liveClient } from './liveClient.js';
import type { ProductSubgraph } from '../../subgraphs/product/src/server.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/**
 * The admin flow of the live updates, end to end: a storefront subscribes over graphql-ws,
 * an admin changes a price and a stock level with the public mutations over HTTP, and the
 * subscriber receives each event with fields owned by three subgraphs.
 */
let stack: RunningSupergraph;
let product: { id: string; variantId: string; sku: string; name: string; warehouse: string; version: number };
const clients: { dispose(): Promise<void> | void }[] = [];

beforeAll(async () => {
  stack = await startSupergraph({ redis: true });
  const [row] = await stack.sql<{ id: string; variant_id: string; sku: string; name: string; warehouse: string; version: number }>(
    `SELECT p.id::text, v.id::text AS variant_id, v.sku, p.name, w.code AS warehouse, s.version
       FROM catalog.product p JOIN catalog.product_variant v ON v.product_id = p.id
       JOIN inventory.stock_level s ON s.sku = v.sku JOIN inventory.warehouse w ON w.id = s.warehouse_id
      WHERE p.status = 'ACTIVE' ORDER BY v.sku, w.code LIMIT 1`,
  );
  product = { id: row!.id, variantId: row!.variant_id, sku: row!.sku, name: row!.name, warehouse: row!.warehouse, version: row!.version };
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await stack?.stop();
});

const subscribe = (query: string, variables: Record<string, unknown>) => {
  const client = liveClient(stack.gatewayUrl);
  clients.push(client);
  return new Feed(client, query, variables);
};

describe('admin mutations drive the live updates', () => {
  it('setPrice and adjustStock over HTTP reach a storefront subscriber with product, stock and recommendation fields', async () => {
    const admin = { headers: { authorization: `Bearer ${await testToken('ADMIN', { subject: 'admin-1', scopes: ['catalog', 'inventory'] })}` } };
    const prices = subscribe(
      `subscription($ids: [ID!]!) { priceChanged(productIds: $ids) { productId newPrice { amount } product { name variants { id price { amount } } stock { available } alsoBought(first: 3) { product { id } } } } }`,
      { ids: [product.id] },
    );
    const stock = subscribe(
      `subscription($ids: [ID!]!) { stockChanged(productIds: $ids) { sku reason available product { name stock { available } } } }`,
      { ids: [product.id] },
    );
    await eventually(() => stack.gateway.live.hub.size === 2, 'both subscriptions to be registered');

    const set = await sendGraphQL(
      stack.gatewayUrl,
      { query: `mutation($v: ID!) { setPrice(variantId: $v, price: "123.45", reason: "live e2e") { id } }`, variables: { v: product.variantId } },
      admin,
    );
    expect(set.body.errors).toBeUndefined();
    const { data: priced, errors: priceErrors } = await prices.result(1);
    expect(priceErrors).toBeUndefined();
    expect(priced.priceChanged).toMatchObject({ productId: product.id, newPrice: { amount: '123.45' }, product: { name: product.name } });
    // Read fresh for the event: the new price, stock from inventory, recommendations from reco.
    expect(priced.priceChanged.product.variants.find((v: { id: string }) => v.id === product.variantId).price.amount).toBe('123.45');
    expect(typeof priced.priceChanged.product.stock.available).toBe('number');
    expect(Array.isArray(priced.priceChanged.product.alsoBought)).toBe(true);

    const adjusted = await sendGraphQL(
      stack.gatewayUrl,
      {
        query: `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand available version } }`,
        variables: { i: { sku: product.sku, warehouse: product.warehouse, delta: 7, expectedVersion: product.version, reason: 'live e2e delivery' } },
      },
      admin,
    );
    expect(adjusted.body.errors).toBeUndefined();
    const { data: stocked, errors: stockErrors } = await stock.result(1);
    expect(stockErrors).toBeUndefined();
    expect(stocked.stockChanged).toMatchObject({ sku: product.sku, product: { name: product.name } });
    // The event's figure is the product's sellable quantity right after the adjustment.
    const [after] = await stack.sql<{ available: number }>(
      `SELECT sum(s.on_hand - s.reserved)::int AS available FROM inventory.stock_level s JOIN inventory.inventory_item i ON i.sku = s.sku WHERE i.product_id = $1::uuid`,
      product.id,
    );
    expect(stocked.stockChanged.available).toBe(after!.available);
    expect(typeof stocked.stockChanged.product.stock.available).toBe('number');
    for (const feed of [prices, stock]) feed.stop();
    await eventually(() => stack.gateway.live.hub.size === 0, 'the subscriptions to end');
  });

  it('a scheduled price starting and ending reaches a storefront subscriber and the cart price book, once each', async () => {
    const admin = { headers: { authorization: `Bearer ${await testToken('ADMIN', { subject: 'admin-1', scopes: ['catalog'] })}` } };
    const [variant] = await stack.sql<{ price: string }>(`SELECT price::text FROM catalog.product_variant WHERE id = $1::uuid`, product.variantId);
    const prices = subscribe(`subscription($ids: [ID!]!) { priceChanged(productIds: $ids) { variantId oldPrice { amount } newPrice { amount } occurredAt effectiveAt } }`, {
      ids: [product.id],
    });
    await eventually(() => stack.gateway.live.hub.size === 1, 'the subscription to be registered');

    const scheduled = await sendGraphQL(
      stack.gatewayUrl,
      {
        query: `mutation($v: ID!, $from: DateTime!, $to: DateTime!) { schedulePrice(input: { variantId: $v, price: "1.25", startsAt: $from, endsAt: $to }) { id } }`,
        variables: { v: product.variantId, from: new Date(Date.now() + 3_600_000).toISOString(), to: new Date(Date.now() + 7_200_000).toISOString() },
      },
      admin,
    );
    expect(scheduled.body.errors).toBeUndefined();
    const windowId = scheduled.body.data!.schedulePrice.id as string;
    // The start comes (moved to just now, after the base price was set, as the clock would), and the boundary job runs, twice at once.
    await stack.sql(`UPDATE catalog.scheduled_price SET starts_at = now() - interval '1 millisecond' WHERE id = $1::uuid`, windowId);
    const job = (stack.subgraphs.product as ProductSubgraph).priceBoundaryJob;
    await Promise.all([job.runOnce(), job.runOnce()]);
    const { data: started } = await prices.result(1);
    expect(started.priceChanged).toMatchObject({ variantId: product.variantId, oldPrice: { amount: variant!.price }, newPrice: { amount: '1.25' } });
    // When the sale started, not when the job recorded it.
    const [window] = await stack.sql<{ starts_at: Date }>(`SELECT starts_at FROM catalog.scheduled_price WHERE id = $1::uuid`, windowId);
    expect(Date.parse(started.priceChanged.effectiveAt)).toBe(window!.starts_at.getTime());
    expect(Date.parse(started.priceChanged.occurredAt)).toBeGreaterThanOrEqual(window!.starts_at.getTime());
    const cartPrice = async () => (await stack.sql<{ price: string }>(`SELECT price::text FROM cart.price WHERE variant_id = $1::uuid`, product.variantId))[0]?.price;
    await eventually(async () => (await cartPrice()) === '1.25', 'the cart to charge the sale price');

    await stack.sql(`UPDATE catalog.scheduled_price SET ends_at = now() - interval '1 millisecond' WHERE id = $1::uuid`, windowId);
    await job.runOnce();
    const { data: ended } = await prices.result(2);
    expect(ended.priceChanged).toMatchObject({ variantId: product.variantId, oldPrice: { amount: '1.25' }, newPrice: { amount: variant!.price } });
    await eventually(async () => (await cartPrice()) === variant!.price, 'the cart to charge the base price again');
    const [events] = await stack.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM catalog.outbox_event WHERE topic = 'product.price_changed' AND payload->>'variantId' = $1 AND payload ? 'effectiveAt'`,
      product.variantId,
    );
    expect(events!.n).toBe(2);
    prices.stop();
    await eventually(() => stack.gateway.live.hub.size === 0, 'the subscription to end');
  });
});
