// `npx tsx bench/analytics/busStages.ts` (under `flock /tmp/shopgraph-bench.lock`): the
// PostgreSQL bus of `npm run bench -- events` taken apart, stage by stage, on the same event
// mix, to find which stage limits the pipeline. STAGES=record,relay,explain,noop,ingest,pipeline
// (the default: all, in that order; relay needs record, the read stages need a filled log);
// STAGE_EVENTS=100000. Figures go to stdout only: they are for finding a limit, not for the
// README (the bench is).
//   record:   events committed to the three outboxes, no relay running
//   relay:    the three relays publish them to the log, no consumer
//   explain:  EXPLAIN ANALYZE of the consumer's read as the bus sends it, and its client round trip
//   noop:     a group reads the whole log with a handler that does nothing
//   ingest:   the analytics group (AnalyticsIngest) reads the whole log
//   pipeline: the bench's pipeline, printing outbox backlog, log and consumed counts each second,
//             then CPU seconds per PostgreSQL backend (by application name) and of this process
import { readFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { Registry } from 'prom-client';
import {
  DEFAULT_DATABASE_URL,
  createDatabase,
  createDatabaseIfMissing,
  createEventBus,
  createLogger,
  databaseNameOf,
  eventMetrics,
  migrateIfPending,
  OutboxRelay,
  withDatabase,
  type EventBus,
  type EventSource,
  type NewEvent,
} from '@shopgraph/kit';
import { ANALYTICS_TOPICS } from '../../subgraphs/recommendation/src/services/analytics/analyticsFacts.js';
import { AnalyticsIngest } from '../../subgraphs/recommendation/src/services/analytics/analyticsIngest.js';
import { READ_SQL } from '../../subgraphs/kit/src/events/postgresEventBus.js';
import { EVENT_MIX_SOURCES, newEvent, writeEventMix } from './analyticsEventsBench.js';
import { recordCommitted } from '../outboxOnClient.js';

const databaseUrl = process.env.BENCH_DATABASE_URL ?? withDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, 'shopgraph_bench_stages');
const EVENTS = Number(process.env.STAGE_EVENTS ?? 100_000);
const PIPELINE_SECONDS = Number(process.env.BENCH_DURATION ?? 8);
const STAGES = process.env.STAGES?.split(',') ?? ['record', 'relay', 'explain', 'noop', 'ingest', 'pipeline'];
const SOURCES = EVENT_MIX_SOURCES;
const TABLES = 'reco.analytics_fact, reco.product_daily_analytics, reco.product_seller, reco.outbox_event, cart.outbox_event, ordering.outbox_event, events.event_log, events.consumer_offset, events.dead_letter';
const PENDING = SOURCES.map((s) => `(SELECT count(*) FROM ${s}.outbox_event WHERE published_at IS NULL)`).join(' + ');
const logger = createLogger('bench-stages', 'warn');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const perSecond = (events: number, since: number) => Math.round(events / ((now() - since) / 1000));
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(', ');

async function connect(applicationName = 'bench-stages'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: applicationName });
  await client.connect();
  return client;
}

async function scalar(client: pg.Client, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ n: string | null }>(sql, values);
  return Number(rows[0]?.n ?? 0);
}

function startRelays(bus: EventBus, registry: Registry): OutboxRelay[] {
  return SOURCES.map((source) => {
    const relay = new OutboxRelay({ source, databaseUrl, bus, logger, metrics: eventMetrics(registry) });
    relay.start();
    return relay;
  });
}

/** Runs `work` with a PostgreSQL bus, closing it after. */
async function withBus<T>(work: (bus: EventBus, registry: Registry) => Promise<T>): Promise<T> {
  const registry = new Registry();
  const bus = createEventBus({ databaseUrl, logger, registry });
  try {
    return await work(bus, registry);
  } finally {
    await bus.close();
  }
}

async function waitForOffset(admin: pg.Client, group: string, position: number): Promise<void> {
  while ((await scalar(admin, 'SELECT position::text AS n FROM events.consumer_offset WHERE group_name = $1', [group])) < position) await sleep(10);
}

