import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger } from '../logger.js';
import { EventRecorder, eventually } from '../testing/eventRecorder.js';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.js';
import type { DomainEvent } from './domainEvent.js';
import { eventMetrics } from './eventMetrics.js';
import { MIN_SCAN_POSITIONS, PostgresEventBus } from './postgresEventBus.js';

/** What only the PostgreSQL log has to get right: commit order of appends, group failover. */
const logger = createLogger('events-test', process.env.TEST_LOG_LEVEL ?? 'silent');
let testDb: TestDatabase;
const cleanup: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(async () => {
  await testDb?.drop();
});

function bus(): PostgresEventBus {
  const b = new PostgresEventBus({ databaseUrl: testDb.url, logger, metrics: eventMetrics(new Registry()), lockRetryMs: 50, pollIntervalMs: 200 });
  cleanup.push(() => b.close());
  return b;
}

let sequence = 0;
function event(productId: string, topic: 'product.changed' | 'product.price_changed' = 'product.changed'): DomainEvent {
  sequence += 1;
  const common = { id: randomUUID(), source: 'catalog' as const, aggregateType: 'product', aggregateId: productId, occurredAt: new Date().toISOString(), sequence };
  if (topic === 'product.changed') return { ...common, topic, payload: { productId, change: 'edited' } };
  return { ...common, topic, payload: { productId, variantId: randomUUID(), sku: 'SKU-T', currency: 'EUR', oldPrice: '1.00', newPrice: '2.00' } };
}

