import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { Redis } from 'ioredis';
import { createDatabase, type Database } from '../database.js';
import { createLogger } from '../logger.js';
import { REPO_ROOT } from '../paths.js';
import { createRedis } from '../redis.js';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.js';
import { EventRecorder, eventually } from '../testing/eventRecorder.js';
import { createEventBus } from './createEventBus.js';
import type { DomainEvent } from './domainEvent.js';
import type { EventBus } from './eventBus.js';
import { eventMetrics } from './eventMetrics.js';
import { OutboxRelay } from './outboxRelay.js';
import { recordEvents } from './recordEvents.js';

/**
 * One contract, both buses: the same tests run on the PostgreSQL event log and on Redis
 * Streams, each from real transactions through a real relay to real subscriptions.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger('events-test', process.env.TEST_LOG_LEVEL ?? 'silent');

let testDb: TestDatabase;
let database: Database;
const cleanup: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = createDatabase({ url: testDb.url, poolSize: 8, logger });
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

async function counter(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric as { values?: Array<{ labels: Record<string, string>; value: number }> } | undefined)?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

/** A price change of a made-up variant, recorded in its own transaction. */
function priceChange(productId: string = randomUUID(), newPrice = '2.00') {
  return { topic: 'product.price_changed' as const, payload: { productId, variantId: randomUUID(), sku: 'SKU-T', currency: 'EUR', oldPrice: '1.00', newPrice } };
}

async function commitEvents(count: number, productId?: string): Promise<DomainEvent[]> {
  const events: DomainEvent[] = [];
  for (let i = 0; i < count; i++) {
    events.push(...(await database.prisma.$transaction((tx) => recordEvents(tx, 'catalog', [priceChange(productId, `${i}.00`)]))));
  }
  return events;
}

async function unpublished(ids: string[]): Promise<number> {
  const rows = await database.prisma.$queryRawUnsafe<Array<{ n: number }>>(
    'SELECT count(*)::int AS n FROM catalog.outbox_event WHERE event_id = ANY($1::uuid[]) AND published_at IS NULL',
    ids,
  );
  return rows[0]!.n;
}