const stages: Record<string, (admin: pg.Client) => Promise<void>> = {
  async record(admin) {
    await admin.query(`TRUNCATE ${TABLES}`);
    const bySource = new Map<EventSource, NewEvent<'reco'>[]>();
    for (let i = 0; i < EVENTS; i++) {
      const { source, event } = newEvent(i);
      bySource.set(source, [...(bySource.get(source) ?? []), event as NewEvent<'reco'>]);
    }
    const started = now();
    for (const [source, events] of bySource) for (let i = 0; i < events.length; i += 500) await recordCommitted(admin, source as 'reco', events.slice(i, i + 500));
    console.log(`record: ${EVENTS} events into the outboxes, ${perSecond(EVENTS, started)}/s`);
  },

  async relay(admin) {
    await withBus(async (bus, registry) => {
      const started = now();
      const relays = startRelays(bus, registry);
      while ((await scalar(admin, `SELECT ${PENDING} AS n`)) > 0) await sleep(20);
      const logged = await scalar(admin, 'SELECT count(*) AS n FROM events.event_log');
      console.log(`relay alone (three relays, no consumer): ${logged} events in the log, ${perSecond(logged, started)}/s`);
      for (const relay of relays) await relay.stop();
    });
  },

  async explain(admin) {
    const topics = [...ANALYTICS_TOPICS];
    const first = await scalar(admin, 'SELECT min(position) - 1 AS n FROM events.event_log');
    const head = await scalar(admin, 'SELECT max(position) AS n FROM events.event_log');
    const reader = await connect();
    await reader.query('SET enable_bitmapscan TO off'); // as the subscription's session
    for (const at of [first, Math.floor((first + head) / 2)]) {
      const { rows } = await reader.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${READ_SQL}`, [at, topics, 1000, 10_000]);
      console.log(`READ_SQL after position ${at} of ${head}, 1,000 events:\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    }
    const reads = 20;
    const started = now();
    for (let i = 0; i < reads; i++) await reader.query(READ_SQL, [first + i * 1000, topics, 1000, 10_000]);
    console.log(`READ_SQL round trip in the client (rows parsed), 1,000 events: ${((now() - started) / reads).toFixed(1)} ms`);
    await reader.end();
  },

  async noop(admin) {
    await withBus(async (bus) => {
      await admin.query('DELETE FROM events.consumer_offset');
      const head = await scalar(admin, 'SELECT max(position) AS n FROM events.event_log');
      let handled = 0;
      const started = now();
      const subscription = bus.subscribe({ group: 'stage.noop', topics: ANALYTICS_TOPICS, batchSize: 1000, handler: () => void handled++, flush: async () => undefined });
      await waitForOffset(admin, 'stage.noop', head);
      console.log(`read + deliver to a no-op handler (batches of 1,000): ${handled} events, ${perSecond(handled, started)}/s`);
      await subscription.close();
    });
  },

  async ingest(admin) {
    await withBus(async (bus) => {
      await admin.query('DELETE FROM events.consumer_offset');
      await admin.query('TRUNCATE reco.analytics_fact, reco.product_daily_analytics, reco.product_seller');
      const database = createDatabase({ url: databaseUrl, poolSize: 4, logger });
      const head = await scalar(admin, 'SELECT max(position) AS n FROM events.event_log');
      const logged = await scalar(admin, 'SELECT count(*) AS n FROM events.event_log');
      const started = now();
      const subscription = new AnalyticsIngest(database.prisma).subscribe(bus, logger);
      await waitForOffset(admin, 'recommendation.analytics', head);
      console.log(`read + AnalyticsIngest (batches of 1,000): ${logged} events, ${perSecond(logged, started)}/s`);
      await subscription.close();
      await database.close();
    });
  },

  async pipeline(admin) {
    await admin.query(`TRUNCATE ${TABLES}`);
    await withBus(async (bus, registry) => {
      const database = createDatabase({ url: databaseUrl, poolSize: 4, logger });
      const relays = startRelays(bus, registry);
      const subscription = new AnalyticsIngest(database.prisma).subscribe(bus, logger);
      await subscription.ready;
      await sleep(500); // the relays take their locks
      const cpuBefore = process.cpuUsage();
      const started = now();
      const deadline = started + PIPELINE_SECONDS * 1000;
      let recorded = 0;
      let writing = true;
      const writers = SOURCES.map(async (source) => {
        const client = await connect(`writer:${source}`);
        await writeEventMix(client, source, deadline, (batch) => void (recorded += batch.length));
        await client.end();
      });
      void Promise.all(writers).then(() => (writing = false));
      // Backends' CPU ticks (utime + stime in /proc), the last seen of each, by application name.
      const ticks = new Map<number, { app: string; ticks: number }>();
      const sampleCpu = async () => {
        const { rows } = await admin.query<{ pid: number; app: string }>(
          `SELECT pid, coalesce(nullif(application_name, ''), backend_type) AS app FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
        );
        for (const { pid, app } of rows) {
          try {
            const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
            ticks.set(pid, { app, ticks: Number(fields[11]) + Number(fields[12]) });
          } catch {
            // the backend ended (or PostgreSQL runs elsewhere)
          }
        }
      };
      const consumed = `SELECT count(*) AS n FROM events.event_log WHERE position <= (SELECT position FROM events.consumer_offset WHERE group_name = 'recommendation.analytics')`;
      for (;;) {
        for (let i = 0; i < 4; i++) {
          await sleep(250);
          await sampleCpu();
        }
        const [pending, logged, done] = [await scalar(admin, `SELECT ${PENDING} AS n`), await scalar(admin, 'SELECT count(*) AS n FROM events.event_log'), await scalar(admin, consumed)];
        console.log(`t=${((now() - started) / 1000).toFixed(1)} s writing=${writing} recorded=${recorded} outbox backlog=${pending} logged=${logged} consumed=${done}`);
        if (!writing && done >= recorded) break;
      }
      console.log(`pipeline: ${recorded} events, sustained ${perSecond(recorded, started)}/s`);
      const byApp = new Map<string, number>();
      for (const { app, ticks: t } of ticks.values()) byApp.set(app, (byApp.get(app) ?? 0) + t);
      const ticksPerSecond = 100;
      console.log(`PostgreSQL CPU seconds by application: ${[...byApp].sort((a, b) => b[1] - a[1]).map(([app, t]) => `${app} ${(t / ticksPerSecond).toFixed(1)}`).join(', ')}`);
      const cpu = process.cpuUsage(cpuBefore);
      console.log(`this process's CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
      await subscription.close();
      for (const relay of relays) await relay.stop();
      await database.close();
    });
  },
};

await createDatabaseIfMissing(withDatabase(databaseUrl, 'postgres'), databaseNameOf(databaseUrl));
await migrateIfPending(databaseUrl);
const admin = await connect();
console.log(`[stages] ${databaseNameOf(databaseUrl)}, load average at start ${load()} (the machine may be shared)`);
for (const name of STAGES) {
  const stage = stages[name];
  if (!stage) throw new Error(`unknown stage ${name}: one of ${Object.keys(stages).join(', ')}`);
  await stage(admin);
}
console.log(`[stages] load average at end ${load()}`);
await admin.end();
