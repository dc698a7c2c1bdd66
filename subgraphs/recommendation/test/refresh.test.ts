import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestSubgraph } from '@shopgraph/kit/testing';
import { mineAssociationRules } from '../src/algorithms/associationRules.js';
import { DEFAULT_NEIGHBOUR_OPTIONS, interactionWeight, itemNeighbours } from '../src/algorithms/itemSimilarity.js';
import { DEFAULT_PERSONAL_OPTIONS, recommendForCustomer } from '../src/algorithms/personalised.js';
import { loadHistories, loadPersonalContext } from '../src/services/refresh/personalRefresh.js';
import { DEFAULT_REFRESH_SETTINGS, RecommendationRefresher } from '../src/services/refresh/recommendationRefresher.js';
import { RefreshLoop } from '../src/services/refresh/refreshLoop.js';
import { createRecommendationParts, createRecommendationSubgraph } from '../src/server.js';

const subgraph = useTestSubgraph(createRecommendationSubgraph);
const { sql, one } = subgraph;
let parts: ReturnType<typeof createRecommendationParts>;
const event = (payload: unknown) => ({ id: randomUUID(), occurredAt: new Date().toISOString(), payload });
const queueSize = async (kind: string) => (await one<{ n: number }>(`SELECT count(*)::int AS n FROM reco.refresh_queue WHERE kind = $1`, kind)).n;

let firstRun: Awaited<ReturnType<typeof parts.refresher.run>>;
const progress: string[] = [];

beforeAll(async () => {
  parts = createRecommendationParts(subgraph.running.deps);
  firstRun = await parts.refresher.run({ onProgress: (p) => progress.push(`${p.phase} ${p.done}/${p.total}`) });
});

/** The purchases of the last 90 days as baskets: per customer, or per order. */
async function baskets(by: 'customer_id' | 'order_id'): Promise<Map<string, string[]>> {
  const rows = await sql<{ b: string; p: string }>(
    `SELECT ${by}::text AS b, product_id::text AS p FROM reco.purchase WHERE purchased_at > now() - interval '90 days'`,
  );
  const out = new Map<string, string[]>();
  for (const { b, p } of rows) out.set(b, [...(out.get(b) ?? []), p]);
  return out;
}

