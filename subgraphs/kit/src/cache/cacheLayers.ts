import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { createCacheMetrics, type CacheMetrics } from './cacheMetrics.js';
import { CacheGeneration } from './cacheGeneration.js';
import { EntityCache, type CacheLayersDeps, type EntityCacheOptions, type L1Entry } from './entityCache.js';
import { InvalidationLog } from './invalidationLog.js';
import { LocalInvalidationBus, RedisInvalidationBus, type InvalidationBus } from './invalidationBus.js';

export interface CacheLayersOptions {
  redis?: Redis;
  logger: Logger;
  registry: Registry;
  /**
   * Separates deployments that share one Redis (keys and the eviction channel); the
   * database name by default, since cached rows are that database's rows.
   */
  namespace: string;
  /** false: every read goes to its loader's query (no L1, no L2). */
  enabled?: boolean;
  l1MaxEntries?: number;
  l1TtlMs?: number;
}

/** A service's caches: made once at boot, shared by every request's loaders. */
export class CacheLayers {
  readonly instanceId = randomUUID();
  readonly metrics: CacheMetrics;
  private readonly l1: LRUCache<string, L1Entry>;
  private readonly bus: InvalidationBus;
  private readonly invalidations = new InvalidationLog();
  private readonly generations = new Map<string, CacheGeneration>();

  constructor(private readonly options: CacheLayersOptions) {
    this.metrics = createCacheMetrics(options.registry);
    this.l1 = new LRUCache<string, L1Entry>({ max: options.l1MaxEntries ?? 20_000, ttl: options.l1TtlMs ?? 5_000 });
    this.bus = options.redis
      ? new RedisInvalidationBus(options.redis, `sg:${options.namespace}:cache:invalidate`, options.logger)
      : new LocalInvalidationBus();
    this.bus.subscribe((message) => {
      if (message.origin === this.instanceId) return;
      this.evictLocal(message.keys);
    });
  }

  entity<V>(options: EntityCacheOptions): EntityCache<V> {
    return new EntityCache<V>(this.deps, options);
  }

  /**
   * A generation counter for entries one write invalidates together (listings, trees). One
   * counter per name: every part of the service asking for a name shares it (which matters
   * without Redis, where the counter lives in this object).
   */
  generation(name: string): CacheGeneration {
    let generation = this.generations.get(name);
    if (!generation) this.generations.set(name, (generation = new CacheGeneration(this.deps, name)));
    return generation;
  }

  private get deps(): CacheLayersDeps {
    return {
      instanceId: this.instanceId,
      namespace: this.options.namespace,
      enabled: this.options.enabled ?? true,
      l1: this.l1,
      redis: this.options.redis,
      bus: this.bus,
      invalidations: this.invalidations,
      evictLocal: (keys) => this.evictLocal(keys),
      metrics: this.metrics,
      logger: this.options.logger,
    };
  }

  /**
   * Drops keys from this instance's L1 and remembers when, so a read that began before
   * cannot put the old value back nor share a load begun before the change.
   */
  private evictLocal(keys: readonly string[]): void {
    this.invalidations.record(keys);
    for (const key of keys) this.l1.delete(key);
  }

  /** Empties this instance's L1 (tests, and an operator's "drop caches"). */
  clearLocal(): void {
    this.l1.clear();
  }

  async close(): Promise<void> {
    await this.bus.close();
  }
}
