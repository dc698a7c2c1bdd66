import type { CacheLayers } from '@shopgraph/kit';

/** Sales figures move with every order; each order write bumps the generation, the TTL bounds the rest. */
const SALES_TTL_SECONDS = 300;

/** The order subgraph's caches, made once at boot. */
export function createOrderCaches(caches: CacheLayers) {
  const sales = caches.generation('units-sold');
  return {
    unitsSold: caches.entity<number>({ type: 'units-sold', version: 1, l2TtlSeconds: SALES_TTL_SECONDS }),
    sales,
    /** Every order write that changes what counts as sold calls this after commit. */
    evictSales: () => sales.bump(),
  };
}

export type OrderCaches = ReturnType<typeof createOrderCaches>;
