import type { AssociatedProductResolvers } from '../generated/resolvers-types.js';

export const AssociatedProduct: AssociatedProductResolvers = {
  product: (a) => ({ id: a.productId }),
  customers: (a) => a.support,
  reason: (a) => ({ kind: 'BOUGHT_WITH', productId: a.anchorId, category: null }),
};
