import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
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

/** One count to take a point from: a limiter and the key it counts under. */
export interface RateLimitedCount {
  limiter: RateLimiterAbstract;
  key: string;
}

/**
 * Takes a point from every count at once (each one atomic, so concurrent callers cannot slip
 * past a limit together). Resolves to the longest wait in ms when any count is used up, or
 * null. A count that cannot answer at all (Redis and its insurance limiter both failing) goes
 * to `onUnavailable` and does not refuse: an outage should not lock every caller out.
 */
export async function consumeEach(counts: readonly RateLimitedCount[], onUnavailable: (err: unknown) => void): Promise<number | null> {
  const results = await Promise.allSettled(counts.map(({ limiter, key }) => limiter.consume(key)));
  let longestWait: number | null = null;
  for (const result of results) {
    if (result.status === 'fulfilled') continue;
    if (result.reason instanceof RateLimiterRes) longestWait = Math.max(longestWait ?? 0, result.reason.msBeforeNext);
    else onUnavailable(result.reason);
  }
  return longestWait;
}

/** Whole seconds to tell a refused caller (extensions.retryAfter): at least 1. */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}
