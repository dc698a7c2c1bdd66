import type { StockLevelResolvers } from '../generated/resolvers-types.js';

export const StockLevel: StockLevelResolvers = {
  variant: (l) => ({ id: l.variantId }),
  warehouse: async (l, _, ctx) => (await ctx.loaders.warehouseById.load(l.warehouseId))!,
  available: (l) => l.onHand - l.reserved,
};
