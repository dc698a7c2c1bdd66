import { InputError } from '@shopgraph/kit';
import type { QueryResolvers } from '../generated/resolvers-types.js';

export const Query: QueryResolvers = {
  cart: (_, { token, id }, ctx) => {
    if (id != null) return ctx.services.cart.cartById(ctx, id, token);
    if (token != null) return ctx.services.cart.cartByToken(ctx, token);
    throw InputError.of('token', 'give the cart token, or the id of your cart');
  },
  myCart: (_, __, ctx) => ctx.services.cart.myCart(ctx),
  coupon: (_, { code }, ctx) => ctx.services.coupons.coupon(code),
  checkoutCart: (_, args, ctx) => ctx.services.cart.checkoutCart(args),
  wishlist: (_, args, ctx) => ctx.services.wishlist.wishlist(ctx, args),
};
