import type { QueryResolvers } from '../generated/resolvers-types.js';

export const Query: QueryResolvers = {
  warehouses: (_, __, ctx) => ctx.services.stock.warehouses(ctx),
  lowStock: (_, args, ctx) => ctx.services.stock.lowStock(ctx, args),
};
