import type { Logger, Redis } from '@shopgraph/kit';

/**
 * Apollo Server's KeyValueCache for automatic persisted queries, in Redis, so every gateway
 * instance knows a query any of them registered. On the kit's ioredis client (no second
 * Redis library); a Redis error reads as a miss (the client then sends the full query) and
 * a failed write is only logged.
 */
export class RedisPersistedQueryCache {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly prefix = 'shopgraph:',
  ) {}

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(this.prefix + key)) ?? undefined;
    } catch (err) {
      this.logger.warn({ err }, 'persisted query read from Redis failed');
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    try {
      if (options?.ttl) await this.redis.set(this.prefix + key, value, 'EX', options.ttl);
      else await this.redis.set(this.prefix + key, value);
    } catch (err) {
      this.logger.warn({ err }, 'persisted query write to Redis failed');
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      return (await this.redis.del(this.prefix + key)) > 0;
    } catch {
      return false;
    }
  }
}
