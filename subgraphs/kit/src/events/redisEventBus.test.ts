import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createDatabase, type Database } from '../database.js';
import { createLogger } from '../logger.js';
import { createRedis, redisReady, type Redis } from '../redis.js';
import { EventRecorder, eventually } from '../testing/eventRecorder.js';
import { startRedisServer, type RedisServer } from '../testing/redisServer.js';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.js';
import type { DomainEvent } from './domainEvent.js';
import { eventMetrics } from './eventMetrics.js';
import { OutboxRelay } from './outboxRelay.js';
import { recordEvents } from './recordEvents.js';
import { RedisEventBus } from './redisEventBus.js';

/** What only the Redis bus has to survive: Redis restarting empty, consumers dying mid-message. */
const logger = createLogger('events-test', process.env.TEST_LOG_LEVEL ?? 'silent');
let testDb: TestDatabase;
let database: Database;
const cleanup: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = createDatabase({ url: testDb.url, poolSize: 4, logger });
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

async function counter(registry: Registry, name: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return ((metric as { values?: Array<{ value: number }> } | undefined)?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

async function commitEvents(count: number, productId: string): Promise<DomainEvent[]> {
  const events: DomainEvent[] = [];
  for (let i = 0; i < count; i++) {
    const payload = { productId, variantId: randomUUID(), sku: 'SKU-R', currency: 'EUR', oldPrice: '1.00', newPrice: `${i}.00` };
    events.push(...(await database.prisma.$transaction((tx) => recordEvents(tx, 'catalog', [{ topic: 'product.price_changed', payload }]))));
  }
  return events;
}

async function publishedCount(ids: string[]): Promise<number> {
  const rows = await database.prisma.$queryRawUnsafe<Array<{ n: number }>>(
    'SELECT count(*)::int AS n FROM catalog.outbox_event WHERE event_id = ANY($1::uuid[]) AND published_at IS NOT NULL',
    ids,
  );
  return rows[0]!.n;
}

function client(url: string): Redis {
  const redis = createRedis(url, logger);
  cleanup.push(() => redis.disconnect());
  return redis;
}

async function connected(url: string): Promise<Redis> {
  const redis = client(url);
  await redisReady(redis);
  return redis;
}

function bus(url: string, namespace: string, registry = new Registry()): RedisEventBus {
  const b = new RedisEventBus({ redis: client(url), namespace, logger, metrics: eventMetrics(registry), blockMs: 500 });
  cleanup.push(() => b.close());
  return b;
}

function startRelay(on: RedisEventBus, registry: Registry): OutboxRelay {
  const relay = new OutboxRelay({ source: 'catalog', databaseUrl: testDb.url, bus: on, logger, metrics: eventMetrics(registry), pollIntervalMs: 200 });
  relay.start();
  cleanup.push(() => relay.stop());
  return relay;
}

describe('Redis event bus when Redis restarts empty', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.kill();
  });

  it('delivers every event committed before, during and after the outage once Redis is back', async () => {
    const namespace = `${testDb.name}-restart`;
    const relayRegistry = new Registry();
    startRelay(bus(server.url, namespace, relayRegistry), relayRegistry);
    const consumers = bus(server.url, namespace);
    const group = 'indexer';
    const productId = randomUUID();
    const broadcast = await EventRecorder.start(bus(server.url, namespace), { topics: ['product.price_changed'] });
    const firstConsumer = await EventRecorder.start(consumers, { topics: ['product.price_changed'], group });
    cleanup.push(() => broadcast.close());

    const delivered = await commitEvents(5, productId);
    await firstConsumer.waitForIds(delivered.map((e) => e.id));
    await firstConsumer.close();
    // In Redis, not yet read by the group: what a restart wipes out.
    const unread = await commitEvents(5, productId);
    await broadcast.waitForIds(unread.map((e) => e.id));

    await server.kill();
    const duringOutage = await commitEvents(5, productId);
    await server.restart();
    const afterwards = await commitEvents(5, productId);

    const secondConsumer = await EventRecorder.start(consumers, { topics: ['product.price_changed'], group });
    cleanup.push(() => secondConsumer.close());
    const all = [...delivered, ...unread, ...duringOutage, ...afterwards];
    await secondConsumer.waitForIds([...unread, ...duringOutage, ...afterwards].map((e) => e.id));
    await broadcast.waitForIds(all.map((e) => e.id));

    // The group lost nothing; the broadcast instance saw each event once, in commit order.
    expect(broadcast.events.filter((e) => e.aggregateId === productId).map((e) => e.sequence)).toEqual(all.map((e) => e.sequence));
    expect(await counter(relayRegistry, 'events_replayed_total')).toBeGreaterThanOrEqual(10);
    // At-least-once: the replay window may hand the group events it had already done.
    expect(new Set([...firstConsumer.ids(), ...secondConsumer.ids()])).toEqual(new Set(all.map((e) => e.id)));
  }, 60_000);
});

