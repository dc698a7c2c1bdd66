import type { QueryResolvers } from '../generated/resolvers-types.js';

export const Query: QueryResolvers = {
  trending: (_, { category, first }, ctx) => ctx.services.trending.trending(ctx, category, first ?? 10),
  recommendedForMe: (_, { first }, ctx) => ctx.services.recommendations.recommendedForMe(ctx, first ?? 10),
  productAnalytics: (_, { productId, from, to }, ctx) => ctx.services.analytics.productAnalytics(ctx, productId, from, to),
  topProducts: (_, { metric, from, to, first }, ctx) => ctx.services.analytics.topProducts(ctx, metric, from, to, first),
};
