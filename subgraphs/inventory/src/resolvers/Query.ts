import type { QueryResolvers } from '../generated/resolvers-types.js';

export const Query: QueryResolvers = {
  warehouses: (_, __, ctx) => ctx.services.stock.warehouses(ctx),
  lowStock: (_, args, ctx) => ctx.services.stock.lowStock(ctx, args),
  stockLevels: (_, { sku }, ctx) => ctx.services.adjustments.levels(ctx.identity, sku),
  sellerStockLevels: (_, { first }, ctx) => ctx.services.adjustments.sellerLevels(ctx.identity, first),
  stockMovements: (_, { sku, first, after }, ctx) => ctx.services.adjustments.movements(sku, { first, after }),
};
