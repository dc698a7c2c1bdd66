import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { hitRatioGauge } from './hitRatioGauge.js';

describe('hitRatioGauge', () => {
  it('reads hits over counted lookups per label set from the counter at scrape time, leaving other results out', async () => {
    const registry = new Registry();
    const lookups = new Counter({ name: 'lookups_total', help: 'l', labelNames: ['layer', 'type', 'result'] as const, registers: [registry] });
    const ratio = hitRatioGauge(registry, {
      name: 'hit_ratio',
      help: 'r',
      lookups,
      resultLabel: 'result',
      labelNames: ['layer', 'type'],
      hits: ['hit', 'negative_hit'],
      counted: ['hit', 'negative_hit', 'miss'],
    });
    lookups.inc({ layer: 'l1', type: 'product', result: 'hit' }, 6);
    lookups.inc({ layer: 'l1', type: 'product', result: 'negative_hit' }, 1);
    lookups.inc({ layer: 'l1', type: 'product', result: 'miss' }, 3);
    lookups.inc({ layer: 'l2', type: 'product', result: 'miss' }, 4);
    lookups.inc({ layer: 'l2', type: 'product', result: 'bypass' }, 100);
    const values = (await ratio.get()).values.map(({ labels, value }) => ({ labels, value }));
    expect(values).toEqual([
      { labels: { layer: 'l1', type: 'product' }, value: 0.7 },
      { labels: { layer: 'l2', type: 'product' }, value: 0 },
    ]);
    lookups.inc({ layer: 'l2', type: 'product', result: 'hit' }, 4);
    expect((await ratio.get()).values.find((v) => v.labels.layer === 'l2')?.value).toBe(0.5);
  });
});