describe.each(['postgres', 'redis'] as const)('%s event bus', (kind) => {
  /** Each test its own Redis namespace; on PostgreSQL tests tell their events apart by id. */
  let namespace: string;
  beforeAll(() => {
    namespace = `${testDb.name}-${kind}`;
  });
  afterEach(() => {
    namespace = `${testDb.name}-${kind}-${randomUUID().slice(0, 8)}`;
  });

  /** One "instance": its own bus, connections and metrics registry. */
  async function instance(): Promise<{ bus: EventBus; registry: Registry; redis?: Redis }> {
    const registry = new Registry();
    let redis: Redis | undefined;
    if (kind === 'redis') {
      const client = createRedis(REDIS_URL, logger);
      redis = client;
      cleanup.push(async () => {
        const keys = await client.keys(`sg:${namespace}:events:*`);
        if (keys.length > 0) await client.del(...keys);
        client.disconnect();
      });
    }
    const bus = createEventBus({ databaseUrl: testDb.url, redis, logger, registry, namespace });
    cleanup.push(() => bus.close());
    return { bus, registry, ...(redis && { redis }) };
  }

  async function relay(bus: EventBus, registry = new Registry()): Promise<OutboxRelay> {
    const r = new OutboxRelay({ source: 'catalog', databaseUrl: testDb.url, bus, logger, metrics: eventMetrics(registry), pollIntervalMs: 200, lockRetryMs: 50 });
    r.start();
    cleanup.push(() => r.stop());
    return r;
  }

  it('publishes an event when its transaction commits, and none when it rolls back', async () => {
    const { bus } = await instance();
    await relay(bus);
    const recorder = await EventRecorder.start(bus, { topics: ['product.price_changed'] });
    cleanup.push(() => recorder.close());
    const variant = await database.prisma.$queryRawUnsafe<Array<{ id: string; product_id: string; sku: string }>>(
      'SELECT id::text, product_id::text, sku FROM catalog.product_variant ORDER BY sku LIMIT 1',
    );
    const { id, product_id: productId, sku } = variant[0]!;
    const change = async (price: string, fail: boolean) =>
      database.prisma.$transaction(async (tx) => {
        const [row] = await tx.$queryRawUnsafe<Array<{ old: string }>>(
          `UPDATE catalog.product_variant v SET price = $2::numeric FROM catalog.product_variant o WHERE v.id = o.id AND v.id = $1::uuid RETURNING o.price::text AS old`,
          id,
          price,
        );
        const [event] = await recordEvents(tx, 'catalog', [
          { topic: 'product.price_changed', payload: { productId, variantId: id, sku, currency: 'EUR', oldPrice: row!.old, newPrice: price } },
        ]);
        if (fail) throw new Error('the change is refused after recording');
        return event!;
      });

    const committed = await change('31.00', false);
    let rolledBackId: string | undefined;
    await expect(
      database.prisma.$transaction(async (tx) => {
        const [event] = await recordEvents(tx, 'catalog', [priceChange(productId, '99.00')]);
        rolledBackId = event!.id;
        await tx.$executeRawUnsafe(`UPDATE catalog.product_variant SET price = 99 WHERE id = $1::uuid`, id);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    const sentinel = await change('32.00', false);
    await recorder.waitForIds([committed.id, sentinel.id]);

    // (On Redis a new namespace starts with a restore of recent events: look at this test's only.)
    expect(rolledBackId).toBeDefined();
    expect(recorder.ids().filter((i) => [committed.id, sentinel.id, rolledBackId].includes(i))).toEqual([committed.id, sentinel.id]);
    const price = await database.prisma.$queryRawUnsafe<Array<{ price: string }>>('SELECT price::text FROM catalog.product_variant WHERE id = $1::uuid', id);
    expect(price[0]!.price).toBe('32.00');
    const inOutbox = await database.prisma.$queryRawUnsafe<Array<{ n: number }>>('SELECT count(*)::int AS n FROM catalog.outbox_event WHERE event_id = $1::uuid', rolledBackId);
    expect(inOutbox[0]!.n).toBe(0);
    const received = recorder.events.find((e) => e.id === committed.id)!;
    expect(received).toMatchObject({ topic: 'product.price_changed', source: 'catalog', aggregateType: 'product', aggregateId: productId, sequence: committed.sequence });
    expect(received.payload).toEqual(committed.payload);
  });

  it('delivers the events of one aggregate in commit order, also when transactions race', async () => {
    const RACE_TIMEOUTS = { maxWait: 60_000, timeout: 60_000 };
    const { bus } = await instance();
    await relay(bus);
    const recorder = await EventRecorder.start(bus, { topics: ['product.price_changed'] });
    cleanup.push(() => recorder.close());
    const variants = await database.prisma.$queryRawUnsafe<Array<{ id: string; product_id: string; sku: string }>>(
      'SELECT DISTINCT ON (product_id) id::text, product_id::text, sku FROM catalog.product_variant ORDER BY product_id, sku LIMIT 3 OFFSET 5',
    );
    // 3 products x 12 concurrent transactions, each adding 1 to the price under the row lock
    // and recording the price it made: commit order is price order.
    const writes = variants.flatMap((v) =>
      Array.from({ length: 12 }, () =>
        database.prisma.$transaction(async (tx) => {
          const [row] = await tx.$queryRawUnsafe<Array<{ price: string }>>('UPDATE catalog.product_variant SET price = price + 1 WHERE id = $1::uuid RETURNING price::text', v.id);
          const oldPrice = (Number(row!.price) - 1).toFixed(2);
          return (
            await recordEvents(tx, 'catalog', [
              { topic: 'product.price_changed', payload: { productId: v.product_id, variantId: v.id, sku: v.sku, currency: 'EUR', oldPrice, newPrice: row!.price } },
            ])
          )[0]!;
          // 36 transactions queue for 8 connections and a row lock: more than Prisma's 2 s default on a busy machine.
        }, RACE_TIMEOUTS),
      ),
    );
    const events = await Promise.all(writes);
    await recorder.waitForIds(events.map((e) => e.id));
    const ours = new Set(events.map((e) => e.id));
    for (const v of variants) {
      const prices = recorder.events.filter((e) => ours.has(e.id) && e.aggregateId === v.product_id).map((e) => Number((e.payload as { newPrice: string }).newPrice));
      expect(prices).toHaveLength(12);
      expect(prices).toEqual([...prices].sort((a, b) => a - b));
      expect(new Set(prices).size).toBe(12);
    }
  });

  it('gives two broadcast subscribers (two instances) every event once each', async () => {
    const a = await instance();
    const b = await instance();
    await relay(a.bus);
    const onA = await EventRecorder.start(a.bus, { topics: ['product.price_changed'] });
    const onB = await EventRecorder.start(b.bus, { topics: ['product.price_changed'] });
    cleanup.push(() => onA.close(), () => onB.close());
    const events = await commitEvents(40);
    const ids = events.map((e) => e.id);
    await onA.waitForIds(ids);
    await onB.waitForIds(ids);
    for (const recorder of [onA, onB]) {
      const mine = recorder.events.filter((e) => ids.includes(e.id));
      expect(mine.map((e) => e.id)).toEqual(ids);
    }
  });

  it('has a durable group of two consumers process each event once', async () => {
    const a = await instance();
    const b = await instance();
    await relay(a.bus);
    const group = `g-${randomUUID()}`;
    const slow = () => new Promise<void>((r) => setTimeout(r, 2));
    const one = await EventRecorder.start(a.bus, { topics: ['product.price_changed'], group, batchSize: 5, handler: slow });
    const two = await EventRecorder.start(b.bus, { topics: ['product.price_changed'], group, batchSize: 5, handler: slow });
    cleanup.push(() => one.close(), () => two.close());
    const events = await commitEvents(60);
    const ids = new Set(events.map((e) => e.id));
    const handled = () => [...one.events, ...two.events].filter((e) => ids.has(e.id));
    await eventually(() => new Set(handled().map((e) => e.id)).size === ids.size, 'every event handled by the group');
    expect(handled()).toHaveLength(ids.size);
  });

  it('resumes a durable group where it left off after its consumer stops and restarts', async () => {
    const { bus } = await instance();
    await relay(bus);
    const group = `g-${randomUUID()}`;
    const first = await EventRecorder.start(bus, { topics: ['product.price_changed'], group });
    const before = await commitEvents(10);
    await first.waitForIds(before.map((e) => e.id));
    await first.close();

    const whileStopped = await commitEvents(10);
    await eventually(async () => (await unpublished(whileStopped.map((e) => e.id))) === 0, 'the relay to publish');
    const { bus: restarted } = await instance();
    const second = await EventRecorder.start(restarted, { topics: ['product.price_changed'], group });
    cleanup.push(() => second.close());
    const after = await commitEvents(5);
    await second.waitForIds([...whileStopped, ...after].map((e) => e.id));
    const ours = new Set([...before, ...whileStopped, ...after].map((e) => e.id));
    expect(second.ids().filter((id) => ours.has(id))).toEqual([...whileStopped, ...after].map((e) => e.id));
  });

  it('never publishes out of order while two relays of one source run and the leader goes away', async () => {
    const a = await instance();
    const b = await instance();
    const relayA = await relay(a.bus);
    const relayB = await relay(b.bus);
    await eventually(() => relayA.isLeader || relayB.isLeader, 'one relay to lead');
    const recorder = await EventRecorder.start(a.bus, { topics: ['product.price_changed'] });
    cleanup.push(() => recorder.close());
    let bothLed = false;
    const watch = setInterval(() => (bothLed ||= relayA.isLeader && relayB.isLeader), 1);
    cleanup.push(() => clearInterval(watch));

    const productId = randomUUID();
    const firstHalf = await commitEvents(60, productId);
    const leader = relayA.isLeader ? relayA : relayB;
    const standby = leader === relayA ? relayB : relayA;
    await leader.stop();
    const secondHalf = await commitEvents(60, productId);
    const ids = [...firstHalf, ...secondHalf].map((e) => e.id);
    await recorder.waitForIds(ids);
    expect(standby.isLeader).toBe(true);
    expect(bothLed).toBe(false);
    const sequences = recorder.events.filter((e) => e.aggregateId === productId).map((e) => e.sequence);
    expect(sequences).toEqual([...firstHalf, ...secondHalf].map((e) => e.sequence));
  });

  it('lets a batch writer flush each read before it is acknowledged, and reads it again after a failed flush', async () => {
    const { bus } = await instance();
    await relay(bus);
    const gathered: DomainEvent[] = [];
    const written: string[] = [];
    let flushes = 0;
    const subscription = bus.subscribe({
      topics: ['product.price_changed'],
      group: `g-${randomUUID()}`,
      batchSize: 10,
      claimIdleMs: 200,
      retryDelayMs: 10,
      handler: (event) => void gathered.push(event),
      flush: async () => {
        const batch = gathered.splice(0);
        flushes += 1;
        if (flushes === 1) throw new Error('the database went away');
        written.push(...batch.map((e) => e.id));
      },
    });
    cleanup.push(() => subscription.close());
    await subscription.ready;
    const events = await commitEvents(25);
    const ids = events.map((e) => e.id);
    await eventually(() => ids.every((id) => written.includes(id)), 'every event written by a flush', 30_000);
    // The failed flush's events came again and were written once.
    expect(written.filter((id) => ids.includes(id))).toHaveLength(ids.length);
    expect(flushes).toBeGreaterThan(1);
  });

  it('retries a poison message, dead-letters it, and goes on with the events after it', async () => {
    const { bus, registry } = await instance();
    await relay(bus);
    const group = `g-${randomUUID()}`;
    const productId = randomUUID();
    const [poison] = await commitEvents(1, productId);
    let poisonAttempts = 0;
    const recorder = await EventRecorder.start(bus, {
      topics: ['product.price_changed'],
      group,
      maxAttempts: 3,
      retryDelayMs: 10,
      handler: (event) => {
        if (event.id === poison!.id) {
          poisonAttempts += 1;
          throw new Error('cannot digest this one');
        }
      },
    });
    cleanup.push(() => recorder.close());
    const later = await commitEvents(5, productId);
    await recorder.waitForIds(later.map((e) => e.id));
    expect(poisonAttempts).toBe(3);
    expect(recorder.ids()).not.toContain(poison!.id);
    const letters = await bus.deadLetters(group);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ subscription: group, eventId: poison!.id, topic: 'product.price_changed', error: 'cannot digest this one', attempts: 3 });
    expect(await counter(registry, 'events_dead_lettered_total', { subscription: group })).toBe(1);
    expect(await counter(registry, 'events_handler_failures_total', { subscription: group })).toBe(3);
    expect(await counter(registry, 'events_handled_total', { subscription: group })).toBeGreaterThanOrEqual(5);
  });

  it('counts a handler still running after handlerTimeoutMs as a failed attempt, dead-letters it, and goes on', async () => {
    const { bus, registry } = await instance();
    await relay(bus);
    const group = `g-${randomUUID()}`;
    const productId = randomUUID();
    const [stuck] = await commitEvents(1, productId);
    let stuckAttempts = 0;
    const recorder = await EventRecorder.start(bus, {
      topics: ['product.price_changed'],
      group,
      maxAttempts: 2,
      retryDelayMs: 10,
      handlerTimeoutMs: 100,
      handler: (event) => {
        if (event.id !== stuck!.id) return undefined;
        stuckAttempts += 1;
        return new Promise<void>(() => undefined); // never settles
      },
    });
    cleanup.push(() => recorder.close());
    const later = await commitEvents(3, productId);
    await recorder.waitForIds(later.map((e) => e.id));
    expect(stuckAttempts).toBe(2);
    expect(recorder.ids()).not.toContain(stuck!.id);
    const letters = await bus.deadLetters(group);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ eventId: stuck!.id, error: 'handler timed out after 100 ms', attempts: 2 });
    expect(await counter(registry, 'events_handler_failures_total', { subscription: group })).toBe(2);
  });

  it.each(['before-publish', 'after-publish'] as const)(
    'loses nothing and duplicates nothing for a deduplicating consumer when the relay is killed %s',
    async (hang) => {
      const { bus, registry } = await instance();
      const group = `g-${randomUUID()}`;
      const recorder = await EventRecorder.start(bus, { topics: ['product.price_changed'], group });
      cleanup.push(() => recorder.close());
      const events = await commitEvents(20);
      const ids = events.map((e) => e.id);

      const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'subgraphs/kit/src/testing/relayProcess.ts')], {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: testDb.url, RELAY_HANG: hang, EVENTS_NAMESPACE: namespace, REDIS_URL: kind === 'redis' ? REDIS_URL : '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      cleanup.push(() => void child.kill('SIGKILL'));
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      await eventually(() => /^(holding|published) \d+/m.test(output), `the child relay to reach ${hang}: ${output}`, 30_000);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // Committed, not marked published: the crash came between commit and the outbox update.
      expect(await unpublished(ids)).toBe(ids.length);

      await relay(bus, registry);
      await recorder.waitForIds(ids);
      await eventually(async () => (await unpublished(ids)) === 0, 'the new relay to mark the rows');
      expect([...recorder.timesById()].filter(([id]) => ids.includes(id)).every(([, times]) => times === 1)).toBe(true);
      expect(recorder.ids().filter((id) => ids.includes(id))).toEqual(ids);
      if (hang === 'after-publish') {
        // The events did reach the bus twice; the consumer (Redis) or the log (PostgreSQL) dropped the copies.
        if (kind === 'redis') expect(await counter(registry, 'events_duplicates_skipped_total', { subscription: group })).toBe(ids.length);
        else {
          const rows = await database.prisma.$queryRawUnsafe<Array<{ n: number }>>('SELECT count(*)::int AS n FROM events.event_log WHERE event_id = ANY($1::uuid[])', ids);
          expect(rows[0]!.n).toBe(ids.length);
        }
      }
    },
    60_000,
  );
});
