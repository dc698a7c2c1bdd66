import type { QueryResolvers } from '../generated/resolvers-types.js';

export const Query: QueryResolvers = {
  warehouses: (_, __, ctx) => ctx.services.stock.warehouses(),
  lowStock: (_, args, ctx) => ctx.services.stock.lowStock(args),
};
