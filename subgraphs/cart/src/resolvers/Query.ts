import type { QueryResolvers } from '../generated/resolvers-types.js';

export const Query: QueryResolvers = {
  cart: (_, { token }, ctx) => ctx.services.cart.cartByToken(ctx, token),
  myCart: (_, __, ctx) => ctx.services.cart.myCart(ctx),
  coupon: (_, { code }, ctx) => ctx.services.coupons.coupon(code),
  checkoutCart: (_, args, ctx) => ctx.services.cart.checkoutCart(args),
};
