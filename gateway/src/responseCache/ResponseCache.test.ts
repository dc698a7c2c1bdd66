import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger, createRedis, type Redis } from '@shopgraph/kit';
import { etagOf, type CachedResponse } from './cachedResponse.js';
import { ResponseCache } from './ResponseCache.js';

const logger = createLogger('response-cache-test', 'silent');
const clients: Redis[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

async function redis(): Promise<Redis> {
  const client = createRedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', logger);
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  clients.push(client);
  return client;
}
function entry(tags: string[], body = `{"data":{"n":"${randomUUID()}"}}`): CachedResponse {
  return { body, contentType: 'application/json', etag: etagOf(body), storedAt: Date.now(), maxAge: 60, tags };
}
const cacheOn = (r?: Redis, namespace = `rc-${randomUUID()}`) => new ResponseCache({ namespace, logger, registry: new Registry(), ...(r && { redis: r }) });

describe('ResponseCache', () => {
  it('does not store a response computed before one of its tags was evicted', async () => {
    const cache = cacheOn(await redis());
    const startedAt = cache.clock();
    await cache.evict(['Product:1']); // a write lands while the request is running
    expect(await cache.store('k', entry(['Product:1', 'ProductList']), startedAt)).toBe(false);
    expect(await cache.lookup('k')).toBeUndefined();
    expect(await cache.store('k', entry(['Product:1']), cache.clock())).toBe(true);
    expect(await cache.lookup('k')).toBeDefined();
  });

  it('evicts by tag locally and in Redis, leaving other tags alone', async () => {
    const r = await redis();
    const namespace = `rc-${randomUUID()}`;
    const a = cacheOn(r, namespace);
    const b = cacheOn(r, namespace); // a second gateway instance on the same Redis
    await a.store('p1', entry(['Product:1']), a.clock());
    await a.store('p2', entry(['Product:2']), a.clock());
    await a.store('both', entry(['Product:1', 'Product:2']), a.clock());
    expect(await b.lookup('p1')).toBeDefined(); // from Redis

    await a.evict(['Product:1']);
    b.clearLocal(); // b would evict its own copy on the same event; here only Redis is checked
    expect(await a.lookup('p1')).toBeUndefined();
    expect(await a.lookup('both')).toBeUndefined();
    expect(await b.lookup('p1')).toBeUndefined();
    expect(await b.lookup('both')).toBeUndefined();
    expect(await b.lookup('p2')).toBeDefined();
    expect(await r.exists(`sg:${namespace}:response-tag:Product:1`)).toBe(0);
  });

  it('serves and stores in process while Redis is unreachable', async () => {
    const dead = createRedis('redis://127.0.0.1:1', logger);
    clients.push(dead);
    const cache = cacheOn(dead);
    expect(await cache.lookup('x')).toBeUndefined();
    expect(await cache.store('x', entry(['Product:9']), cache.clock())).toBe(true);
    expect(await cache.lookup('x')).toBeDefined();
    await cache.evict(['Product:9']);
    expect(await cache.lookup('x')).toBeUndefined();
  });

  it('never serves an entry past its maxAge', async () => {
    const cache = cacheOn(await redis());
    await cache.store('old', { ...entry(['Product:3']), storedAt: Date.now() - 61_000 }, cache.clock());
    expect(await cache.lookup('old')).toBeUndefined();
  });
});
