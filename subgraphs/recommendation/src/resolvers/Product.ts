import type { ProductResolvers } from '../generated/resolvers-types.js';

export const Product: ProductResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  alsoBought: (p, { first }, ctx) => ctx.services.recommendations.alsoBought(ctx, p.id, first),
  frequentlyBoughtTogether: (p, _, ctx) => ctx.services.recommendations.frequentlyBoughtTogether(ctx, p.id),
};
