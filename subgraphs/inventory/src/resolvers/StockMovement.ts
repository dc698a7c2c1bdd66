import type { StockMovementResolvers } from '../generated/resolvers-types.js';

export const StockMovement: StockMovementResolvers = {
  warehouse: async (m, _, ctx) => (await ctx.loaders.warehouseById.load(m.warehouseId))!,
};
