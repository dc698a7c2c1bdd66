import pg from 'pg';
import type { Logger } from '../logger.js';
import type { ReadinessCheck } from '../readiness.js';
import type { DomainEvent } from './domainEvent.js';
import { subscriptionName, untypedOptions, type DeadLetter, type EventBus, type SubscribeOptions, type Subscription } from './eventBus.js';
import { EventDelivery, type DeadLetterRecord } from './eventDelivery.js';
import type { EventMetrics } from './eventMetrics.js';
import { isoTimestamp } from './outboxTable.js';
import type { EventSource, TopicName } from './topics.js';
import { backoffDelay, Wakeup } from './waiting.js';

export interface PostgresEventBusOptions {
  databaseUrl: string;
  logger: Logger;
  metrics: EventMetrics;
  /** Log entries older than this are pruned (a group stopped for longer misses them). Default 24. */
  retentionHours?: number;
  /** Safety net behind NOTIFY: how often an idle subscription looks at the log anyway. Default 5 s. */
  pollIntervalMs?: number;
  /** How often a standby group consumer tries to take over. Default 1 s. */
  lockRetryMs?: number;
  /** How often publishing also prunes the log. Default 10 min. */
  pruneIntervalMs?: number;
}

const CHANNEL = 'shopgraph_events';

/**
 * One statement, run on its own (autocommit): the transaction-scoped advisory lock is taken
 * before any row is produced for the INSERT (the join needs the lock's row first), so
 * appenders take log positions one transaction at a time and commit in position order. A
 * reader that follows the log by position therefore never skips a row that commits late.
 * An event already in the log (a relay republishing after a crash) is skipped. NOTIFY is
 * delivered at commit. jsonb_to_recordset types each row in one pass (a fifth cheaper per
 * append than ten ->> extractions from jsonb_array_elements).
 */
const APPEND_SQL = `
WITH serial AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtextextended('shopgraph.events.append', 0))),
ins AS (
  INSERT INTO events.event_log (event_id, source, sequence, topic, aggregate_type, aggregate_id, payload, request_id, actor, occurred_at)
  SELECT e.id, e.source, e.sequence, e.topic, e."aggregateType", e."aggregateId", e.payload, e."requestId", e.actor, e."occurredAt"
  FROM serial, ROWS FROM (jsonb_to_recordset($1::jsonb) AS (id uuid, source text, sequence bigint, topic text, "aggregateType" text, "aggregateId" text,
                                                              payload jsonb, "requestId" text, actor text, "occurredAt" timestamptz))
       WITH ORDINALITY AS e(id, source, sequence, topic, "aggregateType", "aggregateId", payload, "requestId", actor, "occurredAt", n)
  ORDER BY e.n
  ON CONFLICT (event_id) DO NOTHING
  RETURNING position
)
SELECT (SELECT count(*) FROM ins)::int AS appended, pg_notify('${CHANNEL}', '')::text AS notified`;

/**
 * The next events after a position, and the log's head in the same snapshot: since appends
 * commit in position order, every entry up to the head is visible. The read looks at most
 * $4 log positions past the first entry after $1 (up to `upto`), so a read costs the same
 * however long the backlog: without that bound, a planner with stale statistics on a
 * fast-growing log (every burst) bitmap-scanned the WHOLE backlog and sorted it for each batch
 * (~100 ms per 1,000 events on a 100k backlog). A reader that got fewer than it asked for has
 * handled everything up to `upto` and may move there; there is more to read while `upto` < head.
 */
export const READ_SQL = `
WITH head AS (SELECT coalesce(max(position), 0) AS position FROM events.event_log),
scan AS (
  SELECT least(head.position, coalesce((SELECT min(position) FROM events.event_log WHERE position > $1), head.position + 1) - 1 + $4) AS upto FROM head
),
batch AS (
  SELECT l.position AS pos, l.event_id::text AS id, l.topic, l.source, l.sequence::float8 AS sequence,
         l.aggregate_type AS "aggregateType", l.aggregate_id AS "aggregateId", l.payload,
         l.request_id AS "requestId", l.actor, ${isoTimestamp('l.occurred_at')} AS "occurredAt"
  FROM events.event_log l
  WHERE l.position > $1 AND l.position <= (SELECT upto FROM scan) AND l.topic = ANY($2::text[])
  ORDER BY l.position
  LIMIT $3
)
SELECT head.position::text AS head, scan.upto::text AS upto, batch.pos::text AS position, batch.*
FROM head CROSS JOIN scan LEFT JOIN batch ON true ORDER BY batch.pos`;

/** Log positions one read may look through, per event asked for (a subscription to rare topics skips the rest). */
const SCAN_POSITIONS_PER_EVENT = 10;
/** ...and at least this many, so a small batch still steps quickly over other topics' events. */
export const MIN_SCAN_POSITIONS = 10_000;

