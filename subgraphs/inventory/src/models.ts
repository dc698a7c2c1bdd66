import type { Prisma } from '@shopgraph/kit';

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
