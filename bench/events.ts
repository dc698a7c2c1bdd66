// `npm run bench:events` (under `flock /tmp/shopgraph-bench.lock`): the event backbone on
// both buses, each figure beside a bare baseline measured in the same run.
//   throughput: events committed to the outbox beforehand, drained by the relay to a durable
//               group consumer; baseline: bare pipelined XADD / batched INSERT read by one reader.
//   latency:    commit (COMMIT sent) to the handler of a broadcast subscription, at a steady
//               pace; baseline: XADD -> blocked XREAD, and INSERT + NOTIFY -> LISTEN.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Registry } from 'prom-client';
import {
  DEFAULT_DATABASE_URL,
  REPO_ROOT,
  createDatabaseIfMissing,
  createEventBus,
  createLogger,
  createRedis,
  redisReady,
  databaseNameOf,
  eventMetrics,
  migrateIfPending,
  OutboxRelay,
  recordEvents,
  withDatabase,
  type EventBus,
  type Redis,
} from '@shopgraph/kit';
import { asTransaction } from './outboxOnClient.js';

const THROUGHPUT_EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 2_000);
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RATE ?? 250); // events per second
/** The first events of every latency run (JIT, connection warm-up) are not counted. */
const WARMUP_EVENTS = Math.floor(LATENCY_EVENTS / 10);
const databaseUrl = process.env.BENCH_DATABASE_URL ?? withDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, 'shopgraph_bench_events');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger('bench-events', 'warn');

type Kind = 'postgres' | 'redis';
interface Figures {
  eventsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}
interface Row {
  kind: Kind;
  /** commitAckMs: COMMIT sent to COMMIT acknowledged, the writer's own share of the latency (WAL flush). */
  pipeline: Figures & { relayOnlyEventsPerSecond: number; commitAckMs: Figures['latencyMs'] };
  baseline: Figures & { what: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

function percentiles(samples: number[]): Figures['latencyMs'] {
  const sorted = samples.slice(WARMUP_EVENTS).sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2));
  return { p50: at(0.5), p99: at(0.99), max: Number(sorted.at(-1)!.toFixed(2)) };
}

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return client;
}

const payloadOf = (i: number) => ({ productId: randomUUID(), variantId: randomUUID(), sku: `SKU-${i}`, currency: 'EUR', oldPrice: '19.90', newPrice: '17.90' });

async function reset(): Promise<void> {
  const client = await connect();
  await client.query('TRUNCATE catalog.outbox_event, events.event_log, events.consumer_offset, events.dead_letter');
  await client.end();
}

async function connectedRedis(): Promise<Redis> {
  const redis = createRedis(REDIS_URL, logger);
  await redisReady(redis);
  return redis;
}

