import type { RecommendationResolvers } from '../generated/resolvers-types.js';

export const Recommendation: RecommendationResolvers = {
  product: (r) => ({ id: r.productId }),
};
