import { money } from '@shopgraph/kit';
import type { ProductVariantResolvers } from '../generated/resolvers-types.js';
import { jsonPairs } from './jsonPairs.js';

export const ProductVariant: ProductVariantResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.variantById.load(ref.id),
  options: (v) => jsonPairs(v.options).map(([name, value]) => ({ name, value })),
  price: (v) => money(v.price, v.currency),
  product: async (v, _, ctx) => (await ctx.loaders.productById.load(v.productId))!,
};
