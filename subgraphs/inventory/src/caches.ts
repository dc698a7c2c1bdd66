import type { CacheLayers } from '@shopgraph/kit';
import type { StockLevelRow, WarehouseModel } from './models.js';

/**
 * Stock changes with every cart and checkout, and every such write evicts what it changed;
 * the short TTL only bounds what a write path that forgot to evict could leave behind.
 */
const STOCK_TTL_SECONDS = 30;
const WAREHOUSE_TTL_SECONDS = 600;

/** The inventory's caches, made once at boot. */
export function createInventoryCaches(caches: CacheLayers) {
  const levelsOfVariant = caches.entity<StockLevelRow[]>({ type: 'stock-levels-of-variant', version: 1, l2TtlSeconds: STOCK_TTL_SECONDS });
  const levelsOfProduct = caches.entity<StockLevelRow[]>({ type: 'stock-levels-of-product', version: 1, l2TtlSeconds: STOCK_TTL_SECONDS });
  return {
    levelsOfVariant,
    levelsOfProduct,
    warehouse: caches.entity<WarehouseModel>({ type: 'warehouse', version: 1, l2TtlSeconds: WAREHOUSE_TTL_SECONDS }),
    warehouseList: caches.entity<WarehouseModel[]>({ type: 'warehouse-list', version: 1, l2TtlSeconds: WAREHOUSE_TTL_SECONDS }),
    warehouses: caches.generation('warehouses'),
    /** Every write of stock calls this after commit with the SKUs' catalog ids (read-your-writes). */
    async evictStock(items: ReadonlyArray<{ variantId: string; productId: string }>): Promise<void> {
      await Promise.all([
        levelsOfVariant.invalidate([...new Set(items.map((i) => i.variantId))]),
        levelsOfProduct.invalidate([...new Set(items.map((i) => i.productId))]),
      ]);
    },
  };
}

export type InventoryCaches = ReturnType<typeof createInventoryCaches>;