interface LogRow {
  head: string;
  upto: string;
  position: string | null;
  pos: string | null;
  id: string;
  topic: string;
  source: string;
  sequence: number;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
  requestId: string | null;
  actor: string | null;
  occurredAt: string;
}

function toEvent(row: LogRow): DomainEvent {
  const { head: _head, upto: _upto, position: _position, pos: _pos, requestId, actor, ...rest } = row;
  return { ...rest, ...(requestId !== null && { requestId }), ...(actor !== null && { actor }) } as DomainEvent;
}

/**
 * The event bus of the embedded default (no Redis): an append-only log in the `events`
 * schema, NOTIFY to wake readers, durable group offsets in `events.consumer_offset`. Each
 * subscription holds one connection of its own (LISTEN, and for a group the advisory lock
 * that makes one consumer of the group active at a time; the others stand by and take over
 * as soon as its connection drops).
 */
export class PostgresEventBus implements EventBus {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly subscriptions = new Set<PostgresSubscription>();
  private lastPrune = 0;
  readonly readiness: ReadinessCheck;

  constructor(private readonly options: PostgresEventBusOptions) {
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 5_000, application_name: 'shopgraph-events' });
    this.pool.on('error', () => undefined); // an idle client lost: the next query reports it
    this.readiness = { name: 'events', check: async () => void (await this.pool.query('SELECT 1')) };
  }

  async publish(_source: EventSource, events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.pool.query(APPEND_SQL, [JSON.stringify(events)]);
    if (Date.now() - this.lastPrune >= (this.options.pruneIntervalMs ?? 10 * 60_000)) {
      this.lastPrune = Date.now();
      void this.prune().catch((err: unknown) => this.options.logger.warn({ err }, 'event log pruning failed'));
    }
  }

  /** The log is the store: nothing is lost when a process restarts. */
  async needsRestore(): Promise<boolean> {
    return false;
  }

  async restore(): Promise<number> {
    return 0;
  }

  subscribe<T extends TopicName>(options: SubscribeOptions<T>): Subscription {
    const subscription = new PostgresSubscription(this.options, this.pool, untypedOptions(options), (s) => this.subscriptions.delete(s), (record) => this.storeDeadLetter(subscriptionName(options), record));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async deadLetters(subscription: string, limit = 100): Promise<DeadLetter[]> {
    const { rows } = await this.pool.query<DeadLetter>(
      `SELECT subscription, event_id AS "eventId", topic, event, error, attempts, ${isoTimestamp('dead_at')} AS "deadAt"
       FROM events.dead_letter WHERE subscription = $1 ORDER BY id DESC LIMIT $2`,
      [subscription, limit],
    );
    return rows;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.pool.end();
  }

  private async storeDeadLetter(subscription: string, record: DeadLetterRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO events.dead_letter (subscription, event_id, topic, event, error, attempts) VALUES ($1, $2, $3, $4::jsonb, $5, $6)',
      [subscription, record.eventId, record.topic, JSON.stringify(record.event), record.error, record.attempts],
    );
  }

  private async prune(): Promise<void> {
    const hours = this.options.retentionHours ?? 24;
    for (let round = 0; round < 20; round++) {
      const { rowCount } = await this.pool.query(
        `DELETE FROM events.event_log WHERE position IN (
           SELECT position FROM events.event_log WHERE appended_at < now() - $1 * interval '1 hour' ORDER BY position LIMIT 5000)`,
        [hours],
      );
      if ((rowCount ?? 0) < 5000) return;
    }
  }
}

/** One subscription on the PostgreSQL log, with its own connection. */
class PostgresSubscription implements Subscription {
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly delivery: EventDelivery;
  private readonly wakeup = new Wakeup();
  private readonly loop: Promise<void>;
  private readonly name: string;
  private readonly topics: string[];
  private client: pg.Client | undefined;
  private positioned = false;
  private leader = false;
  /** Log position this subscription has handled up to. */
  private position = 0;
  /** The next read, started while the last one was flushed, and the position it reads after. */
  private readAhead: { after: number; rows: Promise<LogRow[]> } | undefined;
  private closing = false;
  private removeLagProbe: () => void;

