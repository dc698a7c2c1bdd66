import type { ProductRankingResolvers } from '../generated/resolvers-types.js';

export const ProductRanking: ProductRankingResolvers = {
  product: (r) => ({ id: r.productId }),
};
