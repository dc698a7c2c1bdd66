import type { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { decodeCacheValue, encodeCacheValue } from './cacheCodec.js';
import type { CacheMetrics } from './cacheMetrics.js';
import type { InvalidationBus } from './invalidationBus.js';
import type { InvalidationLog } from './invalidationLog.js';

export interface EntityCacheOptions {
  /** Entity type, part of the key and of the metrics labels, e.g. "product". */
  type: string;
  /** Bump when the cached shape changes: old entries are then never read. */
  version: number;
  /** Redis TTL; each write adds up to 10 % jitter so a warm-up does not expire all at once. */
  l2TtlSeconds: number;
  /** How long an id that does not exist is remembered as missing. */
  negativeTtlSeconds?: number;
}

/** Shared by every entity cache of a service: one L1, one Redis client, one bus. */
export interface CacheLayersDeps {
  instanceId: string;
  namespace: string;
  enabled: boolean;
  /** Short TTL: it bounds staleness if an eviction message is lost. */
  l1: LRUCache<string, L1Entry>;
  redis: Redis | undefined;
  bus: InvalidationBus;
  /** When keys were last invalidated here (locally or by a message): guards fills and shared loads. */
  invalidations: InvalidationLog;
  /** Drops keys from this instance's L1 and records the invalidation. */
  evictLocal(keys: readonly string[]): void;
  metrics: CacheMetrics;
  logger: Logger;
}

/** An L1 entry: a value, or null for "known not to exist". */
export interface L1Entry {
  value: unknown;
}

const NEGATIVE = '"__missing__"';
/** Written on invalidation instead of a delete, so a read that began before the write cannot refill the old value. */
const TOMBSTONE = '"__invalidated__"';
const TOMBSTONE_MS = 2_000;

/**
 * The cache path of one entity type: L1 in-process LRU -> L2 Redis (one MGET per batch)
 * -> the loader's own query for what is left, with concurrent misses of one key sharing
 * one load (single flight) and missing ids remembered (negative caching).
 */
/** A load other readers of the same key may share, unless the key changed after it began. */
interface Flight<V> {
  startedAt: number;
  value: Promise<V | null>;
}

export class EntityCache<V> {
  private readonly inFlight = new Map<string, Flight<V>>();
  private redisFailureLogged = false;

  constructor(
    private readonly layers: CacheLayersDeps,
    private readonly options: EntityCacheOptions,
  ) {}

  key(id: string): string {
    return `sg:${this.layers.namespace}:${this.options.type}:v${this.options.version}:${id}`;
  }

  /** Values for ids in order; null where the id has no row. `load` is called once with only what no layer had. */
  async getMany(ids: readonly string[], load: (missing: string[]) => Promise<Map<string, V>>): Promise<(V | null)[]> {
    const { l1, metrics } = this.layers;
    const type = this.options.type;
    metrics.batchSize.observe({ type }, ids.length);
    if (!this.layers.enabled) {
      const rows = await load([...new Set(ids)]);
      return ids.map((id) => rows.get(id) ?? null);
    }
    const results = new Map<string, V | null>();
    const startedAt = this.layers.invalidations.now();

    const afterL1: string[] = [];
    for (const id of new Set(ids)) {
      const entry = l1.get(this.key(id));
      if (entry) {
        metrics.lookups.inc({ layer: 'l1', type, result: entry.value === null ? 'negative_hit' : 'hit' });
        results.set(id, entry.value as V | null);
      } else {
        metrics.lookups.inc({ layer: 'l1', type, result: 'miss' });
        afterL1.push(id);
      }
    }

    const afterL2: string[] = [];
    if (afterL1.length > 0) {
      const cached = await this.readL2(afterL1);
      for (const [i, id] of afterL1.entries()) {
        const text = cached?.[i];
        if (text != null && text !== TOMBSTONE) {
          const value = text === NEGATIVE ? null : decodeCacheValue<V>(text);
          metrics.lookups.inc({ layer: 'l2', type, result: value === null ? 'negative_hit' : 'hit' });
          // Redis answered before a write's tombstone landed: use it for this read, keep it out of L1.
          if (!this.layers.invalidations.changedSince(this.key(id), startedAt)) l1.set(this.key(id), { value });
          results.set(id, value);
        } else {
          metrics.lookups.inc({ layer: 'l2', type, result: 'miss' });
          afterL2.push(id);
        }
      }
    }

    if (afterL2.length > 0) {
      for (const [id, value] of await this.loadOnce(afterL2, load, startedAt)) results.set(id, value);
    }
    return ids.map((id) => results.get(id) ?? null);
  }

  /**
   * Single flight: ids already being loaded wait for that load, unless they were
   * invalidated after it began (its answer may predate the write); the rest load together.
   */
  private async loadOnce(ids: string[], load: (missing: string[]) => Promise<Map<string, V>>, startedAt: number): Promise<Map<string, V | null>> {
    const { invalidations } = this.layers;
    const shared = new Map<string, Promise<V | null>>();
    const fresh: string[] = [];
    for (const id of ids) {
      const flight = this.inFlight.get(id);
      if (flight && !invalidations.changedSince(this.key(id), flight.startedAt)) shared.set(id, flight.value);
      else fresh.push(id);
    }
    const out = new Map<string, V | null>();
    if (fresh.length > 0) {
      const batch = load(fresh).then(async (rows) => {
        await this.fill(fresh, rows, startedAt);
        return rows;
      });
      for (const id of fresh) {
        const flight: Flight<V> = { startedAt, value: batch.then((rows) => rows.get(id) ?? null) };
        this.inFlight.set(id, flight);
        void flight.value
          .finally(() => {
            if (this.inFlight.get(id) === flight) this.inFlight.delete(id);
          })
          .catch(() => undefined);
      }
      const rows = await batch;
      for (const id of fresh) out.set(id, rows.get(id) ?? null);
    }
    for (const [id, value] of shared) out.set(id, await value);
    return out;
  }

  /** Fills L1 and L2 with what was loaded, except keys invalidated while the load ran. */
  private async fill(ids: string[], rows: Map<string, V>, startedAt: number): Promise<void> {
    const { l1, redis, invalidations } = this.layers;
    const pipeline = redis?.status === 'ready' ? redis.pipeline() : undefined;
    for (const id of ids) {
      const key = this.key(id);
      if (invalidations.changedSince(key, startedAt)) continue;
      const value = rows.get(id) ?? null;
      l1.set(key, { value });
      const ttl = value === null ? (this.options.negativeTtlSeconds ?? 30) : this.withJitter(this.options.l2TtlSeconds);
      // NX: never overwrite a tombstone a write on another instance left.
      pipeline?.set(key, value === null ? NEGATIVE : encodeCacheValue(value), 'EX', ttl, 'NX');
    }
    if (pipeline && pipeline.length > 0) await this.guardRedis('fill', () => pipeline.exec());
  }

  /** The invalidation clock now: note it before reading rows that will be handed to `prime`. */
  clock(): number {
    return this.layers.invalidations.now();
  }

  /**
   * Puts rows read by some other query (a listing read whole rows) into L1 and L2, so the
   * next read by id hits; rows whose id was invalidated since `readStartedAt` are left out.
   */
  async prime(rows: Map<string, V>, readStartedAt: number): Promise<void> {
    if (!this.layers.enabled || rows.size === 0) return;
    await this.fill([...rows.keys()], rows, readStartedAt);
  }

  /** Drops ids everywhere: this instance's L1 now, Redis now, other instances' L1 by message. */
  async invalidate(ids: readonly string[]): Promise<void> {
    const keys = ids.map((id) => this.key(id));
    this.layers.evictLocal(keys);
    const redis = this.layers.redis;
    if (redis?.status === 'ready') {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.set(key, TOMBSTONE, 'PX', TOMBSTONE_MS);
      await this.guardRedis('invalidate', () => pipeline.exec());
    }
    await this.layers.bus.publish({ origin: this.layers.instanceId, keys }).catch((err: unknown) => {
      this.layers.metrics.redisErrors.inc({ operation: 'publish' });
      this.layers.logger.warn({ err }, 'cache eviction broadcast failed; other instances expire it by L1 TTL');
    });
  }

  private async readL2(ids: string[]): Promise<(string | null)[] | undefined> {
    const redis = this.layers.redis;
    if (!redis) return undefined;
    // While the client reconnects, skip Redis at once rather than wait on a dead socket.
    if (redis.status !== 'ready') return this.guardRedis('mget', () => Promise.reject(new Error(`redis ${redis.status}`)));
    return this.guardRedis('mget', () => redis.mget(ids.map((id) => this.key(id))));
  }

  /** A Redis failure is a cache miss, never a failed request: count it, log it once per outage. */
  private async guardRedis<T>(operation: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await run();
      this.redisFailureLogged = false;
      return result;
    } catch (err) {
      this.layers.metrics.redisErrors.inc({ operation });
      if (!this.redisFailureLogged) {
        this.layers.logger.warn({ err: err instanceof Error ? err.message : String(err), operation }, 'redis cache unavailable, reading through to PostgreSQL');
        this.redisFailureLogged = true;
      }
      return undefined;
    }
  }

  private withJitter(seconds: number): number {
    return Math.max(1, Math.round(seconds * (1 + Math.random() * 0.1)));
  }
}
