import type { ProductResolvers } from '../generated/resolvers-types.js';

export const Product: ProductResolvers = {
  // Stock loads per field, so resolving the reference itself costs no query.
  __resolveReference: (ref) => ({ id: ref.id }),
  stock: (p, _, ctx) => ctx.services.stock.productStock(ctx, p.id),
};
