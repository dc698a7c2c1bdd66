import type { WarehouseStockResolvers } from '../generated/resolvers-types.js';

export const WarehouseStock: WarehouseStockResolvers = {
  warehouse: async (w, _, ctx) => (await ctx.loaders.warehouseById.load(w.warehouseId))!,
};
