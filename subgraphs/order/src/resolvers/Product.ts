import type { ProductResolvers } from '../generated/resolvers-types.js';

export const Product: ProductResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  unitsSold: (p, { days }, ctx) => ctx.services.sales.unitsSold(ctx, p.id, days),
};
