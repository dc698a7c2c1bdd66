import pg from 'pg';
import type { Logger } from '../logger.js';
import type { DomainEvent } from './domainEvent.js';
import { EventBusResetError, type EventBus } from './eventBus.js';
import type { EventMetrics } from './eventMetrics.js';
import { isoTimestamp, outboxChannel, outboxTable } from './outboxTable.js';
import type { EventSource } from './topics.js';
import { backoffDelay, Wakeup } from './waiting.js';

export interface OutboxRelayOptions {
  source: EventSource;
  databaseUrl: string;
  bus: EventBus;
  logger: Logger;
  metrics: EventMetrics;
  /** Events per publish. Default 500. */
  batchSize?: number;
  /** Safety net behind LISTEN/NOTIFY: an idle relay looks at the outbox (and the bus) this often. Default 5 s. */
  pollIntervalMs?: number;
  /** How often a standby instance tries to take the relay lock. Default 1 s. */
  lockRetryMs?: number;
  /** Published rows are deleted after this. Default 24 h. */
  retentionHours?: number;
  /** How often the leader prunes. Default 1 min. */
  pruneIntervalMs?: number;
  /** After the bus lost its data, events published this recently are published again. Default 60 min. */
  replayMinutes?: number;
}

interface OutboxRow {
  position: string;
  id: string;
  topic: string;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
  requestId: string | null;
  actor: string | null;
  occurredAt: string;
}

/**
 * Publishes one source's outbox to the event bus. Every instance of a subgraph runs one;
 * exactly one publishes at a time: the one holding a session advisory lock on its own
 * connection. It reads, publishes and marks on that same connection, so an instance that
 * lost the lock (its connection dropped) can no longer read or mark rows, and a standby
 * takes over as soon as PostgreSQL drops the dead session. (SKIP LOCKED batches would let
 * two instances publish neighbouring batches at once, out of order; keeping order would
 * mean locking the head of the outbox, a single publisher again.)
 *
 * Rows go out in position order and are marked published only after the bus accepted
 * them, so a crash in between publishes them again (consumers dedupe on the event id).
 * While the bus is down the relay retries with backoff; it is woken by the NOTIFY of each
 * recording transaction, with a slow poll as a safety net, and prunes published rows
 * after the retention period.
 */
