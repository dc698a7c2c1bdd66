import type { Connection, Prisma } from '@shopgraph/kit';
import type { StockMovementRow } from './services/adjustmentService.js';

/** An entity reference from another subgraph; stock loads lazily from its id. */
export interface ProductRefModel {
  id: string;
}
export interface VariantRefModel {
  id: string;
}

export type WarehouseModel = Prisma.WarehouseGetPayload<object>;

/** One SKU's stock in one warehouse, with the catalog ids it belongs to. */
export interface StockLevelRow {
  sku: string;
  variantId: string;
  productId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
  lowStockThreshold: number;
  backorderable: boolean;
}

export interface WarehouseStockModel {
  warehouseId: string;
  onHand: number;
  reserved: number;
  available: number;
  lowStock: boolean;
}

export interface StockModel {
  onHand: number;
  reserved: number;
  available: number;
  inStock: boolean;
  warehouses: WarehouseStockModel[];
}

export type { AdminStockLevel, StockMovementRow } from './services/adjustmentService.js';
export type { StockHoldModel } from './services/holdService.js';
export type StockMovementConnectionModel = Connection<StockMovementRow>;
