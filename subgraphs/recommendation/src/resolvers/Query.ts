import type { QueryResolvers } from '../generated/resolvers-types.js';

export const Query: QueryResolvers = {
  trending: (_, { first }, ctx) => ctx.services.trending.trending(ctx, first ?? 10),
};
