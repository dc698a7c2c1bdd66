import { LRUCache } from 'lru-cache';
import { Counter, Gauge, type Registry } from 'prom-client';
import { hitRatioGauge, InvalidationLog, type Logger, type Redis } from '@shopgraph/kit';
import { isFresh, type CachedResponse } from './cachedResponse.js';

export interface ResponseCacheOptions {
  /** Shared by every gateway instance when set; without it each instance caches alone. */
  redis?: Redis;
  /** Separates deployments sharing one Redis: the database name, as the subgraphs' caches do. */
  namespace: string;
  logger: Logger;
  registry: Registry;
  /** Bytes of response bodies kept in this process. */
  localMaxBytes?: number;
}

/**
 * Drops every key of the given tag sets and the sets themselves, atomically, so a
 * response stored concurrently is either evicted now or indexed in a fresh set.
 */
const EVICT_TAGS = `
local evicted = 0
for _, tagKey in ipairs(KEYS) do
  local members = redis.call('SMEMBERS', tagKey)
  for _, key in ipairs(members) do evicted = evicted + redis.call('DEL', key) end
  redis.call('DEL', tagKey)
end
return evicted`;

export type ResponseCacheLookup = 'hit' | 'miss' | 'bypass' | 'uncacheable';

/**
 * Whole GraphQL responses for callers without identity: an in-process LRU in front of
 * Redis, each entry indexed by the tags of the entities it shows. A write event names tags;
 * `evict` drops exactly the responses carrying one, here and in Redis.
 */
export class ResponseCache {
  private readonly local: LRUCache<string, CachedResponse>;
  /** tag -> keys of local entries showing it. */
  private readonly localByTag = new Map<string, Set<string>>();
  /** When each tag was last evicted: a response computed before that is not stored. */
  private readonly evictions = new InvalidationLog();
  private redisFailureLogged = false;
  readonly requests: Counter<'result'>;
  private readonly evicted: Counter<'layer'>;

  constructor(private readonly options: ResponseCacheOptions) {
    this.local = new LRUCache<string, CachedResponse>({
      maxSize: options.localMaxBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (entry) => entry.body.length + 200,
      ttlAutopurge: false,
      dispose: (entry, key) => this.unindex(key, entry.tags),
    });
    this.requests = new Counter({
      name: 'response_cache_requests_total',
      help: 'GraphQL requests at the gateway by response cache outcome (hit, miss, bypass: caller has an identity, uncacheable: mutation, error or private data)',
      labelNames: ['result'],
      registers: [options.registry],
    });
    hitRatioGauge(options.registry, {
      name: 'response_cache_hit_ratio',
      help: 'Share of cacheable requests (hit or miss) the gateway answered from its response cache since start',
      lookups: this.requests,
      resultLabel: 'result',
      labelNames: [],
      hits: ['hit'],
      counted: ['hit', 'miss'],
    });
    this.evicted = new Counter({
      name: 'response_cache_evictions_total',
      help: 'Cached responses evicted by write events, by layer',
      labelNames: ['layer'],
      registers: [options.registry],
    });
    const local = this.local;
    new Gauge({
      name: 'response_cache_local_entries',
      help: 'Responses held in this gateway process',
      registers: [options.registry],
      collect() {
        this.set(local.size);
      },
    });
  }

  private redisKey(key: string): string {
    return `sg:${this.options.namespace}:response:${key}`;
  }

  private tagKey(tag: string): string {
    return `sg:${this.options.namespace}:response-tag:${tag}`;
  }

  /** The eviction clock now: note it when a request starts, hand it to `store`. */
  clock(): number {
    return this.evictions.now();
  }

  async lookup(key: string): Promise<CachedResponse | undefined> {
    const now = Date.now();
    const local = this.local.get(key);
    if (local) {
      if (isFresh(local, now)) return local;
      this.local.delete(key);
    }
    const { redis } = this.options;
    if (!redis || redis.status !== 'ready') return undefined;
    const startedAt = this.clock();
    const text = await this.guardRedis(() => redis.get(this.redisKey(key)));
    if (!text) return undefined;
    const entry = JSON.parse(text) as CachedResponse;
    if (!isFresh(entry, now)) return undefined;
    if (!entry.tags.some((tag) => this.evictions.changedSince(tag, startedAt))) this.keepLocal(key, entry);
    return entry;
  }

  /**
   * Stores a response computed by a request that began at `startedAt`, unless one of its
   * tags was evicted since (it may show data older than that write).
   */
  async store(key: string, entry: CachedResponse, startedAt: number): Promise<boolean> {
    if (entry.tags.some((tag) => this.evictions.changedSince(tag, startedAt))) return false;
    this.keepLocal(key, entry);
    const { redis } = this.options;
    if (redis?.status === 'ready') {
      const pipeline = redis.pipeline();
      pipeline.set(this.redisKey(key), JSON.stringify(entry), 'EX', entry.maxAge);
      for (const tag of entry.tags) {
        pipeline.sadd(this.tagKey(tag), this.redisKey(key));
        // The index outlives its entries a little; an eviction of an expired key is harmless.
        pipeline.expire(this.tagKey(tag), entry.maxAge + 60, 'GT');
        pipeline.expire(this.tagKey(tag), entry.maxAge + 60, 'NX');
      }
      await this.guardRedis(() => pipeline.exec());
    }
    return true;
  }

  /** Evicts every response showing one of the tags, here and in Redis. Returns how many went. */
  async evict(tags: readonly string[]): Promise<number> {
    if (tags.length === 0) return 0;
    this.evictions.record(tags);
    let count = 0;
    for (const tag of tags) {
      for (const key of [...(this.localByTag.get(tag) ?? [])]) {
        if (this.local.delete(key)) count += 1;
      }
    }
    this.evicted.inc({ layer: 'local' }, count);
    const { redis } = this.options;
    if (redis?.status === 'ready') {
      const removed = await this.guardRedis(() => redis.eval(EVICT_TAGS, tags.length, ...tags.map((t) => this.tagKey(t))) as Promise<number>);
      if (typeof removed === 'number') this.evicted.inc({ layer: 'redis' }, removed);
    }
    return count;
  }

  /** Drops this process's entries (tests; an operator's "drop caches"). */
  clearLocal(): void {
    this.local.clear();
  }

  private keepLocal(key: string, entry: CachedResponse): void {
    this.local.set(key, entry, { ttl: Math.max(1, entry.maxAge * 1000 - (Date.now() - entry.storedAt)) });
    for (const tag of entry.tags) {
      let keys = this.localByTag.get(tag);
      if (!keys) this.localByTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.localByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.localByTag.delete(tag);
    }
  }

  /** Redis failing is a miss, never a failed request; logged once per outage. */
  private async guardRedis<T>(run: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await run();
      this.redisFailureLogged = false;
      return result;
    } catch (err) {
      if (!this.redisFailureLogged) {
        this.options.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'response cache: redis unavailable, serving without it');
        this.redisFailureLogged = true;
      }
      return undefined;
    }
  }
}
