import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Decimal } from '@prisma/client/runtime/client';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createLogger } from '../logger.js';
import { createRedis, redisReady } from '../redis.js';
import { decodeCacheValue, encodeCacheValue } from './cacheCodec.js';
import { CacheLayers } from './cacheLayers.js';

/** The machine's real Redis; each test uses its own entity type so keys never collide. */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger('cache-test', 'silent');
const opened: Array<{ close(): Promise<void> | void }> = [];

function layers(redis?: Redis) {
  const registry = new Registry();
  const caches = new CacheLayers({ logger, registry, namespace: 'cache-test', ...(redis && { redis }) });
  opened.push(caches);
  return { caches, registry };
}
async function connectedRedis(url = REDIS_URL): Promise<Redis> {
  const redis = createRedis(url, logger);
  opened.push({ close: () => redis.disconnect() });
  await redisReady(redis);
  return redis;
}
const uniqueType = () => `t${randomUUID().slice(0, 8)}`;
const rows = (ids: string[]) => new Map(ids.map((id) => [id, { id, price: new Decimal('19.90'), at: new Date('2026-01-02T03:04:05.000Z') }]));
type Row = ReturnType<typeof rows> extends Map<string, infer R> ? R : never;
async function counter(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric as { values?: Array<{ labels: Record<string, string>; value: number }> } | undefined)?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

describe('cache codec', () => {
  it('round-trips dates and decimals exactly', () => {
    const value = { price: new Decimal('0.10'), at: new Date('2026-11-22T09:00:00.123Z'), nested: [{ d: new Decimal('123456789012.34') }], text: '$t' };
    const back = decodeCacheValue<typeof value>(encodeCacheValue(value));
    expect(back.price.toFixed(2)).toBe('0.10');
    expect(Decimal.isDecimal(back.nested[0]!.d)).toBe(true);
    expect(back.at.toISOString()).toBe('2026-11-22T09:00:00.123Z');
    expect(back.text).toBe('$t');
  });
});

describe('cache generations', () => {
  it('are one counter per name, so a bump by one part of a service retires what another part cached (no Redis)', async () => {
    const { caches } = layers();
    const reader = caches.generation('listing');
    const writer = caches.generation('listing');
    const before = await reader.current();
    await writer.bump();
    expect(await reader.current()).not.toBe(before);
    expect(await caches.generation('other').current()).not.toBe(await reader.current());
  });
});

