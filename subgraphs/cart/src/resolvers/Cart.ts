import type { CartResolvers } from '../generated/resolvers-types.js';

export const Cart: CartResolvers = {
  status: (c) => c.status as 'OPEN' | 'CHECKED_OUT' | 'MERGED' | 'EXPIRED',
  items: async (c, _, ctx) => {
    const priced = await ctx.services.cart.priceLines(await ctx.loaders.itemsByCartId.load(c.id));
    return priced.map((item) => ({ ...item, currency: c.currency }));
  },
  totalQuantity: async (c, _, ctx) => (await ctx.loaders.itemsByCartId.load(c.id)).reduce((sum, i) => sum + i.quantity, 0),
  totals: async (c, { region }, ctx) => ctx.services.cart.totals(c, await ctx.loaders.itemsByCartId.load(c.id), region),
};
