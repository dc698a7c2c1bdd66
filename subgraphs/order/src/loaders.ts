import { cachedValueLoader, isUuid, type PrismaClient } from '@shopgraph/kit';
import type { OrderCaches } from './caches.js';

/** Key of a units-sold read: the window and the product. */
export interface UnitsSoldKey {
  days: number;
  productId: string;
}

/** Statuses whose units never left (or came back to) the shop: a PENDING checkout has not sold yet, a FAILED one never did. */
const NOT_SOLD = ['PENDING', 'FAILED', 'CANCELLED', 'REFUNDED'] as const;

export function createOrderLoaders(prisma: PrismaClient, caches: OrderCaches, now: () => Date) {
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
          const rows = await prisma.orderLine.groupBy({
            by: ['productId'],
            where: { productId: { in: productIds }, order: { placedAt: { gte: since }, status: { notIn: [...NOT_SOLD] } } },
            _sum: { quantity: true },
          });
          for (const row of rows) totals.set(`${days}:${row.productId}`, row._sum.quantity ?? 0);
        }
        return keys.map((k) => totals.get(`${k.days}:${k.productId}`) ?? 0);
      },
      { generation: caches.sales },
    ),
  };
}

export type OrderLoaders = ReturnType<typeof createOrderLoaders>;