describe('entity cache on real Redis', () => {
  it('loads cold once per batch, then answers from L1, then from one Redis MGET', async () => {
    const redis = await connectedRedis();
    const { caches, registry } = layers(redis);
    const cache = caches.entity<Row>({ type: uniqueType(), version: 1, l2TtlSeconds: 60 });
    const load = vi.fn(async (ids: string[]) => rows(ids));
    const ids = Array.from({ length: 100 }, () => randomUUID());

    expect((await cache.getMany(ids, load)).every((r) => r !== null)).toBe(true);
    expect(load).toHaveBeenCalledTimes(1);
    expect(load.mock.calls[0]![0]).toHaveLength(100);

    const mget = vi.spyOn(redis, 'mget');
    await cache.getMany(ids, load);
    expect(load).toHaveBeenCalledTimes(1);
    expect(mget).not.toHaveBeenCalled(); // all from L1

    caches.clearLocal();
    const warm = await cache.getMany(ids, load);
    expect(load).toHaveBeenCalledTimes(1);
    expect(mget).toHaveBeenCalledTimes(1); // 100 keys, one round trip
    expect(warm[0]!.price.toFixed(2)).toBe('19.90');
    expect(await counter(registry, 'cache_lookups_total', { layer: 'l2', result: 'hit' })).toBe(100);
  });

  it('lets a burst of misses for one key cost one load (single flight)', async () => {
    const { caches } = layers(await connectedRedis());
    const cache = caches.entity<Row>({ type: uniqueType(), version: 1, l2TtlSeconds: 60 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load = vi.fn(async (ids: string[]) => {
      await gate;
      return rows(ids);
    });
    const id = randomUUID();
    const burst = Array.from({ length: 20 }, () => cache.getMany([id], load));
    await new Promise((r) => setTimeout(r, 20));
    release();
    const results = await Promise.all(burst);
    expect(load).toHaveBeenCalledTimes(1);
    expect(results.every(([r]) => r?.id === id)).toBe(true);
  });

  it('keeps a value loaded before a write out of L1 and Redis, and never shares that load with a later reader', async () => {
    const redis = await connectedRedis();
    const { caches } = layers(redis);
    const cache = caches.entity<{ v: number }>({ type: uniqueType(), version: 1, l2TtlSeconds: 60 });
    const id = randomUUID();
    let current = 1;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowLoad = vi.fn(async (ids: string[]) => {
      const seen = current; // the row as the slow read saw it, before the write
      await gate;
      return new Map(ids.map((i) => [i, { v: seen }]));
    });
    const before = cache.getMany([id], slowLoad);
    await new Promise((r) => setTimeout(r, 20));

    current = 2; // the write commits, then invalidates
    await cache.invalidate([id]);
    const freshLoad = vi.fn(async (ids: string[]) => new Map(ids.map((i) => [i, { v: current }])));
    // A reader after the write must not join the slow load begun before it.
    expect(await cache.getMany([id], freshLoad)).toEqual([{ v: 2 }]);
    expect(freshLoad).toHaveBeenCalledTimes(1);

    release();
    expect(await before).toEqual([{ v: 1 }]); // its own caller may see what it read
    caches.clearLocal();
    await new Promise((r) => setTimeout(r, 2_100)); // past the tombstone
    // Neither layer kept the old value: the next read is the fresh one (from Redis or Postgres).
    const afterLoad = vi.fn(async (ids: string[]) => new Map(ids.map((i) => [i, { v: current }])));
    expect(await cache.getMany([id], afterLoad)).toEqual([{ v: 2 }]);
  });

  it('remembers ids that do not exist (negative caching), also across instances through Redis', async () => {
    const redis = await connectedRedis();
    const type = uniqueType();
    const a = layers(redis).caches.entity<Row>({ type, version: 1, l2TtlSeconds: 60 });
    const b = layers(redis).caches.entity<Row>({ type, version: 1, l2TtlSeconds: 60 });
    const load = vi.fn(async () => new Map<string, Row>());
    const id = randomUUID();
    expect(await a.getMany([id], load)).toEqual([null]);
    expect(await a.getMany([id], load)).toEqual([null]);
    expect(await b.getMany([id], load)).toEqual([null]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('never reads entries written for another version of the shape', async () => {
    const redis = await connectedRedis();
    const type = uniqueType();
    const id = randomUUID();
    await layers(redis).caches.entity<Row>({ type, version: 1, l2TtlSeconds: 60 }).getMany([id], async (ids) => rows(ids));
    const load = vi.fn(async (ids: string[]) => rows(ids));
    await layers(redis).caches.entity<Row>({ type, version: 2, l2TtlSeconds: 60 }).getMany([id], load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('evicts another instance by broadcast (well before its L1 TTL), and the writer reads its own write at once', async () => {
    const type = uniqueType();
    const writer = layers(await connectedRedis()).caches.entity<{ v: number }>({ type, version: 1, l2TtlSeconds: 60 });
    const reader = layers(await connectedRedis()).caches.entity<{ v: number }>({ type, version: 1, l2TtlSeconds: 60 });
    await new Promise((r) => setTimeout(r, 100)); // subscriptions established
    const id = randomUUID();
    let current = 1;
    const load = async (ids: string[]) => new Map(ids.map((i) => [i, { v: current }]));
    expect((await reader.getMany([id], load))[0]).toEqual({ v: 1 });
    expect((await writer.getMany([id], load))[0]).toEqual({ v: 1 });

    current = 2; // the row changes in Postgres; the write path then invalidates
    await writer.invalidate([id]);
    expect((await writer.getMany([id], load))[0]).toEqual({ v: 2 });
    // The reader's L1 would hold v1 for 5 s; polling for at most 2 s proves the broadcast evicted
    // it (its latency is a bench figure: bench/results/cross-instance-eviction.json).
    let seen: { v: number } | null = null;
    for (let i = 0; i < 200 && seen?.v !== 2; i++) {
      seen = (await reader.getMany([id], load))[0] ?? null;
      if (seen?.v !== 2) await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen).toEqual({ v: 2 });
  });
});

describe('when Redis fails', () => {
  let server: ChildProcess | undefined;
  afterAll(() => server?.kill('SIGKILL'));

  async function freePort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    return port;
  }
  async function startRedis(port: number): Promise<ChildProcess> {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    for (let i = 0; i < 100; i++) {
      if (await probe.connect().then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    probe.disconnect();
    return child;
  }

  it('keeps answering from PostgreSQL while Redis is dead, counts it, and uses Redis again when it returns', async () => {
    const port = await freePort();
    server = await startRedis(port);
    const redis = await connectedRedis(`redis://127.0.0.1:${port}`);
    const { caches, registry } = layers(redis);
    const cache = caches.entity<Row>({ type: uniqueType(), version: 1, l2TtlSeconds: 60 });
    const load = vi.fn(async (ids: string[]) => rows(ids));
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await cache.getMany(ids, load);

    server.kill('SIGKILL'); // Redis dies mid-run
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 5; i++) {
      caches.clearLocal();
      const answer = await cache.getMany(ids, load);
      expect(answer.map((r) => r?.id)).toEqual(ids);
    }
    expect(load.mock.calls.length).toBeGreaterThanOrEqual(6);
    expect(await counter(registry, 'cache_redis_errors_total', {})).toBeGreaterThan(0);

    server = await startRedis(port); // Redis comes back (empty)
    for (let i = 0; i < 60 && redis.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(redis.status).toBe('ready');
    caches.clearLocal();
    await cache.getMany(ids, load); // refills Redis
    caches.clearLocal();
    const calls = load.mock.calls.length;
    await cache.getMany(ids, load);
    expect(load.mock.calls.length).toBe(calls); // served by Redis again
  }, 20_000);
});
