import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { createLogger, eventMetrics, OutboxRelay, recordEvents } from '@shopgraph/kit';
import { eventually, type SubgraphUnderTest } from '@shopgraph/kit/testing';

/**
 * Orders as the order subgraph announces them, for product-subgraph tests: the events are
 * recorded in the ordering outbox of the test database and published by a real ordering
 * relay onto the subgraph's own bus, so the product subgraph learns purchases exactly as it
 * does in production (its durable consumer group), not from a shortcut.
 */
export interface OrderEvents {
  /** An order of these products; `then` are its later statuses (CONFIRMED: paid). Waits until the catalog applied them. */
  order(customerId: string, productIds: readonly string[], then?: readonly string[]): Promise<string>;
  /** A later status of an order; waits until the catalog applied it. */
  status(orderId: string, customerId: string, status: string, previous: string): Promise<void>;
  stop(): Promise<void>;
}

export function startOrderEvents(subgraph: SubgraphUnderTest): OrderEvents {
  const { running, sql } = subgraph;
  const relay = new OutboxRelay({
    source: 'ordering',
    databaseUrl: running.testDatabase.url,
    bus: running.deps.events,
    logger: createLogger('order-events', 'silent'),
    metrics: eventMetrics(new Registry()),
    pollIntervalMs: 100,
  });
  relay.start();

  /** The catalog applied an order's events once verified_purchase shows their effect. */
  const applied = (orderId: string, check: string) =>
    eventually(async () => (await sql(`SELECT 1 FROM catalog.verified_purchase WHERE order_id = $1 AND ${check}`, orderId)).length > 0, `the catalog to apply order ${orderId}`);

  async function status(orderId: string, customerId: string, to: string, previous: string): Promise<void> {
    await running.database.prisma.$transaction((tx) =>
      recordEvents(tx, 'ordering', [{ topic: 'order.status_changed', payload: { orderId, customerId, status: to, previousStatus: previous } }]),
    );
    if (to === 'CONFIRMED') await applied(orderId, 'confirmed_at IS NOT NULL');
    if (to === 'FAILED' || to === 'CANCELLED') await applied(orderId, 'withdrawn_at IS NOT NULL');
  }

  return {
    async order(customerId, productIds, then = ['CONFIRMED']) {
      const orderId = randomUUID();
      const lines = productIds.map((productId, i) => ({ productId, variantId: randomUUID(), sku: `SKU-${i}`, quantity: 1, unitPrice: '10.00' }));
      await running.database.prisma.$transaction((tx) =>
        recordEvents(tx, 'ordering', [
          { topic: 'order.placed', payload: { orderId, customerId, placedAt: new Date().toISOString(), currency: 'USD', grandTotal: `${10 * lines.length}.00`, lines } },
        ]),
      );
      await applied(orderId, 'true');
      let previous = 'PENDING';
      for (const next of then) {
        await status(orderId, customerId, next, previous);
        previous = next;
      }
      return orderId;
    },
    status,
    stop: () => relay.stop(),
  };
}

/** Active products of the seeded store, by sku, to review. */
export async function activeProducts(subgraph: SubgraphUnderTest, count: number, offset = 0): Promise<string[]> {
  const rows = await subgraph.sql<{ id: string }>(`SELECT id::text FROM catalog.product WHERE status = 'ACTIVE' ORDER BY sku OFFSET $1 LIMIT $2`, offset, count);
  return rows.map((r) => r.id);
}
