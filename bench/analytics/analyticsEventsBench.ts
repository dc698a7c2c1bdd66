// `npm run bench -- events` (under `flock /tmp/shopgraph-bench.lock`): analytics events per
// second through the real pipeline, beside what its parts alone do in the same run.
//   pipeline:  writers keep recording views (reco outbox), cart adds (cart) and orders
//              (ordering) for BENCH_DURATION seconds; the three relays publish them; the
//              analytics consumer (AnalyticsIngest, one durable group) writes each read as
//              facts + daily aggregates in one transaction. Sustained = events recorded /
//              time until the last of them is aggregated.
//   ingest:    AnalyticsIngest.ingest on the same kind of events, 1,000 per call, no bus.
//   baseline:  the same fact rows by bare batched INSERT (1,000 rows per statement) into a
//              table with the same columns and key, no aggregates, no dedupe, no bus.
// (`npm run bench:events` is the event backbone itself: outbox -> bus -> a no-op handler.)
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import pg from 'pg';
import { Registry } from 'prom-client';
import {
  REPO_ROOT,
  createDatabase,
  createDatabaseIfMissing,
  createEventBus,
  createLogger,
  createRedis,
  redisReady,
  databaseNameOf,
  eventMetrics,
  migrateIfPending,
  OutboxRelay,
  withDatabase,
  type DomainEvent,
  type EventSource,
  type NewEvent,
  type Redis,
} from '@shopgraph/kit';
import { analyticsBatchOf, type AnalyticsEvent } from '../../subgraphs/recommendation/src/services/analytics/analyticsFacts.js';
import { AnalyticsIngest } from '../../subgraphs/recommendation/src/services/analytics/analyticsIngest.js';
import { recordCommitted } from '../outboxOnClient.js';

export interface AnalyticsBenchOptions {
  databaseUrl: string;
  redisUrl: string;
  durationSeconds: number;
}

type Kind = 'postgres' | 'redis';
interface PipelineFigures {
  kind: Kind;
  eventsRecorded: number;
  recordedPerSecond: number;
  sustainedEventsPerSecond: number;
  drainSecondsAfterWritersStopped: number;
  aggregatesEqualRecount: boolean;
}

const RECORD_BATCH = 500;
const INGEST_EVENTS = 50_000;
const PRODUCTS = Array.from({ length: 2_000 }, () => randomUUID());
const logger = createLogger('bench-analytics', 'warn');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() ** 2 * items.length)]!;

/** One event of the mix: 70 % views, 25 % cart adds, 5 % orders of two products. */
export function newEvent(i: number): { source: EventSource; event: NewEvent<'reco'> | NewEvent<'cart'> | NewEvent<'ordering'>; facts: number } {
  const roll = i % 20;
  if (roll < 14) return { source: 'reco', event: { topic: 'product.viewed', payload: { productId: pick(PRODUCTS), viewedAt: new Date().toISOString() } }, facts: 1 };
  if (roll < 19) {
    return {
      source: 'cart',
      event: { topic: 'cart.item_added', payload: { cartId: randomUUID(), customerId: null, productId: pick(PRODUCTS), variantId: randomUUID(), quantity: 1 } },
      facts: 1,
    };
  }
  const [a, b] = [PRODUCTS[i % 1_000]!, PRODUCTS[1_000 + (i % 1_000)]!];
  const line = (productId: string) => ({ productId, variantId: randomUUID(), sku: 'SKU-B', quantity: 2, unitPrice: '9.99' });
  return {
    source: 'ordering',
    event: {
      topic: 'order.placed',
      payload: { orderId: randomUUID(), customerId: randomUUID(), placedAt: new Date().toISOString(), currency: 'EUR', grandTotal: '39.96', lines: [line(a), line(b)] },
    },
    facts: 2,
  };
}

/** The sources of the mix: one writer each. */
export const EVENT_MIX_SOURCES = ['reco', 'cart', 'ordering'] as const;
type MixEvent = ReturnType<typeof newEvent>;

/**
 * One writer of the pipeline: commits this source's share of the mix to its outbox in batches
 * of RECORD_BATCH as fast as it can until `deadline` (performance.now()), telling `onBatch` of each.
 */
export async function writeEventMix(client: pg.Client, source: EventSource, deadline: number, onBatch: (batch: MixEvent[]) => void): Promise<void> {
  for (let i = 0; now() < deadline; ) {
    const batch: MixEvent[] = [];
    while (batch.length < RECORD_BATCH) {
      const next = newEvent(i++);
      if (next.source === source) batch.push(next);
    }
    await recordCommitted(client, source as 'reco', batch.map((b) => b.event) as NewEvent<'reco'>[]);
    onBatch(batch);
  }
}

async function reset(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`TRUNCATE reco.analytics_fact, reco.product_daily_analytics, reco.product_seller, reco.outbox_event, cart.outbox_event,
                      ordering.outbox_event, events.event_log, events.consumer_offset, events.dead_letter`);
  await client.end();
}

