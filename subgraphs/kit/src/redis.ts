import { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import type { ReadinessCheck } from './readiness.js';

export type { Redis };

/**
 * A Redis client when REDIS_URL is set. Commands fail fast while Redis is down
 * (no offline queue) so callers fall back instead of piling up requests.
 */
export function createRedis(url: string, logger?: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // A cache answer later than this is worth less than a read from PostgreSQL.
    commandTimeout: 250,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger?.warn({ err: err.message }, 'redis unavailable');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger?.info('redis reconnected');
    down = false;
  });
  return redis;
}

/**
 * Resolves true once `redis` is connected and ready (at once when it already is), or false
 * when it is not within `timeoutMs` (no limit when omitted): for callers that need a live
 * connection before they start, where createRedis itself does not wait.
 */
export function redisReady(redis: Redis, timeoutMs?: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        redis.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
    }
  });
}

/** /ready's Redis entry: a PING answered. */
export function redisReadinessCheck(redis: Redis): ReadinessCheck {
  return { name: 'redis', check: async () => void (await redis.ping()) };
}