export class OutboxRelay {
  readonly source: EventSource;
  private readonly table: string;
  private readonly wakeup = new Wakeup();
  private client: pg.Client | undefined;
  private leader = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private checkBus = true;
  private lastPrune = 0;
  private removeProbe: (() => void) | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.source = options.source;
    this.table = outboxTable(options.source);
  }

  /** True while this instance holds the source's relay lock. */
  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.removeProbe = this.options.metrics.probeOutbox(async () => {
      const client = this.client;
      if (!client || !this.leader) return [];
      const { rows } = await client.query<{ pending: number }>(`SELECT count(*)::int AS pending FROM ${this.table} WHERE published_at IS NULL`);
      return [{ labels: { source: this.source }, value: rows[0]!.pending }];
    });
    this.loop = this.run();
  }

  /** Finishes the batch in hand, releases the lock and the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeup.wake();
    await this.loop;
    this.loop = undefined;
    this.removeProbe?.();
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    let failures = 0;
    while (!this.stopping) {
      try {
        const client = this.client ?? (await this.connect());
        if (!this.leader) {
          if (!(await this.takeLock(client))) {
            await this.wakeup.wait(this.options.lockRetryMs ?? 1_000);
            continue;
          }
          logger.info({ source: this.source }, 'outbox relay publishing');
          this.checkBus = true;
        }
        const more = await this.publishOnce(client);
        if (failures > 0) logger.info({ source: this.source }, 'outbox relay recovered');
        failures = 0;
        if (!more) {
          const woken = await this.wakeup.wait(this.options.pollIntervalMs ?? 5_000);
          // The quiet tick also asks the bus whether it lost its data (Redis restarted).
          if (!woken) this.checkBus = true;
        }
      } catch (err) {
        if (err instanceof EventBusResetError) {
          this.checkBus = true;
          continue;
        }
        failures += 1;
        this.options.metrics.publishFailures.inc({ source: this.source });
        if (failures === 1) logger.warn({ err, source: this.source }, 'outbox relay failed; retrying with backoff');
        if (this.client && !(await this.alive(this.client))) await this.disconnect();
        if (!this.stopping) await this.wakeup.wait(backoffDelay(failures, 100, 10_000));
      }
    }
    await this.disconnect();
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: `shopgraph-relay:${this.source}`, keepAlive: true, connectionTimeoutMillis: 5_000, query_timeout: 30_000 });
    client.on('error', () => this.wakeup.wake()); // the connection broke: the next query fails and the loop reconnects
    client.on('notification', () => this.wakeup.wake());
    await client.connect();
    this.client = client;
    // This session only marks and prunes. A mark lost in a PostgreSQL crash just publishes
    // the rows again (consumers dedupe), so it need not wait for the WAL flush: the next
    // batch is not held up by an fsync.
    await client.query('SET synchronous_commit TO off');
    // With stale statistics (a backlog built up while the bus was down) the planner would
    // bitmap-scan every pending row and sort them for each batch; the partial index already
    // yields them in position order, 500 at a time.
    await client.query('SET enable_bitmapscan TO off');
    await client.query(`LISTEN ${outboxChannel(this.source)}`);
    return client;
  }

  private async alive(client: pg.Client): Promise<boolean> {
    try {
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.setLeader(false);
    await client?.end().catch(() => undefined);
  }

  private setLeader(leader: boolean): void {
    this.leader = leader;
    this.options.metrics.relayLeader.set({ source: this.source }, leader ? 1 : 0);
  }

  private async takeLock(client: pg.Client): Promise<boolean> {
    const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended('shopgraph.outbox.relay:' || $1, 0)) AS locked`, [this.source]);
    this.setLeader(rows[0]!.locked);
    return this.leader;
  }

  /** One batch; true when there may be more right away. */
  private async publishOnce(client: pg.Client): Promise<boolean> {
    const { bus, metrics } = this.options;
    await this.pruneIfDue(client); // also while the bus is down: retention is kept by the outbox, not the bus
    if (this.checkBus) {
      this.checkBus = false;
      if (await bus.needsRestore(this.source)) await this.restore(client);
    }
    const batchSize = this.options.batchSize ?? 500;
    const { rows } = await client.query<OutboxRow>(`${this.selectRows()} WHERE o.published_at IS NULL ORDER BY o.position LIMIT $1`, [batchSize]);
    if (rows.length > 0) {
      const events = rows.map((r) => this.toEvent(r));
      try {
        await bus.publish(this.source, events);
      } catch (err) {
        if (!(err instanceof EventBusResetError)) {
          await client
            .query(`UPDATE ${this.table} SET attempts = attempts + 1, last_error = $2 WHERE position = ANY($1::bigint[])`, [
              rows.map((r) => r.position),
              err instanceof Error ? err.message : String(err),
            ])
            .catch(() => undefined);
        }
        throw err;
      }
      // Only what was in this batch: a row that committed late with a smaller position is still unpublished.
      await client.query(`UPDATE ${this.table} SET published_at = clock_timestamp() WHERE position = ANY($1::bigint[])`, [rows.map((r) => r.position)]);
      const now = Date.now();
      for (const event of events) {
        metrics.published.inc({ source: this.source, topic: event.topic });
        metrics.publishLag.observe({ source: this.source }, Math.max(0, now - Date.parse(event.occurredAt)) / 1000);
      }
    }
    return rows.length === batchSize;
  }

  /**
   * The bus lost its data (Redis restarted empty): publish again, oldest first, what was
   * published within the replay window, before anything newer. Unpublished rows follow
   * through the normal path.
   */
  private async restore(client: pg.Client): Promise<void> {
    const minutes = this.options.replayMinutes ?? 60;
    const select = this.selectRows();
    const toEvent = (row: OutboxRow) => this.toEvent(row);
    async function* recent(): AsyncGenerator<DomainEvent[]> {
      let after = '0';
      for (;;) {
        const { rows } = await client.query<OutboxRow>(
          `${select} WHERE o.position > $1 AND o.published_at >= clock_timestamp() - $2 * interval '1 minute' ORDER BY o.position LIMIT 500`,
          [after, minutes],
        );
        if (rows.length === 0) return;
        yield rows.map(toEvent);
        after = rows.at(-1)!.position;
      }
    }
    const count = await this.options.bus.restore(this.source, recent());
    this.options.metrics.replayed.inc({ source: this.source }, count);
    // A first start on an empty Redis looks the same; only a real loss is worth a warning.
    const level = count > 0 ? 'warn' : 'info';
    this.options.logger[level]({ source: this.source, events: count, windowMinutes: minutes }, 'event bus held none of this source\'s events: republished the recent ones');
  }

  private async pruneIfDue(client: pg.Client): Promise<void> {
    if (Date.now() - this.lastPrune < (this.options.pruneIntervalMs ?? 60_000)) return;
    this.lastPrune = Date.now();
    const hours = this.options.retentionHours ?? 24;
    for (let round = 0; round < 20; round++) {
      const { rowCount } = await client.query(
        `DELETE FROM ${this.table} WHERE position IN (
           SELECT position FROM ${this.table} WHERE published_at < clock_timestamp() - $1 * interval '1 hour' LIMIT 5000)`,
        [hours],
      );
      if ((rowCount ?? 0) < 5000) return;
    }
  }

  /** Rows as events; callers order by `o.position` (the bigint, not the text column of the same name). */
  private selectRows(): string {
    return `SELECT o.position::text AS position, o.event_id::text AS id, o.topic, o.aggregate_type AS "aggregateType", o.aggregate_id AS "aggregateId",
                   o.payload, o.request_id AS "requestId", o.actor, ${isoTimestamp('o.occurred_at')} AS "occurredAt"
            FROM ${this.table} o`;
  }

  private toEvent(row: OutboxRow): DomainEvent {
    const { position, requestId, actor, ...rest } = row;
    return {
      ...rest,
      source: this.source,
      sequence: Number(position),
      ...(requestId !== null && { requestId }),
      ...(actor !== null && { actor }),
    } as DomainEvent;
  }
}
