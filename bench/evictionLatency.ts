import { performance } from 'node:perf_hooks';
import { createLogger, createRedis, RedisInvalidationBus, redisReady, type Redis } from '@shopgraph/kit';

export interface EvictionLatency {
  messages: number;
  /** Publish on one instance to the eviction handler running on another, milliseconds. */
  publishToEvictMs: { p50: number; p99: number; max: number };
  /** Baseline of the same run: one bare Redis PING round trip. */
  redisPingMs: { p50: number; p99: number };
}

function percentile(sorted: number[], p: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(3));
}

async function ready(redis: Redis): Promise<Redis> {
  await redisReady(redis);
  return redis;
}

/**
 * How soon another instance drops an entry after a write: two eviction buses on their own
 * Redis connections (two "instances"), one publishing, timed to the other's handler.
 */
export async function measureEvictionLatency(redisUrl: string, messages = 2_000): Promise<EvictionLatency> {
  const logger = createLogger('bench', 'warn');
  const writer = await ready(createRedis(redisUrl, logger));
  const reader = await ready(createRedis(redisUrl, logger));
  const channel = `sg:bench:evict:${process.pid}`;
  const sending = new RedisInvalidationBus(writer, channel, logger);
  const receiving = new RedisInvalidationBus(reader, channel, logger);
  try {
    const sentAt = new Map<string, number>();
    const delays: number[] = [];
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    receiving.subscribe((message) => {
      const key = message.keys[0]!;
      const at = sentAt.get(key);
      if (at !== undefined) delays.push(performance.now() - at);
      if (delays.length === messages) done();
    });
    await new Promise((r) => setTimeout(r, 200)); // subscription established
    for (let i = 0; i < messages; i++) {
      const key = `k${i}`;
      sentAt.set(key, performance.now());
      await sending.publish({ origin: 'bench', keys: [key] });
    }
    await all;
    const pings: number[] = [];
    for (let i = 0; i < messages; i++) {
      const at = performance.now();
      await writer.ping();
      pings.push(performance.now() - at);
    }
    delays.sort((a, b) => a - b);
    pings.sort((a, b) => a - b);
    return {
      messages,
      publishToEvictMs: { p50: percentile(delays, 50), p99: percentile(delays, 99), max: Number(delays.at(-1)!.toFixed(3)) },
      redisPingMs: { p50: percentile(pings, 50), p99: percentile(pings, 99) },
    };
  } finally {
    await sending.close();
    await receiving.close();
    writer.disconnect();
    reader.disconnect();
  }
}
