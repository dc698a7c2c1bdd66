import { money } from '@shopgraph/kit';
import type { PriceChangeResolvers, ProductVariantResolvers, ScheduledPriceResolvers } from '../generated/resolvers-types.js';
import { cacheUntil } from './cacheUntil.js';
import { jsonPairs } from './jsonPairs.js';

export const ProductVariant: ProductVariantResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.variantById.load(ref.id),
  options: (v) => jsonPairs(v.options).map(([name, value]) => ({ name, value })),
  price: async (v, _, ctx, info) => cacheUntil(info, await ctx.services.prices.variantPrice(ctx, v)),
  basePrice: (v) => money(v.price, v.currency),
  lowestPrice: async (v, { days }, ctx, info) => cacheUntil(info, await ctx.services.prices.variantLowestPrice(ctx, v, days ?? 30)),
  scheduledPrices: async (v, _, ctx) => {
    const now = Date.now();
    return (await ctx.loaders.scheduledPricesByProductId.load(v.productId)).filter((w) => w.variantId === v.id && w.endsAt.getTime() > now);
  },
  product: async (v, _, ctx) => (await ctx.loaders.productById.load(v.productId))!,
};

export const ScheduledPrice: ScheduledPriceResolvers = {
  price: (w) => money(w.price, w.currency),
};

/** Amounts with the currency's decimals, as Money shows them ("24.00", not "24"). */
export const PriceChange: PriceChangeResolvers = {
  oldPrice: (c) => (c.oldPrice ? money(c.oldPrice, c.currency).amount : null),
  newPrice: (c) => money(c.newPrice, c.currency).amount,
};