  constructor(
    private readonly bus: PostgresEventBusOptions,
    private readonly pool: pg.Pool,
    private readonly options: SubscribeOptions<TopicName>,
    private readonly onClosed: (s: PostgresSubscription) => void,
    deadLetter: (record: DeadLetterRecord) => Promise<void>,
  ) {
    this.name = subscriptionName(options);
    this.topics = [...new Set(options.topics)];
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.delivery = new EventDelivery({ subscription: this.name, options, metrics: bus.metrics, logger: bus.logger, deadLetter });
    this.removeLagProbe = bus.metrics.probeConsumerLag(async () => {
      if (!this.positioned || (options.group && !this.leader)) return [];
      const { rows } = await pool.query<{ lag: number }>('SELECT count(*)::int AS lag FROM events.event_log WHERE position > $1 AND topic = ANY($2::text[])', [
        this.position,
        this.topics,
      ]);
      return [{ labels: { subscription: this.name }, value: rows[0]!.lag }];
    });
    this.loop = this.run();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.delivery.interrupt();
    this.wakeup.wake();
    await this.loop;
    this.removeLagProbe();
    this.onClosed(this);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closing) {
      try {
        const client = this.client ?? (await this.connect());
        if (this.options.group && !this.leader) {
          if (!(await this.takeGroupLock(client))) {
            await this.wakeup.wait(this.bus.lockRetryMs ?? 1_000);
            continue;
          }
        }
        const more = await this.readOnce(client);
        failures = 0;
        if (!more) await this.wakeup.wait(this.bus.pollIntervalMs ?? 5_000);
      } catch (err) {
        failures += 1;
        if (failures === 1) this.bus.logger.warn({ err, subscription: this.name }, 'event subscription lost PostgreSQL; retrying');
        await this.disconnect();
        await this.wakeup.wait(backoffDelay(failures, 100, 5_000));
      }
    }
    await this.disconnect();
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.bus.databaseUrl, application_name: `shopgraph-events:${this.name}`, keepAlive: true, connectionTimeoutMillis: 5_000, query_timeout: 30_000 });
    client.on('error', () => {
      // The connection broke: the next query fails and the loop reconnects.
      this.wakeup.wake();
    });
    client.on('notification', () => this.wakeup.wake());
    await client.connect();
    this.client = client;
    // READ_SQL walks the primary key in order and stops at its LIMIT; with statistics that lag
    // behind a growing log the planner would rather bitmap-scan the whole range and sort it.
    await client.query('SET enable_bitmapscan TO off');
    await client.query(`LISTEN ${CHANNEL}`);
    if (!this.positioned) {
      if (this.options.group) {
        await client.query('INSERT INTO events.consumer_offset (group_name, position) VALUES ($1, 0) ON CONFLICT (group_name) DO NOTHING', [this.options.group]);
      } else {
        const { rows } = await client.query<{ head: string }>('SELECT coalesce(max(position), 0)::text AS head FROM events.event_log');
        this.position = Number(rows[0]!.head);
      }
      this.positioned = true;
      this.markReady();
    }
    return client;
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.leader = false;
    this.readAhead = undefined; // read on the connection going away
    await client?.end().catch(() => undefined);
  }

  /** One consumer of a group at a time: the lock lives as long as this connection. */
  private async takeGroupLock(client: pg.Client): Promise<boolean> {
    const { rows } = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(hashtextextended('shopgraph.events.group:' || $1, 0)) AS locked`,
      [this.options.group],
    );
    if (!rows[0]!.locked) return false;
    const offset = await client.query<{ position: string }>('SELECT position::text FROM events.consumer_offset WHERE group_name = $1', [this.options.group]);
    this.position = Number(offset.rows[0]?.position ?? 0);
    this.leader = true;
    return true;
  }

  /** Reads and handles one batch; true when there may be more right away. */
  private async readOnce(client: pg.Client): Promise<boolean> {
    const batchSize = this.options.batchSize ?? 100;
    const ahead = this.readAhead;
    this.readAhead = undefined;
    const rows = await (ahead?.after === this.position ? ahead.rows : this.read(client, this.position));
    const entries = rows.filter((r) => r.position !== null);
    let handledTo = this.position;
    let interrupted = false;
    for (const row of entries) {
      if ((await this.delivery.deliver(toEvent(row))) === 'interrupted') {
        interrupted = true;
        break;
      }
      handledTo = Number(row.position);
    }
    const full = entries.length === batchSize;
    // A full read means more to read: read it while a batch writer's flush writes this one.
    // Only a read from the position this batch is acknowledged at is used (not after a failed
    // flush); the log is append-only, so what it saw up to its head is still the log there.
    if (!interrupted && full) {
      const read = this.read(client, handledTo);
      read.catch(() => undefined); // a failure surfaces when it is used, or the connection is replaced
      this.readAhead = { after: handledTo, rows: read };
    }
    await this.delivery.flush();
    const upto = Number(rows[0]?.upto ?? 0);
    // Fewer than asked for: every entry of our topics up to `upto` was in this read.
    if (!interrupted && !full) handledTo = Math.max(handledTo, upto);
    if (handledTo !== this.position) {
      if (this.options.group) {
        await client.query('UPDATE events.consumer_offset SET position = $2, updated_at = now() WHERE group_name = $1', [this.options.group, handledTo]);
      }
      this.position = handledTo;
    }
    return !interrupted && (full || upto < Number(rows[0]?.head ?? 0));
  }

  private async read(client: pg.Client, after: number): Promise<LogRow[]> {
    const batchSize = this.options.batchSize ?? 100;
    const scanPositions = Math.max(MIN_SCAN_POSITIONS, batchSize * SCAN_POSITIONS_PER_EVENT);
    return (await client.query<LogRow>(READ_SQL, [after, this.topics, batchSize, scanPositions])).rows;
  }
}
