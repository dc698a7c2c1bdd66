import { InputError, NotFoundError, Prisma, type PrismaClient } from '@shopgraph/kit';
import type { InventoryLoaders } from '../loaders.js';
import type { StockLevelRow, StockModel } from '../models.js';
import { summariseStock } from './stockSummary.js';

export interface StockReadContext {
  loaders: InventoryLoaders;
}

export const MAX_LOW_STOCK_PAGE = 200;

/** Stock reads for storefronts and admins. Unknown ids have no stock rows and so read as zero. */
export class StockService {
  constructor(private readonly prisma: PrismaClient) {}

  async productStock(ctx: StockReadContext, productId: string): Promise<StockModel> {
    return summariseStock(await ctx.loaders.levelsByProductId.load(productId));
  }

  async variantStock(ctx: StockReadContext, variantId: string): Promise<StockModel> {
    return summariseStock(await ctx.loaders.levelsByVariantId.load(variantId));
  }

  warehouses(ctx: StockReadContext) {
    return ctx.loaders.allWarehouses.load('all');
  }

  /**
   * Levels at or below their threshold, least available first: read fresh, never cached
   * (the schema limits it to admins with the inventory scope).
   */
  async lowStock(ctx: StockReadContext, args: { warehouse?: string | null; first?: number | null }): Promise<StockLevelRow[]> {
    const first = args.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_LOW_STOCK_PAGE) {
      throw InputError.of('first', `must be from 1 to ${MAX_LOW_STOCK_PAGE}`);
    }
    let warehouseFilter = Prisma.empty;
    if (args.warehouse != null) {
      const warehouse = (await ctx.loaders.allWarehouses.load('all')).find((w) => w.code === args.warehouse);
      if (!warehouse) throw new NotFoundError('Warehouse', 'warehouse', args.warehouse);
      warehouseFilter = Prisma.sql`AND l.warehouse_id = ${warehouse.id}::uuid`;
    }
    return this.prisma.$queryRaw<StockLevelRow[]>`
      SELECT l.sku, i.variant_id::text AS "variantId", i.product_id::text AS "productId", l.warehouse_id::text AS "warehouseId",
             l.on_hand AS "onHand", l.reserved, l.low_stock_threshold AS "lowStockThreshold", l.backorderable
      FROM inventory.stock_level l JOIN inventory.inventory_item i ON i.sku = l.sku
      WHERE l.on_hand - l.reserved <= l.low_stock_threshold ${warehouseFilter}
      ORDER BY l.on_hand - l.reserved, l.sku, l.warehouse_id
      LIMIT ${first}`;
  }
}