describe('Redis event bus consumer groups', () => {
  const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  let namespace: string;
  afterEach(async () => {
    const redis = await connected(REDIS_URL);
    const keys = await redis.keys(`sg:${namespace}:events:*`);
    if (keys.length > 0) await redis.del(...keys);
  });

  it('claims what a dead consumer left unacknowledged, and dead-letters a message past its delivery limit', async () => {
    namespace = `${testDb.name}-claim-${randomUUID().slice(0, 8)}`;
    const registry = new Registry();
    const events = bus(REDIS_URL, namespace, registry);
    startRelay(events, registry);
    const stream = events.streamKey('catalog');
    const raw = await connected(REDIS_URL);
    const group = 'mailer';
    await raw.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM');
    const ours = await commitEvents(3, randomUUID());
    await eventually(async () => (await publishedCount(ours.map((e) => e.id))) === 3, 'the relay to publish');

    // A consumer reads them and dies without acknowledging; the last one has been handed
    // to dying consumers six times in all.
    const taken = (await raw.call('XREADGROUP', 'GROUP', group, 'ghost', 'COUNT', 100, 'STREAMS', stream, '>')) as Array<[string, Array<[string, string[]]>]>;
    const entries = taken[0]![1].filter(([, fields]) => ours.some((e) => fields[1]!.includes(e.id)));
    expect(entries).toHaveLength(3);
    const poisonEntry = entries[2]![0];
    for (let i = 0; i < 5; i++) await raw.call('XCLAIM', stream, group, 'ghost', 0, poisonEntry);

    const handled: string[] = [];
    const recorder = await EventRecorder.start(events, {
      topics: ['product.price_changed'],
      group,
      claimIdleMs: 100,
      handler: (event) => void handled.push(event.id),
    });
    cleanup.push(() => recorder.close());
    await recorder.waitForIds([ours[0]!.id, ours[1]!.id]);
    await eventually(async () => (await events.deadLetters(group)).length === 1, 'the dead letter');
    expect(handled).not.toContain(ours[2]!.id);
    const [letter] = await events.deadLetters(group);
    expect(letter).toMatchObject({ eventId: ours[2]!.id, attempts: 6 });
    expect(letter!.error).toMatch(/delivery limit/);
    const pending = (await raw.call('XPENDING', stream, group)) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
  });

  it('dead-letters a message it cannot read and handles the next one', async () => {
    namespace = `${testDb.name}-garbage-${randomUUID().slice(0, 8)}`;
    const registry = new Registry();
    const events = bus(REDIS_URL, namespace, registry);
    startRelay(events, registry);
    const group = 'auditor';
    const recorder = await EventRecorder.start(events, { topics: ['product.price_changed'], group });
    cleanup.push(() => recorder.close());
    await (await connected(REDIS_URL)).call('XADD', events.streamKey('catalog'), '*', 'e', '{not json');
    const [good] = await commitEvents(1, randomUUID());
    await recorder.waitForIds([good!.id]);
    await eventually(async () => (await events.deadLetters(group)).length === 1, 'the dead letter');
    const [letter] = await events.deadLetters(group);
    expect(letter).toMatchObject({ eventId: null, event: '{not json', error: 'unreadable event message' });
    expect(await counter(registry, 'events_dead_lettered_total')).toBe(1);
  });
});
