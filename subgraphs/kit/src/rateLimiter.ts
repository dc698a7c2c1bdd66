import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from './redis.js';

export interface RateLimiterOptions {
  /** Shared counts across instances when given; this process's counts otherwise. */
  redis?: Redis | undefined;
  keyPrefix: string;
  points: number;
  /** Window in seconds. */
  duration: number;
}

/**
 * A fixed-window limiter (rate-limiter-flexible): in Redis when there is one, with an
 * in-memory insurance limiter that takes over at once while Redis is down or not yet
 * connected (an outage neither blocks every caller nor lifts the limit); in memory without Redis.
 */
export function createRateLimiter({ redis, ...options }: RateLimiterOptions): RateLimiterAbstract {
  const memory = new RateLimiterMemory(options);
  if (!redis) return memory;
  return new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory });
}
