import type { ProductVariantResolvers } from '../generated/resolvers-types.js';

export const ProductVariant: ProductVariantResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  stock: (v, _, ctx) => ctx.services.stock.variantStock(ctx, v.id),
};
