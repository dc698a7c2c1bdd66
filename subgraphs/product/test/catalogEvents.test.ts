import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordEvents } from '@shopgraph/kit';
import { EventRecorder, eventually, useTestSubgraph, type SubgraphUnderTest } from '@shopgraph/kit/testing';
import { createProductSubgraph } from '../src/server.js';

/**
 * The boot wiring: a subgraph gets an event bus and a relay for its own schema's outbox,
 * started with the server; its /metrics and /ready report them. Once on the embedded
 * default's PostgreSQL bus, once on Redis.
 */
const onPostgres = useTestSubgraph(createProductSubgraph);
const onRedis = useTestSubgraph(createProductSubgraph, { redis: true });

describe.each([
  ['PostgreSQL', onPostgres, 'postgres'],
  ['Redis', onRedis, 'redis'],
] as Array<[string, SubgraphUnderTest, string]>)('product subgraph events on %s', (_name, subgraph, kind) => {
  it('publishes what a catalog transaction records, and reports it on /metrics and /ready', async () => {
    const { deps, url } = subgraph.running;
    expect(deps.events.kind).toBe(kind);
    expect(deps.relay.source).toBe('catalog');
    const recorder = await EventRecorder.start(deps.events, { topics: ['product.changed'] });
    try {
      const [product] = await subgraph.sql<{ id: string }>(`SELECT id::text FROM catalog.product ORDER BY sku LIMIT 1`);
      const [event] = await subgraph.database.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`UPDATE catalog.product SET name = name || ' (edited)' WHERE id = $1::uuid`, product!.id);
        return recordEvents(tx, 'catalog', [{ topic: 'product.changed', payload: { productId: product!.id, change: 'edited' } }], { requestId: randomUUID() });
      });
      await recorder.waitForIds([event!.id]);
      expect(recorder.events.find((e) => e.id === event!.id)).toMatchObject({ topic: 'product.changed', aggregateId: product!.id, payload: { change: 'edited' } });

      const base = url.replace(/\/graphql$/, '');
      await eventually(async () => (await (await fetch(`${base}/metrics`)).text()).includes('events_outbox_pending{source="catalog"'), 'the pending gauge');
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/events_published_total\{source="catalog",topic="product.changed",service="test"\} 1\b/);
      expect(metrics).toMatch(/events_relay_leader\{source="catalog",service="test"\} 1\b/);
      expect(metrics).toMatch(/events_outbox_pending\{source="catalog",service="test"\} 0\b/);
      expect(metrics).toMatch(/events_commit_to_publish_seconds_count\{service="test",source="catalog"\} 1\b/);
      const ready = (await (await fetch(`${base}/ready`)).json()) as { checks: Record<string, { ok: boolean }> };
      expect(ready.checks.events).toMatchObject({ ok: true });
    } finally {
      await recorder.close();
    }
  });
});
