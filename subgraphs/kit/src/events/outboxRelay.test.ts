import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createDatabase, type Database } from '../database.js';
import { createLogger } from '../logger.js';
import { EventRecorder, eventually } from '../testing/eventRecorder.js';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.js';
import type { DomainEvent } from './domainEvent.js';
import type { EventBus } from './eventBus.js';
import { eventMetrics } from './eventMetrics.js';
import { OutboxRelay, type OutboxRelayOptions } from './outboxRelay.js';
import { PostgresEventBus } from './postgresEventBus.js';
import { recordEvents } from './recordEvents.js';

/** The relay's own duties, on the PostgreSQL bus: retry while the bus refuses, prune what is old. */
const logger = createLogger('events-test', process.env.TEST_LOG_LEVEL ?? 'silent');
let testDb: TestDatabase;
let database: Database;
const cleanup: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = createDatabase({ url: testDb.url, poolSize: 2, logger });
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

function pgBus(options: { pruneIntervalMs?: number; retentionHours?: number } = {}): PostgresEventBus {
  const bus = new PostgresEventBus({ databaseUrl: testDb.url, logger, metrics: eventMetrics(new Registry()), ...options });
  cleanup.push(() => bus.close());
  return bus;
}

function relay(bus: EventBus, registry: Registry, options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
  const r = new OutboxRelay({ source: 'catalog', databaseUrl: testDb.url, bus, logger, metrics: eventMetrics(registry), pollIntervalMs: 100, ...options });
  r.start();
  cleanup.push(() => r.stop());
  return r;
}

async function commit(): Promise<DomainEvent> {
  const productId = randomUUID();
  const [event] = await database.prisma.$transaction((tx) => recordEvents(tx, 'catalog', [{ topic: 'product.changed', payload: { productId, change: 'edited' } }]));
  return event!;
}

async function row(id: string) {
  const rows = await database.prisma.$queryRawUnsafe<Array<{ attempts: number; last_error: string | null; published: boolean }>>(
    'SELECT attempts, last_error, published_at IS NOT NULL AS published FROM catalog.outbox_event WHERE event_id = $1::uuid',
    id,
  );
  return rows[0];
}

describe('outbox relay', () => {
  it('keeps retrying with backoff while the bus refuses, records why, and publishes once it accepts', async () => {
    const bus = pgBus();
    let refusals = 3;
    const flaky: EventBus = Object.create(bus, {
      publish: {
        value: async (...args: Parameters<EventBus['publish']>) => {
          if (refusals > 0) {
            refusals -= 1;
            throw new Error('bus unavailable');
          }
          return bus.publish(...args);
        },
      },
    }) as EventBus;
    const registry = new Registry();
    const recorder = await EventRecorder.start(bus, { topics: ['product.changed'] });
    cleanup.push(() => recorder.close());
    const event = await commit();
    relay(flaky, registry);
    await recorder.waitForIds([event.id]);
    // The relay marks the row after the bus accepted it, so a quick reader can get there first.
    await eventually(async () => (await row(event.id))?.published === true, 'the row marked published');
    expect(await row(event.id)).toEqual({ attempts: 3, last_error: 'bus unavailable', published: true });
    const failures = (await registry.getSingleMetric('events_publish_failures_total')!.get()).values[0]!.value;
    expect(failures).toBe(3);
  });

  it('prunes published rows after the retention period and keeps unpublished ones', async () => {
    const registry = new Registry();
    const old = await commit();
    const r = relay(pgBus(), registry, { retentionHours: 0.5 / 3600, pruneIntervalMs: 100 });
    await eventually(async () => (await row(old.id))?.published === true, 'the first event published');
    await r.stop();
    const stuck = await commit(); // committed while no relay runs: unpublished
    await new Promise((resolve) => setTimeout(resolve, 600));
    const bus = pgBus();
    const refusing = Object.create(bus, { publish: { value: () => Promise.reject(new Error('down')) } }) as EventBus;
    relay(refusing, registry, { retentionHours: 0.5 / 3600, pruneIntervalMs: 100 });
    await eventually(async () => (await row(old.id)) === undefined, 'the published row pruned');
    expect((await row(stuck.id))?.published).toBe(false);
  });
});
