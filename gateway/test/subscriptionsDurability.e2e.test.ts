import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@shopgraph/kit';
import { eventually, startRedisServer, type RedisServer } from '@shopgraph/kit/testing';
import { createCatalogCaches } from '../../subgraphs/product/src/caches.js';
import { PricingService } from '../../subgraphs/product/src/services/pricingService.js';
import { Feed, liveClient } from './liveClient.js';
import { startSupergraph, type RunningSupergraph } from './supergraphHarness.js';

const PRICE_FEED = `subscription($ids: [ID!]!) { priceChanged(productIds: $ids) { newPrice { amount } product { name stock { available } } } }`;

/** Events go through a private Redis (Streams) this file may kill; nothing committed is lost. */
describe('subscriptions when Redis or the relay restarts between commit and publish', () => {
  let redis: RedisServer;
  let stack: RunningSupergraph;
  let pricing: PricingService;
  let product: { id: string; variantId: string };
  const clients: { dispose(): Promise<void> | void }[] = [];
  let price = 20;
  const unpublished = async () =>
    ((await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.outbox_event WHERE published_at IS NULL`)) as [{ n: number }])[0].n;

  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startSupergraph({ redisUrl: redis.url });
    expect(stack.events.kind).toBe('redis');
    pricing = new PricingService(stack.databases.product.prisma, createCatalogCaches(stack.deps.product.caches));
    const [row] = await stack.sql<{ id: string; variant_id: string }>(
      `SELECT p.id::text, v.id::text AS variant_id FROM catalog.product p JOIN catalog.product_variant v ON v.product_id = p.id
       WHERE p.status = 'ACTIVE' ORDER BY p.created_at, v.position LIMIT 1`,
    );
    product = { id: row!.id, variantId: row!.variant_id };
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await stack?.stop();
    await redis?.kill();
  });

  const subscribe = async () => {
    const c = liveClient(stack.gatewayUrl);
    clients.push(c);
    const feed = new Feed(c, PRICE_FEED, { ids: [product.id] });
    await eventually(() => stack.gateway.live.hub.size === 1, 'the subscription to be registered');
    return feed;
  };

  it('delivers a change committed while Redis was down, once Redis is back', async () => {
    const feed = await subscribe();
    await redis.kill();
    price += 1;
    const amount = `${price}.00`;
    // The write commits without Redis (its cache evictions wait for Redis to come back).
    const write = pricing.setPrice({ subject: 'admin-1' }, { variantId: product.variantId, price: amount });
    write.catch(() => undefined);
    await eventually(async () => {
      const [row] = await stack.sql<{ price: string }>(`SELECT price::text FROM catalog.product_variant WHERE id = $1::uuid`, product.variantId);
      return row!.price === amount;
    }, 'the write to commit');
    expect(await unpublished()).toBeGreaterThan(0);
    await redis.restart();
    await write.catch(() => undefined);
    const { data } = await feed.result(1, 'the event after the Redis restart');
    expect(data.priceChanged.newPrice.amount).toBe(amount);
    expect(data.priceChanged.product.name).toEqual(expect.any(String));
    feed.stop();
    await eventually(() => stack.gateway.live.hub.size === 0, 'the subscription to end');
  }, 90_000);

  it('delivers a change whose relay was killed after the commit and before publishing, exactly once', async () => {
    const feed = await subscribe();
    await stack.deps.product.relay.stop();
    price += 1;
    const amount = `${price}.00`;
    await pricing.setPrice({ subject: 'admin-1' }, { variantId: product.variantId, price: amount });
    // A relay process takes the lock, reads the committed event, and is killed before it publishes.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'subgraphs/kit/src/testing/relayProcess.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: stack.testDatabase.url, RELAY_SOURCE: 'catalog', RELAY_HANG: 'before-publish', EVENTS_NAMESPACE: stack.testDatabase.name, REDIS_URL: redis.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    await eventually(() => /^holding \d+/m.test(output), `the child relay to hold the event: ${output}`, 30_000);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await unpublished()).toBe(1);
    expect(feed.results).toHaveLength(0);

    // The subgraph's relay starts again and publishes what the dead one held.
    stack.deps.product.relay.start();
    const { data } = await feed.result(1, 'the event after the relay restart');
    expect(data.priceChanged.newPrice.amount).toBe(amount);
    await eventually(async () => (await unpublished()) === 0, 'the relay to mark the event published');
    // One more change: the first arrived once, and the order holds.
    price += 1;
    await pricing.setPrice({ subject: 'admin-1' }, { variantId: product.variantId, price: `${price}.00` });
    await feed.result(2);
    expect(feed.results.map((r) => r.data.priceChanged.newPrice.amount)).toEqual([amount, `${price}.00`]);
    feed.stop();
  }, 90_000);
});
