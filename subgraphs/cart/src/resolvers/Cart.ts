import type { CartResolvers } from '../generated/resolvers-types.js';

export const Cart: CartResolvers = {
  items: async (c, _, ctx) => (await ctx.loaders.itemsByCartId.load(c.id)).map((item) => ({ ...item, currency: c.currency })),
  totalQuantity: async (c, _, ctx) => (await ctx.loaders.itemsByCartId.load(c.id)).reduce((sum, i) => sum + i.quantity, 0),
};
