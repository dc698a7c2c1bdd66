import { randomInt } from 'node:crypto';
import type { CacheLayersDeps } from './entityCache.js';

/**
 * A generation number for a family of cache entries that one write can make wrong all at
 * once (product listings after a price change, the category tree after a move). Entries
 * carry the generation in their key; a write bumps it, so every old entry becomes
 * unreachable at once and simply expires. Read from L1 (short TTL, evicted by the same
 * broadcast as entities), then Redis; without Redis it lives in this process, which is
 * then the only instance.
 */
export class CacheGeneration {
  private local = randomInt(1, 2 ** 31);

  constructor(
    private readonly layers: CacheLayersDeps,
    readonly name: string,
  ) {}

  private get key(): string {
    return `sg:${this.layers.namespace}:generation:${this.name}`;
  }

  /** The current generation, or undefined when it cannot be known (Redis failing): then do not cache. */
  async current(): Promise<number | undefined> {
    const { l1, redis } = this.layers;
    if (!redis) return this.local;
    const cached = l1.get(this.key);
    if (cached) return cached.value as number;
    const startedAt = this.layers.invalidations.now();
    if (redis.status !== 'ready') return undefined;
    try {
      let value = Number(await redis.get(this.key));
      if (!value) {
        // First use, or Redis lost its data: start somewhere no old entry can be.
        await redis.set(this.key, randomInt(1, 2 ** 31), 'NX');
        value = Number(await redis.get(this.key));
      }
      if (!this.layers.invalidations.changedSince(this.key, startedAt)) l1.set(this.key, { value });
      return value;
    } catch (err) {
      this.layers.metrics.redisErrors.inc({ operation: 'generation' });
      this.layers.logger.debug({ err, generation: this.name }, 'cache generation unreadable; not caching');
      return undefined;
    }
  }

  /** After a write: every entry of the old generation is unreachable here now, elsewhere within a broadcast. */
  async bump(): Promise<void> {
    const { redis } = this.layers;
    this.local += 1;
    if (redis) {
      try {
        await redis.incr(this.key);
      } catch (err) {
        // L1 entries elsewhere expire by TTL; Redis entries of this generation would be
        // read again only if the counter is read back unchanged, which needs Redis working.
        this.layers.metrics.redisErrors.inc({ operation: 'generation' });
        this.layers.logger.warn({ err, generation: this.name }, 'cache generation bump failed');
      }
    }
    this.layers.evictLocal([this.key]);
    await this.layers.bus.publish({ origin: this.layers.instanceId, keys: [this.key] }).catch((err: unknown) => {
      this.layers.metrics.redisErrors.inc({ operation: 'publish' });
      this.layers.logger.warn({ err }, 'cache eviction broadcast failed; other instances expire it by L1 TTL');
    });
  }
}
