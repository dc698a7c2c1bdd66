import { Counter, Histogram, type Registry } from 'prom-client';
import { hitRatioGauge } from './hitRatioGauge.js';

/** Hits and misses per layer and type, Redis failures, and how big loader batches get. */
export interface CacheMetrics {
  lookups: Counter<'layer' | 'type' | 'result'>;
  redisErrors: Counter<'operation'>;
  batchSize: Histogram<'type'>;
}

export function createCacheMetrics(registry: Registry): CacheMetrics {
  const lookups = new Counter({
    name: 'cache_lookups_total',
    help: 'Cache lookups by layer (l1, l2), entity type and result (hit, miss, negative_hit)',
    labelNames: ['layer', 'type', 'result'] as const,
    registers: [registry],
  });
  hitRatioGauge(registry, {
    name: 'cache_hit_ratio',
    help: 'Share of cache lookups answered by the layer (hit or negative_hit) since start, by layer and entity type',
    lookups,
    resultLabel: 'result',
    labelNames: ['layer', 'type'],
    hits: ['hit', 'negative_hit'],
    counted: ['hit', 'negative_hit', 'miss'],
  });
  return {
    lookups,
    redisErrors: new Counter({
      name: 'cache_redis_errors_total',
      help: 'Redis cache operations that failed or timed out; reads fell through to PostgreSQL',
      labelNames: ['operation'],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'dataloader_batch_size',
      help: 'Keys per DataLoader batch by entity type',
      labelNames: ['type'],
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
  };
}
