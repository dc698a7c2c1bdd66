import { afterEach, describe, expect, it } from 'vitest';
import { createRedis, redisReady, type Redis } from './redis.js';
import { freePort } from './testing/redisServer.js';

const opened: Redis[] = [];
afterEach(() => {
  for (const redis of opened.splice(0)) redis.disconnect();
});
const client = (url: string) => {
  const redis = createRedis(url);
  opened.push(redis);
  return redis;
};

describe('redisReady', () => {
  it('resolves true once the client is ready, and at once when it already is', async () => {
    const redis = client(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    expect(await redisReady(redis)).toBe(true);
    expect(redis.status).toBe('ready');
    expect(await redisReady(redis, 0)).toBe(true);
  });

  it('resolves false after the timeout when nothing answers, leaving no listener behind', async () => {
    const redis = client(`redis://127.0.0.1:${await freePort()}`);
    const listeners = redis.listenerCount('ready');
    expect(await redisReady(redis, 300)).toBe(false);
    expect(redis.status).not.toBe('ready');
    expect(redis.listenerCount('ready')).toBe(listeners);
  });
});
