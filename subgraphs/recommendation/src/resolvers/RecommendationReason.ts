import type { RecommendationReasonResolvers } from '../generated/resolvers-types.js';

export const RecommendationReason: RecommendationReasonResolvers = {
  product: (r) => (r.productId ? { id: r.productId } : null),
};
