import type { MutationResolvers } from '../generated/resolvers-types.js';

export const Mutation: MutationResolvers = {
  adjustStock: (_, { input }, ctx) => ctx.services.adjustments.adjustStock(ctx, input),
  holdStock: (_, { owner, lines, ttlSeconds }, ctx) => ctx.services.holds.holdStock(ctx, owner, lines, ttlSeconds),
  releaseStock: (_, { owner, reason }, ctx) => ctx.services.holds.releaseStock(ctx, owner, reason),
  commitStock: (_, { owner, reference }, ctx) => ctx.services.holds.commitStock(ctx, owner, reference),
  returnStock: (_, { reference, lines, reason }, ctx) => ctx.services.holds.returnStock(ctx, reference, lines, reason),
};