async function scalar(databaseUrl: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Facts aggregated so far: each view, cart add and purchase fact adds one to its day's views, cart_adds or purchases. */
const FACTS_FROM_AGGREGATES = 'SELECT coalesce(sum(views + cart_adds + purchases), 0)::text AS n FROM reco.product_daily_analytics';

const RECOUNT_MISMATCHES = `
  SELECT count(*) AS n FROM (
    SELECT product_id, day, count(*) FILTER (WHERE kind = 'view')::int AS views, count(*) FILTER (WHERE kind = 'cart_add')::int AS cart_adds,
           coalesce(sum(quantity) FILTER (WHERE kind IN ('purchase', 'purchase_void')), 0)::int AS units, coalesce(sum(revenue), 0) AS revenue
    FROM reco.analytics_fact GROUP BY product_id, day) r
  FULL JOIN reco.product_daily_analytics a USING (product_id, day)
  WHERE (r.views, r.cart_adds, r.units, r.revenue) IS DISTINCT FROM (a.views, a.cart_adds, a.units, a.revenue)`;

async function pipeline(kind: Kind, options: AnalyticsBenchOptions, redis: Redis | undefined): Promise<PipelineFigures> {
  const { databaseUrl } = options;
  await reset(databaseUrl);
  const registry = new Registry();
  const namespace = `bench-analytics-${randomUUID().slice(0, 8)}`;
  const bus = createEventBus({ databaseUrl, redis, logger, registry, namespace });
  const database = createDatabase({ url: databaseUrl, poolSize: 4, logger });
  const relays = EVENT_MIX_SOURCES.map((source) => {
    const relay = new OutboxRelay({ source, databaseUrl, bus, logger, metrics: eventMetrics(registry) });
    relay.start();
    return relay;
  });
  const consumer = new AnalyticsIngest(database.prisma).subscribe(bus, logger);
  await consumer.ready;
  await sleep(500); // the relays take their locks

  let recorded = 0;
  let expectedFacts = 0;
  const started = now();
  const deadline = started + options.durationSeconds * 1000;
  // One writer per source, each committing batches as fast as it can until the deadline.
  const writers = EVENT_MIX_SOURCES.map(async (source) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await writeEventMix(client, source, deadline, (batch) => {
      recorded += batch.length;
      expectedFacts += batch.reduce((n, b) => n + b.facts, 0);
    });
    await client.end();
  });
  await Promise.all(writers);
  const writersDone = now();

  const bar = process.stdout.isTTY ? new SingleBar({ format: `[analytics ${kind}] aggregating {bar} {value}/{total} facts`, hideCursor: true }) : undefined;
  bar?.start(expectedFacts, 0);
  let facts = 0;
  // The watch must not slow what it watches: one connection, and the facts counted from the
  // daily aggregates (about one row per product and day, written in the same transaction as
  // the facts) instead of count(*) over every fact on a new connection every 50 ms, which
  // took a third of a core of the two from the pipeline once the table held 300k facts.
  const watcher = new pg.Client({ connectionString: databaseUrl });
  await watcher.connect();
  while ((facts = Number((await watcher.query<{ n: string }>(FACTS_FROM_AGGREGATES)).rows[0]!.n)) < expectedFacts) {
    bar?.update(facts);
    await sleep(50);
  }
  await watcher.end();
  bar?.update(facts);
  bar?.stop();
  const drained = now();
  const mismatches = await scalar(databaseUrl, RECOUNT_MISMATCHES);
  const factsCounted = await scalar(databaseUrl, 'SELECT count(*) AS n FROM reco.analytics_fact');

  await consumer.close();
  for (const relay of relays) await relay.stop();
  await bus.close();
  await database.close();
  return {
    kind,
    eventsRecorded: recorded,
    recordedPerSecond: Math.round(recorded / ((writersDone - started) / 1000)),
    sustainedEventsPerSecond: Math.round(recorded / ((drained - started) / 1000)),
    drainSecondsAfterWritersStopped: Number(((drained - writersDone) / 1000).toFixed(2)),
    aggregatesEqualRecount: mismatches === 0 && factsCounted === expectedFacts,
  };
}

/** The same mix as delivered events, built in memory. */
function deliveredEvents(count: number): AnalyticsEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const { source, event } = newEvent(i);
    return { ...event, id: randomUUID(), source, aggregateType: 'product', aggregateId: 'bench', sequence: i, occurredAt: new Date().toISOString() } as DomainEvent as AnalyticsEvent;
  });
}

async function ingestOnly(databaseUrl: string): Promise<number> {
  await reset(databaseUrl);
  const database = createDatabase({ url: databaseUrl, poolSize: 2, logger });
  const ingest = new AnalyticsIngest(database.prisma);
  const events = deliveredEvents(INGEST_EVENTS);
  const started = now();
  for (let i = 0; i < events.length; i += 1_000) await ingest.ingest(events.slice(i, i + 1_000));
  const seconds = (now() - started) / 1000;
  await database.close();
  return Math.round(events.length / seconds);
}

