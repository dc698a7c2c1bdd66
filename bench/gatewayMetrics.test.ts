import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { summariseMetrics } from './gatewayMetrics.js';

describe('summariseMetrics', () => {
  it('totals counters, counts histogram observations and reads gauges from a real registry page', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'gateway' });
    const fetches = new Histogram({ name: 'fetch_seconds', help: 'h', labelNames: ['subgraph'], registers: [registry] });
    const requests = new Counter({ name: 'requests_total', help: 'c', labelNames: ['result'], registers: [registry] });
    const open = new Gauge({ name: 'open_connections', help: 'g', registers: [registry] });
    fetches.observe({ subgraph: 'product' }, 0.01);
    fetches.observe({ subgraph: 'product' }, 0.02);
    fetches.observe({ subgraph: 'inventory' }, 0.5);
    requests.inc({ result: 'hit' }, 3);
    requests.inc({ result: 'miss' });
    open.set(7);
    expect(summariseMetrics(await registry.metrics())).toEqual([
      { name: 'fetch_seconds', type: 'histogram', series: 2, total: 3 },
      { name: 'open_connections', type: 'gauge', series: 1, total: 7 },
      { name: 'requests_total', type: 'counter', series: 2, total: 4 },
    ]);
  });
});
