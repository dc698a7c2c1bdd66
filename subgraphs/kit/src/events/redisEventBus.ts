import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { ReadinessCheck } from '../readiness.js';
import type { DomainEvent } from './domainEvent.js';
import { EventBusResetError, subscriptionName, untypedOptions, type DeadLetter, type EventBus, type SubscribeOptions, type Subscription } from './eventBus.js';
import { EventDelivery, type DeadLetterRecord } from './eventDelivery.js';
import type { EventMetrics } from './eventMetrics.js';
import { sourceOfTopic, type EventSource, type TopicName } from './topics.js';
import { backoffDelay, Wakeup } from './waiting.js';

export interface RedisEventBusOptions {
  /** The service's client; the bus makes its own connections from it. */
  redis: Redis;
  /** Separates deployments sharing one Redis: the database name. */
  namespace: string;
  logger: Logger;
  metrics: EventMetrics;
  /** Approximate bound of each source's stream (XADD MAXLEN ~). Default 100,000. */
  streamMaxLen?: number;
  /** How long one XREAD / XREADGROUP blocks waiting for events. Default 2 s. */
  blockMs?: number;
}

/** A Lua script run by its SHA, loaded again when Redis has forgotten it (a restart). */
class LuaScript {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
  async run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Appends a batch only while the source's epoch marker exists. A Redis without persistence
 * that restarted has no marker: nothing is appended (-1) and the relay restores first, so
 * newer events can never overtake the ones the restart lost.
 */
const PUBLISH = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
for i = 2, #ARGV do
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i])
end
return #ARGV - 1`);

/**
 * One chunk of a restore. The first chunk stamps a token; later chunks go in only while the
 * token is still there (a second restart mid-restore aborts it); the last sets the marker.
 */
const RESTORE = new LuaScript(`
if ARGV[2] == '1' then
  redis.call('SET', KEYS[2], ARGV[1])
elseif redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return -1
end
for i = 5, #ARGV do
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'e', ARGV[i])
end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('DEL', KEYS[2])
end
return #ARGV - 4`);

type StreamEntry = [id: string, fields: string[] | null];
type StreamReply = Array<[key: string, entries: StreamEntry[]]> | null;

