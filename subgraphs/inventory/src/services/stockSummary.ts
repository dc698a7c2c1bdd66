import type { StockLevelRow, StockModel, WarehouseStockModel } from '../models.js';

/**
 * Sums stock levels (one SKU or every SKU of a product) per warehouse and overall.
 * A backorderable level keeps its SKU sellable even with nothing available.
 */
export function summariseStock(levels: readonly StockLevelRow[]): StockModel {
  const byWarehouse = new Map<string, { onHand: number; reserved: number; threshold: number }>();
  let backorderable = false;
  for (const level of levels) {
    const w = byWarehouse.get(level.warehouseId) ?? { onHand: 0, reserved: 0, threshold: 0 };
    w.onHand += level.onHand;
    w.reserved += level.reserved;
    w.threshold += level.lowStockThreshold;
    byWarehouse.set(level.warehouseId, w);
    backorderable ||= level.backorderable;
  }
  const warehouses: WarehouseStockModel[] = [...byWarehouse.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([warehouseId, w]) => {
      const available = w.onHand - w.reserved;
      return { warehouseId, onHand: w.onHand, reserved: w.reserved, available, lowStock: available <= w.threshold };
    });
  const onHand = warehouses.reduce((sum, w) => sum + w.onHand, 0);
  const reserved = warehouses.reduce((sum, w) => sum + w.reserved, 0);
  const available = onHand - reserved;
  return { onHand, reserved, available, inStock: available > 0 || backorderable, warehouses };
}
