import type { TrendingProductResolvers } from '../generated/resolvers-types.js';

export const TrendingProduct: TrendingProductResolvers = {
  product: (t) => ({ id: t.productId }),
};
