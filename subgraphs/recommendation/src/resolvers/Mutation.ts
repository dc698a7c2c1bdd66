import type { MutationResolvers } from '../generated/resolvers-types.js';

export const Mutation: MutationResolvers = {
  trackProductView: (_, { productId, sessionId }, ctx) => ctx.services.signals.trackProductView(ctx, productId, sessionId),
};
