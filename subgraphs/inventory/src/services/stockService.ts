import type { InventoryLoaders } from '../loaders.js';
import type { StockModel } from '../models.js';
import { summariseStock } from './stockSummary.js';

export interface StockReadContext {
  loaders: InventoryLoaders;
}

/** Stock reads for storefronts. Unknown ids have no stock rows and so read as zero. */
export class StockService {
  async productStock(ctx: StockReadContext, productId: string): Promise<StockModel> {
    return summariseStock(await ctx.loaders.levelsByProductId.load(productId));
  }

  async variantStock(ctx: StockReadContext, variantId: string): Promise<StockModel> {
    return summariseStock(await ctx.loaders.levelsByVariantId.load(variantId));
  }

  warehouses(ctx: StockReadContext) {
    return ctx.loaders.allWarehouses.load('all');
  }
}