async function sql<T>(query: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: testDb.url });
  await client.connect();
  try {
    return (await client.query(query, values)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('PostgreSQL event bus', () => {
  it('lets a reader that follows the log by position see every event, however appends race', async () => {
    const reader = await EventRecorder.start(bus(), { topics: ['product.changed'], batchSize: 7 });
    cleanup.push(() => reader.close());
    const productId = randomUUID();
    const appenders = [bus(), bus(), bus(), bus()];
    const published: DomainEvent[] = [];
    await Promise.all(
      appenders.map(async (appender) => {
        for (let i = 0; i < 60; i++) {
          const batch = [event(productId), ...(i % 3 === 0 ? [event(productId)] : [])];
          published.push(...batch);
          await appender.publish('catalog', batch);
        }
      }),
    );
    await reader.waitForIds(published.map((e) => e.id));
    expect(reader.events).toHaveLength(published.length);
    // Delivered in log order, which is commit order.
    const positions = await sql<{ id: string }>('SELECT event_id::text AS id FROM events.event_log WHERE aggregate_id = $1 ORDER BY position', [productId]);
    expect(reader.ids()).toEqual(positions.map((r) => r.id));
  });

  it('drops a second copy of an event (a relay republishing after a crash) at append', async () => {
    const b = bus();
    const e = event(randomUUID());
    await b.publish('catalog', [e]);
    await b.publish('catalog', [e]);
    const rows = await sql<{ n: number }>('SELECT count(*)::int AS n FROM events.event_log WHERE event_id = $1', [e.id]);
    expect(rows[0]!.n).toBe(1);
  });

  it('prunes log entries older than the retention period as it publishes', async () => {
    const b = new PostgresEventBus({ databaseUrl: testDb.url, logger, metrics: eventMetrics(new Registry()), retentionHours: 0.5 / 3600, pruneIntervalMs: 0 });
    cleanup.push(() => b.close());
    const old = event(randomUUID());
    await b.publish('catalog', [old]);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const fresh = event(randomUUID());
    await b.publish('catalog', [fresh]);
    const present = async (e: DomainEvent) => (await sql<{ n: number }>('SELECT count(*)::int AS n FROM events.event_log WHERE event_id = $1', [e.id]))[0]!.n;
    await eventually(async () => (await present(old)) === 0, 'the old entry pruned');
    expect(await present(fresh)).toBe(1);
  });

  it('moves a group to its standby consumer when the active one loses its connection', async () => {
    const group = `g-${randomUUID()}`;
    const productId = randomUUID();
    const a = await EventRecorder.start(bus(), { topics: ['product.changed'], group });
    const b = await EventRecorder.start(bus(), { topics: ['product.changed'], group });
    cleanup.push(() => a.close(), () => b.close());
    const publisher = bus();
    const first = [event(productId), event(productId), event(productId)];
    await publisher.publish('catalog', first);
    await eventually(() => [...a.ids(), ...b.ids()].filter((id) => first.some((e) => e.id === id)).length === 3, 'the first events');
    const active = a.ids().includes(first[0]!.id) ? a : b;
    const standby = active === a ? b : a;
    expect(standby.ids().filter((id) => first.some((e) => e.id === id))).toEqual([]);

    // The active consumer's session dies (network cut, crash): PostgreSQL frees its lock.
    const terminated = await sql<{ pid: number }>(
      `SELECT pg_terminate_backend(a.pid) AS pid FROM pg_stat_activity a
       WHERE a.application_name = $1 AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted)`,
      [`shopgraph-events:${group}`],
    );
    expect(terminated).toHaveLength(1);
    const second = [event(productId), event(productId)];
    await publisher.publish('catalog', second);
    await eventually(() => [...a.ids(), ...b.ids()].filter((id) => second.some((e) => e.id === id)).length >= 2, 'the events after the failover');
    const ours = (r: EventRecorder) => r.events.filter((e) => e.aggregateId === productId).map((e) => e.id);
    expect(new Set([...ours(a), ...ours(b)])).toEqual(new Set([...first, ...second].map((e) => e.id)));
    expect(ours(standby)).toEqual(second.map((e) => e.id));
  });

  it('reads a backlog at a cost per event read, not per event waiting, when the log has no statistics yet', async () => {
    const publisher = bus();
    // A log autovacuum has not analyzed yet (a fresh install; stale ones behave alike after a
    // burst): on default estimates the planner took every read for a scan of the whole backlog
    // and sorted it, ~backlog²/(2 batch) heap rows in all.
    await sql('ALTER TABLE events.event_log SET (autovacuum_enabled = off)');
    await sql(`DELETE FROM pg_statistic WHERE starelid = 'events.event_log'::regclass`);
    const backlog = 20_000;
    const productId = randomUUID();
    for (let done = 0; done < backlog; done += 2_000) await publisher.publish('catalog', Array.from({ length: 2_000 }, () => event(productId, 'product.price_changed')));
    const fetched = async () =>
      Number((await sql<{ n: string }>(`SELECT (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::text AS n FROM pg_stat_user_tables WHERE relid = 'events.event_log'::regclass`))[0]!.n);
    const before = await fetched();
    let received = 0;
    const subscription = bus().subscribe({ topics: ['product.price_changed'], group: `g-${randomUUID()}`, batchSize: 100, handler: (e) => void (e.aggregateId === productId && received++) });
    await eventually(() => received === backlog, 'the backlog read');
    await subscription.close();
    // The reader's session flushes its table statistics when it ends; at least every row it read is counted.
    await eventually(async () => (await fetched()) - before >= backlog, "the reader's statistics");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetched()) - before).toBeLessThan(3 * backlog);
  });

  it('steps over more events of other topics than one read looks at, and moves a group past them', async () => {
    const publisher = bus();
    const group = `g-${randomUUID()}`;
    const reader = await EventRecorder.start(bus(), { topics: ['product.price_changed'], group, batchSize: 10 });
    cleanup.push(() => reader.close());
    const others = Math.round(MIN_SCAN_POSITIONS * 2.5);
    for (let done = 0; done < others; done += 5_000) await publisher.publish('catalog', Array.from({ length: 5_000 }, () => event(randomUUID())));
    const rare = event(randomUUID(), 'product.price_changed');
    await publisher.publish('catalog', [rare]);
    await publisher.publish('catalog', [event(randomUUID())]);
    await reader.waitForIds([rare.id]);
    const head = async () => (await sql<{ head: string }>('SELECT max(position)::text AS head FROM events.event_log'))[0]!.head;
    const offset = async () => (await sql<{ position: string }>('SELECT position::text FROM events.consumer_offset WHERE group_name = $1', [group]))[0]?.position;
    const expected = await head();
    await eventually(async () => (await offset()) === expected, 'the group offset at the head');
    expect(reader.events.filter((e) => e.aggregateId === rare.aggregateId).map((e) => e.id)).toEqual([rare.id]);
  });

  it('reads the next batch while a batch writer flushes the last one, and delivers every event once, in order', async () => {
    const probe = new pg.Client({ connectionString: testDb.url });
    await probe.connect();
    cleanup.push(() => probe.end());
    const serverTime = async () => (await probe.query<{ at: string }>('SELECT clock_timestamp()::text AS at')).rows[0]!.at;
    const productId = randomUUID();
    const received: string[] = [];
    let handledAt: string | undefined;
    let flushes = 0;
    const subscription = bus().subscribe({
      topics: ['product.changed'],
      batchSize: 10,
      handler: async (e) => {
        if (e.aggregateId !== productId) return;
        received.push(e.id);
        // After the last event of the first read, before its flush: any query the reader's
        // session starts later is the next read.
        if (received.length === 10) handledAt = await serverTime();
      },
      flush: async () => {
        if (++flushes !== 1) return;
        await eventually(
          async () =>
            (await probe.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'shopgraph-events:broadcast' AND query_start > $1::timestamptz`, [handledAt]))
              .rows[0]!.n === 1,
          'the next read started while the first batch is flushed',
        );
      },
    });
    cleanup.push(() => subscription.close());
    await subscription.ready;
    const published = Array.from({ length: 30 }, () => event(productId));
    await bus().publish('catalog', published);
    await eventually(() => received.length >= 30, 'every event');
    expect(received).toEqual(published.map((e) => e.id));
    expect(flushes).toBeGreaterThanOrEqual(3);
  });
});
