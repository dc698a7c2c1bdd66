import type { QueryResolvers } from '../generated/resolvers-types.js';

export const Query: QueryResolvers = {
  cart: (_, { token }, ctx) => ctx.services.cart.cartByToken(ctx, token),
};