async function withBus<T>(kind: Kind, namespace: string, work: (bus: EventBus, registry: Registry) => Promise<T>): Promise<T> {
  const registry = new Registry();
  const redis = kind === 'redis' ? await connectedRedis() : undefined;
  const bus = createEventBus({ databaseUrl, redis, logger, registry, namespace });
  try {
    return await work(bus, registry);
  } finally {
    await bus.close();
    if (redis) {
      const keys = await redis.keys(`sg:${namespace}:events:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  }
}

function startRelay(bus: EventBus, registry: Registry): OutboxRelay {
  const relay = new OutboxRelay({ source: 'catalog', databaseUrl, bus, logger, metrics: eventMetrics(registry) });
  relay.start();
  return relay;
}

async function pipelineThroughput(kind: Kind): Promise<{ eventsPerSecond: number; relayOnlyEventsPerSecond: number }> {
  await reset();
  const writer = await connect();
  for (let done = 0; done < THROUGHPUT_EVENTS; done += 500) {
    await writer.query('BEGIN');
    const batch = Array.from({ length: Math.min(500, THROUGHPUT_EVENTS - done) }, (_, i) => ({ topic: 'product.price_changed' as const, payload: payloadOf(done + i) }));
    await recordEvents(asTransaction(writer), 'catalog', batch);
    await writer.query('COMMIT');
  }
  return withBus(kind, `bench-${randomUUID().slice(0, 8)}`, async (bus, registry) => {
    let received = 0;
    let allReceived!: () => void;
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    const subscription = bus.subscribe({
      topics: ['product.price_changed'],
      group: 'bench',
      batchSize: 500,
      handler: () => {
        if (++received === THROUGHPUT_EVENTS) allReceived();
      },
    });
    await subscription.ready;
    const started = now();
    const relay = startRelay(bus, registry);
    let drainedAt = 0;
    const watch = (async () => {
      while (!drainedAt) {
        const { rows } = await writer.query<{ n: number }>('SELECT count(*)::int AS n FROM catalog.outbox_event WHERE published_at IS NULL');
        if (rows[0]!.n === 0) drainedAt = now();
        else await sleep(5);
      }
    })();
    await done;
    const receivedAt = now();
    await watch;
    await relay.stop();
    await subscription.close();
    await writer.end();
    return {
      eventsPerSecond: Math.round(THROUGHPUT_EVENTS / ((receivedAt - started) / 1000)),
      relayOnlyEventsPerSecond: Math.round(THROUGHPUT_EVENTS / ((drainedAt - started) / 1000)),
    };
  });
}

/** Commits one event per transaction at LATENCY_RATE; latency = handler time - COMMIT sent. */
async function pipelineLatency(kind: Kind): Promise<{ latencyMs: Figures['latencyMs']; commitAckMs: Figures['latencyMs'] }> {
  await reset();
  return withBus(kind, `bench-${randomUUID().slice(0, 8)}`, async (bus, registry) => {
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const subscription = bus.subscribe({
      topics: ['product.price_changed'],
      handler: (event) => {
        const sent = sentAt.get(event.id);
        if (sent !== undefined) latencies.push(now() - sent);
      },
    });
    await subscription.ready;
    const relay = startRelay(bus, registry);
    await sleep(500); // the relay takes its lock (and, on Redis, restores the empty window)
    const writer = await connect();
    const tx = asTransaction(writer);
    const interval = 1000 / LATENCY_RATE;
    const commitAcks: number[] = [];
    const start = now();
    for (let i = 0; i < LATENCY_EVENTS; i++) {
      const due = start + i * interval;
      if (due > now()) await sleep(due - now());
      await writer.query('BEGIN');
      const [event] = await recordEvents(tx, 'catalog', [{ topic: 'product.price_changed', payload: payloadOf(i) }]);
      const sent = now();
      sentAt.set(event!.id, sent);
      await writer.query('COMMIT');
      commitAcks.push(now() - sent);
    }
    while (latencies.length < LATENCY_EVENTS) await sleep(10);
    await relay.stop();
    await subscription.close();
    await writer.end();
    return { latencyMs: percentiles(latencies), commitAckMs: percentiles(commitAcks) };
  });
}

const MESSAGE = JSON.stringify({ id: randomUUID(), topic: 'product.price_changed', payload: payloadOf(0), occurredAt: new Date().toISOString(), sequence: 1 });

async function redisBaseline(): Promise<Figures> {
  const stream = `sg:bench-bare-${randomUUID().slice(0, 8)}`;
  const writer = await connectedRedis();
  const reader = writer.duplicate({ commandTimeout: 10_000, enableOfflineQueue: true });
  // Throughput: pipelined XADD in batches of 500, read back by one XREAD reader.
  let read = 0;
  let lastId = '0-0';
  const readAll = (async () => {
    while (read < THROUGHPUT_EVENTS) {
      const reply = (await reader.call('XREAD', 'COUNT', 500, 'BLOCK', 1000, 'STREAMS', stream, lastId)) as Array<[string, Array<[string, string[]]>]> | null;
      for (const [, entries] of reply ?? []) {
        read += entries.length;
        lastId = entries.at(-1)![0];
      }
    }
  })();
  const started = now();
  for (let done = 0; done < THROUGHPUT_EVENTS; done += 500) {
    const pipeline = writer.pipeline();
    for (let i = 0; i < 500 && done + i < THROUGHPUT_EVENTS; i++) pipeline.call('XADD', stream, 'MAXLEN', '~', 100_000, '*', 'e', MESSAGE);
    await pipeline.exec();
  }
  await readAll;
  const eventsPerSecond = Math.round(THROUGHPUT_EVENTS / ((now() - started) / 1000));
  // Latency: XADD at the same pace, a blocked XREAD on another connection receives it.
  const latencies: number[] = [];
  const sent = new Map<string, number>();
  let received = 0;
  const listen = (async () => {
    while (received < LATENCY_EVENTS) {
      const reply = (await reader.call('XREAD', 'BLOCK', 1000, 'STREAMS', stream, lastId)) as Array<[string, Array<[string, string[]]>]> | null;
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          latencies.push(now() - sent.get(fields[1]!)!);
          received += 1;
          lastId = id;
        }
      }
    }
  })();
  await sleep(100);
  const start = now();
  for (let i = 0; i < LATENCY_EVENTS; i++) {
    const due = start + (i * 1000) / LATENCY_RATE;
    if (due > now()) await sleep(due - now());
    const key = String(i);
    sent.set(key, now());
    await writer.call('XADD', stream, '*', 'i', key);
  }
  await listen;
  await writer.del(stream);
  reader.disconnect();
  writer.disconnect();
  return { eventsPerSecond, latencyMs: percentiles(latencies) };
}

async function postgresBaseline(): Promise<Figures> {
  const writer = await connect();
  const reader = await connect();
  await writer.query('DROP TABLE IF EXISTS public.bench_bare_log');
  await writer.query('CREATE TABLE public.bench_bare_log (position bigserial PRIMARY KEY, body jsonb NOT NULL)');
  // Throughput: batched INSERT of the same JSON, read back by position by one reader.
  let read = 0;
  let position = 0;
  let writing = true;
  const readAll = (async () => {
    while (read < THROUGHPUT_EVENTS) {
      const { rows } = await reader.query<{ position: string }>('SELECT position::text FROM public.bench_bare_log WHERE position > $1 ORDER BY position LIMIT 500', [position]);
      read += rows.length;
      if (rows.length > 0) position = Number(rows.at(-1)!.position);
      else if (writing) await sleep(1);
    }
  })();
  const started = now();
  for (let done = 0; done < THROUGHPUT_EVENTS; done += 500) {
    const n = Math.min(500, THROUGHPUT_EVENTS - done);
    await writer.query('INSERT INTO public.bench_bare_log (body) SELECT $1::jsonb FROM generate_series(1, $2)', [MESSAGE, n]);
  }
  writing = false;
  await readAll;
  const eventsPerSecond = Math.round(THROUGHPUT_EVENTS / ((now() - started) / 1000));
  // Latency: INSERT + NOTIFY in one transaction; a LISTEN connection receives it.
  const latencies: number[] = [];
  const sent = new Map<string, number>();
  await reader.query('LISTEN bench_bare');
  reader.on('notification', (n) => latencies.push(now() - sent.get(n.payload ?? '')!));
  const start = now();
  for (let i = 0; i < LATENCY_EVENTS; i++) {
    const due = start + (i * 1000) / LATENCY_RATE;
    if (due > now()) await sleep(due - now());
    await writer.query('BEGIN');
    await writer.query(`WITH ins AS (INSERT INTO public.bench_bare_log (body) VALUES ($1::jsonb) RETURNING position) SELECT pg_notify('bench_bare', $2) FROM ins`, [MESSAGE, String(i)]);
    sent.set(String(i), now());
    await writer.query('COMMIT');
  }
  while (latencies.length < LATENCY_EVENTS) await sleep(10);
  await writer.query('DROP TABLE public.bench_bare_log');
  await writer.end();
  await reader.end();
  return { eventsPerSecond, latencyMs: percentiles(latencies) };
}

async function main(): Promise<void> {
  await createDatabaseIfMissing(withDatabase(databaseUrl, 'postgres'), databaseNameOf(databaseUrl));
  await migrateIfPending(databaseUrl);
  console.log(`event bench on ${databaseNameOf(databaseUrl)}: ${THROUGHPUT_EVENTS} events drained; ${LATENCY_EVENTS} events at ${LATENCY_RATE}/s for latency`);
  const rows: Row[] = [];
  for (const kind of ['postgres', 'redis'] as const) {
    const throughput = await pipelineThroughput(kind);
    const latency = await pipelineLatency(kind);
    const baseline = kind === 'redis' ? await redisBaseline() : await postgresBaseline();
    const row: Row = {
      kind,
      pipeline: { eventsPerSecond: throughput.eventsPerSecond, relayOnlyEventsPerSecond: throughput.relayOnlyEventsPerSecond, ...latency },
      baseline: { ...baseline, what: kind === 'redis' ? 'pipelined XADD read by XREAD; XADD -> blocked XREAD' : 'batched INSERT read by position; INSERT + NOTIFY -> LISTEN' },
    };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  writeReport(rows);
}

function writeReport(rows: Row[]): void {
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  const settings = { throughputEvents: THROUGHPUT_EVENTS, latencyEvents: LATENCY_EVENTS, latencyRatePerSecond: LATENCY_RATE };
  writeFileSync(path.join(dir, 'events.json'), `${JSON.stringify({ at, machine, settings, rows }, null, 2)}\n`);
  const lines = [
    `# Event backbone benchmark ${at}`,
    '',
    `${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}; writer, relay and consumer in one process, PostgreSQL and Redis on the same machine.`,
    `Throughput: ${THROUGHPUT_EVENTS.toLocaleString('en-US')} events committed to the outbox first, then drained by the relay to a durable group consumer.`,
    `Latency: ${LATENCY_EVENTS.toLocaleString('en-US')} single-event transactions at ${LATENCY_RATE}/s (the first ${WARMUP_EVENTS} not counted), from COMMIT sent to a broadcast subscription's handler.`,
    '',
    '| bus | outbox -> consumer events/s | relay publish events/s | baseline events/s | commit -> handler p50 / p99 ms | of which COMMIT ack p50 / p99 ms | baseline p50 / p99 ms | baseline |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.kind} | ${r.pipeline.eventsPerSecond} | ${r.pipeline.relayOnlyEventsPerSecond} | ${r.baseline.eventsPerSecond} | ${r.pipeline.latencyMs.p50} / ${r.pipeline.latencyMs.p99} | ${r.pipeline.commitAckMs.p50} / ${r.pipeline.commitAckMs.p99} | ${r.baseline.latencyMs.p50} / ${r.baseline.latencyMs.p99} | ${r.baseline.what} |`,
    ),
    '',
  ];
  writeFileSync(path.join(dir, 'events.md'), lines.join('\n'));
  console.log('\nwrote bench/results/events.md and events.json');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