async function bareInsert(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('DROP TABLE IF EXISTS public.bench_bare_fact');
  await client.query('CREATE TABLE public.bench_bare_fact (LIKE reco.analytics_fact INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)');
  const events = deliveredEvents(INGEST_EVENTS);
  const started = now();
  for (let i = 0; i < events.length; i += 1_000) {
    const { facts } = analyticsBatchOf(events.slice(i, i + 1_000));
    await client.query(
      `INSERT INTO public.bench_bare_fact (event_id, product_id, kind, day, quantity, revenue, currency, order_id)
       SELECT f."eventId", f."productId", f.kind, f.day, f.quantity, f.revenue, f.currency, f."orderId"
       FROM jsonb_to_recordset($1::jsonb) AS f("eventId" uuid, "productId" uuid, kind text, day date, quantity int, revenue numeric, currency char(3), "orderId" uuid)`,
      [JSON.stringify(facts)],
    );
  }
  const seconds = (now() - started) / 1000;
  await client.query('DROP TABLE public.bench_bare_fact');
  await client.end();
  return Math.round(events.length / seconds);
}

async function connectedRedis(url: string): Promise<Redis | undefined> {
  const redis = createRedis(url, logger);
  if (await redisReady(redis, 3_000)) return redis;
  redis.disconnect();
  return undefined;
}

export async function runAnalyticsEventsBench(options: AnalyticsBenchOptions): Promise<void> {
  const { databaseUrl } = options;
  await createDatabaseIfMissing(withDatabase(databaseUrl, 'postgres'), databaseNameOf(databaseUrl));
  await migrateIfPending(databaseUrl);
  const loadAtStart = os.loadavg();
  console.log(`[analytics] ${databaseNameOf(databaseUrl)}: writers for ${options.durationSeconds} s per bus, then drained; ingest and bare INSERT of ${INGEST_EVENTS} events`);
  const redis = await connectedRedis(options.redisUrl);
  const pipelines: PipelineFigures[] = [];
  for (const kind of redis ? (['postgres', 'redis'] as const) : (['postgres'] as const)) {
    const figures = await pipeline(kind, options, kind === 'redis' ? redis : undefined);
    console.log(`[analytics] ${JSON.stringify(figures)}`);
    pipelines.push(figures);
  }
  redis?.disconnect();
  const ingestPerSecond = await ingestOnly(databaseUrl);
  console.log(`[analytics] ingest only: ${ingestPerSecond} events/s`);
  const barePerSecond = await bareInsert(databaseUrl);
  console.log(`[analytics] bare batched INSERT: ${barePerSecond} events/s`);
  writeReport(options, pipelines, ingestPerSecond, barePerSecond, loadAtStart);
}

function writeReport(options: AnalyticsBenchOptions, pipelines: PipelineFigures[], ingestPerSecond: number, barePerSecond: number, loadAtStart: number[]): void {
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg() };
  writeFileSync(path.join(dir, 'analytics-events.json'), `${JSON.stringify({ at, machine, durationSeconds: options.durationSeconds, pipelines, ingestPerSecond, barePerSecond }, null, 2)}\n`);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(', ');
  const lines = [
    `# Analytics events benchmark ${at}`,
    '',
    `${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}; writers, relays and the consumer in one process, PostgreSQL and Redis on the same machine.`,
    `Load average (1, 5, 15 min) at start ${load(loadAtStart)}, at end ${load(machine.loadAverageAtEnd)}: other sessions share the machine.`,
    '',
    `Pipeline: three writers (views to the reco outbox, cart adds, orders) record batches of ${RECORD_BATCH} for ${options.durationSeconds} s; relays publish; the analytics group consumer writes each read (up to 1,000 events) as facts + daily aggregates in one transaction. Sustained = events recorded / time from the first write to the last fact aggregated (watched every 50 ms through the daily aggregates on one connection; aggregates = recount also checks that every fact is there).`,
    '',
    '| bus | events recorded | recorded/s | sustained events/s (aggregated) | drain after writers stopped (s) | aggregates = recount |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...pipelines.map((p) => `| ${p.kind} | ${p.eventsRecorded} | ${p.recordedPerSecond} | ${p.sustainedEventsPerSecond} | ${p.drainSecondsAfterWritersStopped} | ${p.aggregatesEqualRecount ? 'yes' : 'NO'} |`),
    '',
    'Same run, the parts alone on the same event mix:',
    '',
    '| what | events/s |',
    '| --- | ---: |',
    `| AnalyticsIngest.ingest, 1,000 events per call, no bus | ${ingestPerSecond} |`,
    `| baseline: bare batched INSERT of the same fact rows (1,000 events per statement), no aggregates, no bus | ${barePerSecond} |`,
    '',
  ];
  writeFileSync(path.join(dir, 'analytics-events.md'), lines.join('\n'));
  console.log('[analytics] wrote bench/results/analytics-events.md and analytics-events.json');
}