function fieldValue(fields: string[] | null, name: string): string | undefined {
  if (!fields) return undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/**
 * Redis Streams, one stream per source (`sg:<namespace>:events:<source>`), so one consumer
 * sees a source's events in publish order. Durable groups use XREADGROUP / XACK and claim
 * what a dead consumer left with XAUTOCLAIM; broadcast subscriptions XREAD from the end.
 */
export class RedisEventBus implements EventBus {
  readonly kind = 'redis' as const;
  readonly readiness: ReadinessCheck;
  private publisher: Redis | undefined;
  private readonly subscriptions = new Set<RedisSubscription>();
  private readonly maxLen: number;

  constructor(private readonly options: RedisEventBusOptions) {
    this.maxLen = options.streamMaxLen ?? 100_000;
    this.readiness = { name: 'events', check: async () => void (await this.connection().ping()) };
  }

  streamKey(source: EventSource): string {
    return `sg:${this.options.namespace}:events:${source}`;
  }

  private markerKey(source: EventSource): string {
    return `${this.streamKey(source)}:epoch`;
  }

  private deadKey(subscription: string): string {
    return `sg:${this.options.namespace}:events:dead:${subscription}`;
  }

  /** The bus's own non-blocking connection (publish, acknowledge, dead letters, probes). */
  connection(): Redis {
    if (!this.publisher) {
      const publisher = this.options.redis.duplicate({
        enableOfflineQueue: true,
        maxRetriesPerRequest: 1,
        commandTimeout: 5_000,
        connectionName: 'shopgraph-events',
      });
      publisher.on('error', () => undefined); // the service's client reports Redis outages
      this.publisher = publisher;
    }
    return this.publisher;
  }

  async publish(source: EventSource, events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    const added = await PUBLISH.run(this.connection(), [this.markerKey(source), this.streamKey(source)], [this.maxLen, ...events.map((e) => JSON.stringify(e))]);
    if (added === -1) throw new EventBusResetError(source);
  }

  async needsRestore(source: EventSource): Promise<boolean> {
    return (await this.connection().exists(this.markerKey(source))) === 0;
  }

  async restore(source: EventSource, recent: AsyncIterable<readonly DomainEvent[]>): Promise<number> {
    const token = randomUUID();
    const keys = [this.markerKey(source), `${this.streamKey(source)}:restoring`, this.streamKey(source)];
    let first = true;
    let count = 0;
    const chunk = async (events: readonly DomainEvent[], last: boolean) => {
      const added = await RESTORE.run(this.connection(), keys, [token, first ? '1' : '0', last ? '1' : '0', this.maxLen, ...events.map((e) => JSON.stringify(e))]);
      if (added === -1) throw new EventBusResetError(source);
      first = false;
      count += events.length;
    };
    for await (const events of recent) await chunk(events, false);
    await chunk([], true);
    return count;
  }

  subscribe<T extends TopicName>(options: SubscribeOptions<T>): Subscription {
    const name = subscriptionName(options);
    const subscription = new RedisSubscription({
      bus: this,
      options: untypedOptions(options),
      streams: [...new Set(options.topics.map((t) => this.streamKey(sourceOfTopic(t))))].sort(),
      connection: this.options.redis.duplicate({
        enableOfflineQueue: true,
        maxRetriesPerRequest: 1,
        commandTimeout: (this.options.blockMs ?? 2_000) + 5_000,
        connectionName: `shopgraph-events:${name}`,
      }),
      blockMs: this.options.blockMs ?? 2_000,
      logger: this.options.logger,
      metrics: this.options.metrics,
      deadLetter: (record) => this.storeDeadLetter(name, record),
      onClosed: (s) => this.subscriptions.delete(s),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async deadLetters(subscription: string, limit = 100): Promise<DeadLetter[]> {
    const entries = (await this.connection().call('XREVRANGE', this.deadKey(subscription), '+', '-', 'COUNT', limit)) as StreamEntry[];
    return entries.map(([, fields]) => JSON.parse(fieldValue(fields, 'd') ?? '{}') as DeadLetter);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.publisher?.disconnect();
    this.publisher = undefined;
  }

  private async storeDeadLetter(subscription: string, record: DeadLetterRecord): Promise<void> {
    const letter: DeadLetter = { subscription, ...record, deadAt: new Date().toISOString() };
    await this.connection().call('XADD', this.deadKey(subscription), 'MAXLEN', '~', 10_000, '*', 'd', JSON.stringify(letter));
  }
}

interface RedisSubscriptionOptions {
  bus: RedisEventBus;
  options: SubscribeOptions<TopicName>;
  streams: string[];
  connection: Redis;
  blockMs: number;
  logger: Logger;
  metrics: EventMetrics;
  deadLetter: (record: DeadLetterRecord) => Promise<void>;
  onClosed: (s: RedisSubscription) => void;
}

/** One subscription with its own (blocking) connection. */
class RedisSubscription implements Subscription {
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly delivery: EventDelivery;
  private readonly wakeup = new Wakeup();
  private readonly name: string;
  private readonly group: string | undefined;
  private readonly consumer = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly claimIdleMs: number;
  /** Broadcast: the last entry id seen in each stream. */
  private readonly lastIds = new Map<string, string>();
  private positioned = false;
  private closing = false;
  private lastClaim = 0;
  private clientId: number | undefined;
  private loopDone = false;
  private readonly loop: Promise<void>;
  private readonly removeLagProbe: () => void;

  constructor(private readonly o: RedisSubscriptionOptions) {
    this.name = subscriptionName(o.options);
    this.group = o.options.group;
    this.claimIdleMs = o.options.claimIdleMs ?? 30_000;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.delivery = new EventDelivery({ subscription: this.name, options: o.options, metrics: o.metrics, logger: o.logger, deadLetter: o.deadLetter });
    o.connection.on('error', () => undefined); // reported by the service's client; the loop retries
    o.connection.on('ready', () => (this.clientId = undefined));
    this.removeLagProbe = this.group
      ? o.metrics.probeConsumerLag(async () => {
          let lag = 0;
          for (const stream of o.streams) {
            const groups = (await o.bus.connection().call('XINFO', 'GROUPS', stream)) as unknown[][];
            for (const g of groups) {
              const info = new Map<string, unknown>();
              for (let i = 0; i + 1 < g.length; i += 2) info.set(String(g[i]), g[i + 1]);
              if (info.get('name') === this.group) lag += Number(info.get('lag') ?? 0);
            }
          }
          return [{ labels: { subscription: this.name }, value: lag }];
        })
      : () => undefined;
    this.loop = this.run().finally(() => (this.loopDone = true));
  }

  async close(): Promise<void> {
    this.closing = true;
    this.delivery.interrupt();
    this.wakeup.wake();
    // Cut a blocked XREAD short (it returns as if timed out); give up on it after 3 s.
    const deadline = Date.now() + 3_000;
    while (!this.loopDone && Date.now() < deadline) {
      if (this.clientId !== undefined) await this.o.bus.connection().client('UNBLOCK', this.clientId).catch(() => undefined);
      await Promise.race([this.loop, new Promise((r) => setTimeout(r, 50))]);
    }
    if (!this.loopDone) this.o.connection.disconnect();
    await this.loop;
    this.removeLagProbe();
    this.o.onClosed(this);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closing) {
      try {
        if (!this.positioned) await this.position();
        this.clientId ??= (await this.o.connection.client('ID'));
        if (this.group) await this.readGroup();
        else await this.readBroadcast();
        failures = 0;
      } catch (err) {
        if (this.closing) break;
        if (err instanceof Error && err.message.startsWith('NOGROUP')) {
          // Redis restarted empty: the group is gone. Make it again from the stream's start,
          // where the relay restores the recent events.
          await this.createGroups().catch(() => undefined);
          continue;
        }
        failures += 1;
        if (failures === 1) this.o.logger.warn({ err, subscription: this.name }, 'event subscription lost Redis; retrying');
        await this.wakeup.wait(backoffDelay(failures, 100, 5_000));
      }
    }
    if (this.group) await this.leaveGroup().catch(() => undefined);
    this.o.connection.disconnect();
  }

  private async position(): Promise<void> {
    if (this.group) {
      await this.createGroups();
    } else {
      for (const stream of this.o.streams) {
        const last = (await this.o.connection.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)) as StreamEntry[];
        this.lastIds.set(stream, last[0]?.[0] ?? '0-0');
      }
    }
    this.positioned = true;
    this.markReady();
  }

  /** A new group starts at the oldest entry the stream holds. */
  private async createGroups(): Promise<void> {
    for (const stream of this.o.streams) {
      try {
        await this.o.connection.call('XGROUP', 'CREATE', stream, this.group!, '0', 'MKSTREAM');
      } catch (err) {
        if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
      }
    }
  }

  /** On a clean stop, remove this consumer's name from the group if it holds nothing. */
  private async leaveGroup(): Promise<void> {
    const bus = this.o.bus.connection();
    for (const stream of this.o.streams) {
      const pending = (await bus.call('XPENDING', stream, this.group!, '-', '+', 1, this.consumer)) as unknown[];
      if (pending.length === 0) await bus.call('XGROUP', 'DELCONSUMER', stream, this.group!, this.consumer);
    }
  }

  private async readBroadcast(): Promise<void> {
    const streams = this.o.streams;
    const reply = (await this.o.connection.call(
      'XREAD',
      'COUNT',
      this.o.options.batchSize ?? 100,
      'BLOCK',
      this.o.blockMs,
      'STREAMS',
      ...streams,
      ...streams.map((s) => this.lastIds.get(s) ?? '0-0'),
    )) as StreamReply;
    // Positions move on only after the flush, so a failed flush reads the same entries again.
    const reached = new Map<string, string>();
    let interrupted = false;
    for (const [stream, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        if ((await this.deliver(fields, 0)) === 'interrupted') {
          interrupted = true;
          break;
        }
        reached.set(stream, id);
      }
      if (interrupted) break;
    }
    await this.delivery.flush();
    for (const [stream, id] of reached) this.lastIds.set(stream, id);
  }

  private async readGroup(): Promise<void> {
    if (Date.now() - this.lastClaim >= Math.max(50, this.claimIdleMs / 2)) {
      this.lastClaim = Date.now();
      await this.claimAbandoned();
    }
    const streams = this.o.streams;
    const reply = (await this.o.connection.call(
      'XREADGROUP',
      'GROUP',
      this.group!,
      this.consumer,
      'COUNT',
      this.o.options.batchSize ?? 100,
      'BLOCK',
      Math.min(this.o.blockMs, this.claimIdleMs),
      'STREAMS',
      ...streams,
      ...streams.map(() => '>'),
    )) as StreamReply;
    for (const [stream, entries] of reply ?? []) {
      if (!(await this.handleGroupEntries(stream, entries, () => 0))) return;
    }
  }

  /** Handles entries in order and acknowledges those done; false when interrupted. */
  private async handleGroupEntries(stream: string, entries: StreamEntry[], earlierDeliveries: (id: string) => number): Promise<boolean> {
    const done: string[] = [];
    let interrupted = false;
    for (const [id, fields] of entries) {
      if ((await this.deliver(fields, earlierDeliveries(id))) === 'interrupted') {
        interrupted = true;
        break;
      }
      done.push(id);
    }
    await this.delivery.flush();
    if (done.length > 0) await this.o.bus.connection().call('XACK', stream, this.group!, ...done);
    return !interrupted;
  }

  /** Takes over messages that another consumer read but never acknowledged (it died). */
  private async claimAbandoned(): Promise<void> {
    const count = this.o.options.batchSize ?? 100;
    for (const stream of this.o.streams) {
      let cursor = '0-0';
      for (let round = 0; round < 10 && !this.closing; round++) {
        const [next, entries] = (await this.o.connection.call('XAUTOCLAIM', stream, this.group!, this.consumer, this.claimIdleMs, cursor, 'COUNT', count)) as [
          string,
          StreamEntry[],
        ];
        if (entries.length > 0) {
          // Deliveries so far, counting this claim: the delivery limit applies across consumers.
          const pending = (await this.o.bus.connection().call('XPENDING', stream, this.group!, '-', '+', count, this.consumer)) as Array<[string, string, number, number]>;
          const deliveries = new Map(pending.map(([id, , , times]) => [id, Number(times)]));
          this.o.logger.info({ subscription: this.name, stream, claimed: entries.length }, 'claimed events a stopped consumer left unacknowledged');
          if (!(await this.handleGroupEntries(stream, entries, (id) => Math.max(0, (deliveries.get(id) ?? 1) - 1)))) return;
        }
        if (next === '0-0') break;
        cursor = next;
      }
    }
  }

  private deliver(fields: string[] | null, earlierDeliveries: number) {
    const text = fieldValue(fields, 'e');
    // An entry trimmed away while pending comes back without fields: nothing left to deliver.
    if (text === undefined) return Promise.resolve('skipped' as const);
    return this.delivery.deliver(text, earlierDeliveries);
  }
}