describe('recommendation refresh', () => {
  it('does the full rebuild the seed asked for, reporting progress per phase', async () => {
    expect(firstRun).toMatchObject({ ran: true, full: true });
    expect(firstRun.products).toBeGreaterThan(0);
    expect(firstRun.customers).toBeGreaterThan(0);
    expect(firstRun.neighbours).toBeGreaterThan(0);
    expect(progress).toEqual(expect.arrayContaining(['neighbours 1/1', 'trending 1/1', `products ${firstRun.products}/${firstRun.products}`]));
    expect(await queueSize('product')).toBe(0);
    expect(await queueSize('customer')).toBe(0);
  });

  it.each([
    ['alsoBought', 'reco.also_bought', 'customer_id'],
    ['boughtTogether', 'reco.bought_together', 'order_id'],
  ] as const)('mines %s in SQL exactly as the reference module does', async (_name, table, basket) => {
    const expected = mineAssociationRules(await baskets(basket), DEFAULT_REFRESH_SETTINGS.rules);
    const rows = await sql<{ productId: string; otherProductId: string; support: number; confidence: number; lift: number; score: number; rank: number }>(
      `SELECT product_id::text AS "productId", other_product_id::text AS "otherProductId", support, confidence, lift, score, rank
       FROM ${table} ORDER BY product_id, rank`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual([...expected.keys()].sort().flatMap((id) => expected.get(id)!));
  });

  it('stores the collaborative-filtering neighbours the reference module computes', async () => {
    const signals = await sql<{ customerId: string; productId: string; views: number; cartAdds: number; purchases: number }>(
      `SELECT customer_id::text AS "customerId", product_id::text AS "productId", views, cart_adds AS "cartAdds", purchases FROM reco.customer_product_signal`,
    );
    const expected = itemNeighbours(signals.map((s) => ({ customerId: s.customerId, productId: s.productId, weight: interactionWeight(s) })), DEFAULT_NEIGHBOUR_OPTIONS);
    const stored = await sql<{ p: string; o: string[]; s: number[] }>(`SELECT product_id::text AS p, other_product_ids::text[] AS o, similarities AS s FROM reco.item_neighbours`);
    expect(stored.length).toBe(expected.size);
    for (const { p, o, s } of stored) expect(o.map((productId, i) => ({ productId, similarity: s[i] }))).toEqual(expected.get(p));
  });

  it("stores each customer's recommendations as the personal module ranks them", async () => {
    const { id: customer } = await one<{ id: string }>(`SELECT customer_id::text AS id FROM reco.customer_recommendation GROUP BY 1 ORDER BY 1 LIMIT 1`);
    const ctx = await loadPersonalContext(subgraph.database.prisma, new Date());
    const expected = recommendForCustomer((await loadHistories(subgraph.database.prisma, [customer])).get(customer)!, ctx, DEFAULT_PERSONAL_OPTIONS);
    const stored = await sql<{ productId: string; reason: string }>(
      `SELECT product_id::text AS "productId", reason::text FROM reco.customer_recommendation WHERE customer_id = $1::uuid ORDER BY rank`,
      customer,
    );
    expect(stored).toEqual(expected.map((p) => ({ productId: p.productId, reason: p.reason })));
  });

  it('then works incrementally: only what events queued, and nothing when nothing changed', async () => {
    expect(await parts.refresher.run()).toEqual({ ran: true, full: false, neighbours: 0, trending: null, products: 0, customers: 0 });
    const customer = (await one<{ id: string }>(`SELECT customer_id::text AS id FROM reco.purchase GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`)).id;
    const [p, q] = (await sql<{ id: string }>(`SELECT product_id::text AS id FROM reco.product_facts WHERE active ORDER BY product_id LIMIT 2`)).map((r) => r.id);
    await parts.services.signals.onOrderPlaced(
      event({ orderId: randomUUID(), customerId: customer, lines: [p!, q!].map((productId) => ({ productId, variantId: randomUUID(), quantity: 1, unitPrice: '3.00' })) }),
    );
    const products = await queueSize('product');
    expect(products).toBeGreaterThanOrEqual(2);
    expect(await queueSize('customer')).toBe(1);
    const run = await parts.refresher.run();
    expect(run).toMatchObject({ full: false, products, customers: 1 });
    // p and q were bought together by this customer now: the rules of p see q with this customer counted.
    const expected = mineAssociationRules(await baskets('order_id'), DEFAULT_REFRESH_SETTINGS.rules, new Set([p!]));
    const stored = await sql<{ o: string }>(`SELECT other_product_id::text AS o FROM reco.bought_together WHERE product_id = $1::uuid ORDER BY rank`, p);
    expect(stored.map((r) => r.o)).toEqual((expected.get(p!) ?? []).map((r) => r.otherProductId));
  });

  it('resumes where a failed run stopped: finished batches stay done, the rest stays queued', async () => {
    const small = new RecommendationRefresher({ prisma: subgraph.database.prisma, caches: parts.caches, logger: subgraph.running.deps.logger }, { batchSize: { products: 5, customers: 5 } });
    const all = (await sql<{ id: string }>(`SELECT DISTINCT product_id::text AS id FROM reco.purchase`)).map((r) => r.id);
    await sql(`INSERT INTO reco.refresh_queue (kind, key) SELECT 'product', unnest($1::uuid[]) ON CONFLICT DO NOTHING`, all);
    await expect(
      small.run({
        onProgress: (p) => {
          if (p.phase === 'products' && p.done === 10) throw new Error('crash after two batches');
        },
      }),
    ).rejects.toThrow('crash after two batches');
    expect(await queueSize('product')).toBe(all.length - 10);
    expect((await small.run()).products).toBe(all.length - 10);
    expect(await queueSize('product')).toBe(0);
  });

  it('stops between batches when aborted, leaving the rest queued', async () => {
    const small = new RecommendationRefresher({ prisma: subgraph.database.prisma, caches: parts.caches, logger: subgraph.running.deps.logger }, { batchSize: { products: 5, customers: 5 } });
    const all = (await sql<{ id: string }>(`SELECT DISTINCT product_id::text AS id FROM reco.purchase`)).map((r) => r.id);
    await sql(`INSERT INTO reco.refresh_queue (kind, key) SELECT 'product', unnest($1::uuid[]) ON CONFLICT DO NOTHING`, all);
    const stop = new AbortController();
    const run = await small.run({ signal: stop.signal, onProgress: (p) => p.phase === 'products' && p.done === 5 && stop.abort() });
    expect(run.products).toBe(5);
    expect(await queueSize('product')).toBe(all.length - 5);
  });

  it('runs in the background loop until stopped', async () => {
    const loop = new RefreshLoop(parts.refresher, subgraph.running.deps.logger, 20, 0);
    loop.start();
    await vi.waitFor(async () => expect(await queueSize('product')).toBe(0), { timeout: 10_000, interval: 50 });
    await loop.stop();
    await parts.services.signals.onCartItemAdded(event({ cartId: 'c', customerId: randomUUID(), productId: randomUUID(), variantId: randomUUID(), quantity: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Stopped: nothing picks up the new marker.
    expect(await queueSize('customer')).toBe(1);
    await parts.refresher.run();
  });

  it('leaves the work to the instance holding the lock', async () => {
    await parts.services.signals.onCartItemAdded(event({ cartId: 'c', customerId: randomUUID(), productId: randomUUID(), variantId: randomUUID(), quantity: 1 }));
    const other = new pg.Client({ connectionString: subgraph.running.testDatabase.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT pg_advisory_xact_lock(hashtext('shopgraph:reco-refresh'))`);
      expect((await parts.refresher.run({ trending: true })).ran).toBe(false);
      expect(await queueSize('customer')).toBe(1);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    expect(await parts.refresher.run()).toMatchObject({ ran: true, customers: 1 });
  });

  it('owes a full rebuild when one is asked for, and not after it is done; it prunes what no one needs any more', async () => {
    const [recentEvent, oldEvent] = [randomUUID(), randomUUID()];
    await sql(
      `INSERT INTO reco.processed_event (event_id, topic, processed_at) VALUES ($1::uuid, 't', now() - interval '1 day'), ($2::uuid, 't', now() - interval '31 days')`,
      recentEvent,
      oldEvent,
    );
    const oldOrder = randomUUID();
    await sql(`INSERT INTO reco.purchase SELECT $1::uuid, product_id, $2::uuid, 1, now() - interval '181 days' FROM reco.product_facts LIMIT 1`, oldOrder, randomUUID());
    await parts.refresher.requestFull();
    expect((await parts.refresher.run()).full).toBe(true);
    expect((await parts.refresher.run()).full).toBe(false);
    expect((await sql<{ id: string }>(`SELECT event_id::text AS id FROM reco.processed_event WHERE event_id IN ($1::uuid, $2::uuid)`, recentEvent, oldEvent)).map((r) => r.id)).toEqual([recentEvent]);
    expect(await sql(`SELECT 1 FROM reco.purchase WHERE order_id = $1::uuid`, oldOrder)).toEqual([]);
  });
});
