import { cachedValueLoader, childrenLoader, isUuid, rowLoader, type PrismaClient } from '@shopgraph/kit';
import type { OrderCaches } from './caches.js';
import type { OrderModel } from './models.js';
import { archivedOrderModel } from './services/archive/archivedOrders.js';

/** Key of a units-sold read: the window and the product. */
export interface UnitsSoldKey {
  days: number;
  productId: string;
}

/** Statuses whose units never left (or came back to) the shop: a PENDING checkout has not sold yet, a FAILED one never did. */
const NOT_SOLD = ['PENDING', 'FAILED', 'CANCELLED', 'REFUNDED'] as const;

export function createOrderLoaders(prisma: PrismaClient, caches: OrderCaches, now: () => Date) {
  const ids = { isValidKey: isUuid };
  return {
    /** One grouped query per window size in a batch (a page usually asks one window), through the cache path. */
    unitsSold: cachedValueLoader<UnitsSoldKey, number>(
      caches.unitsSold,
      (k) => `${k.days}:${k.productId}`,
      async (keys) => {
        const byDays = new Map<number, string[]>();
        for (const { days, productId } of keys) {
          if (isUuid(productId)) byDays.set(days, [...(byDays.get(days) ?? []), productId]);
        }
        const totals = new Map<string, number>();
        for (const [days, productIds] of byDays) {
          const since = new Date(now().getTime() - days * 86_400_000);
          // Archived orders still count (order archival keeps sales figures intact): one query over both tables.
          const rows = await prisma.$queryRaw<{ productId: string; units: number }[]>`
            SELECT s.product_id::text AS "productId", sum(s.quantity)::int AS units FROM (
              SELECT l.product_id, l.quantity FROM ordering.order_line l JOIN ordering."order" o ON o.id = l.order_id
              WHERE l.product_id = ANY(${productIds}::uuid[]) AND o.placed_at >= ${since} AND o.status::text <> ALL(${[...NOT_SOLD]}::text[])
              UNION ALL
              SELECT l.product_id, l.quantity FROM ordering.archived_order_line l JOIN ordering.archived_order o ON o.id = l.order_id
              WHERE l.product_id = ANY(${productIds}::uuid[]) AND o.placed_at >= ${since} AND o.status::text <> ALL(${[...NOT_SOLD]}::text[])
            ) s GROUP BY s.product_id`;
          for (const row of rows) totals.set(`${days}:${row.productId}`, row.units);
        }
        return keys.map((k) => totals.get(`${k.days}:${k.productId}`) ?? 0);
      },
      { generation: caches.sales },
    ),
    /** An order's parts, one query per batch of orders (a page of myOrders is one query per part). Personal: never cached. */
    lines: childrenLoader<string, Awaited<ReturnType<typeof prisma.orderLine.findMany>>[number]>(
      (orderIds) => prisma.orderLine.findMany({ where: { orderId: { in: [...orderIds] } }, orderBy: [{ orderId: 'asc' }, { sku: 'asc' }] }),
      (l) => l.orderId,
      ids,
    ),
    timeline: childrenLoader<string, Awaited<ReturnType<typeof prisma.orderTimeline.findMany>>[number]>(
      (orderIds) => prisma.orderTimeline.findMany({ where: { orderId: { in: [...orderIds] } }, orderBy: { id: 'asc' } }),
      (t) => t.orderId,
      ids,
    ),
    payment: rowLoader<string, Awaited<ReturnType<typeof prisma.payment.findMany>>[number]>(
      (orderIds) => prisma.payment.findMany({ where: { orderId: { in: [...orderIds] } } }),
      (p) => p.orderId,
      ids,
    ),
    refunds: childrenLoader<string, Awaited<ReturnType<typeof prisma.refund.findMany>>[number]>(
      (orderIds) => prisma.refund.findMany({ where: { orderId: { in: [...orderIds] } }, orderBy: { createdAt: 'asc' } }),
      (r) => r.orderId,
      ids,
    ),
    /** Orders by id, for a notification's order (personal: never cached). */
    orderById: rowLoader<string, OrderModel>(
      async (orderIds) => {
        const live: OrderModel[] = await prisma.order.findMany({ where: { id: { in: [...orderIds] } } });
        // An order archival moved is read from the archive (a second query only when some are missing).
        const missing = orderIds.filter((id) => !live.some((o) => o.id === id));
        if (missing.length === 0) return live;
        return [...live, ...(await prisma.archivedOrder.findMany({ where: { id: { in: missing } } })).map(archivedOrderModel)];
      },
      (o) => o.id,
      ids,
    ),
    /** Lines of archived orders (order archival), one query per batch. */
    archivedLines: childrenLoader<string, Awaited<ReturnType<typeof prisma.archivedOrderLine.findMany>>[number]>(
      (orderIds) => prisma.archivedOrderLine.findMany({ where: { orderId: { in: [...orderIds] } }, orderBy: [{ orderId: 'asc' }, { sku: 'asc' }] }),
      (l) => l.orderId,
      ids,
    ),
    /** A page of webhook deliveries' attempts, one query (webhooks, admins only). */
    webhookAttempts: childrenLoader<string, Awaited<ReturnType<typeof prisma.webhookDeliveryAttempt.findMany>>[number]>(
      (deliveryIds) => prisma.webhookDeliveryAttempt.findMany({ where: { deliveryId: { in: [...deliveryIds] } }, orderBy: [{ deliveryId: 'asc' }, { attempt: 'asc' }] }),
      (a) => a.deliveryId,
      ids,
    ),
  };
}

/** Accounts (issue 10): customers' addresses, one query per batch. Personal: never cached. */
export function createAccountLoaders(prisma: PrismaClient) {
  return {
    addresses: childrenLoader<string, Awaited<ReturnType<typeof prisma.customerAddress.findMany>>[number]>(
      (customerIds) => prisma.customerAddress.findMany({ where: { customerId: { in: [...customerIds] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
      (a) => a.customerId,
      { isValidKey: isUuid },
    ),
  };
}

export type OrderLoaders = ReturnType<typeof createOrderLoaders> & ReturnType<typeof createAccountLoaders>;
