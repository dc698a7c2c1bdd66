import type { MutationResolvers } from '../generated/resolvers-types.js';

export const Mutation: MutationResolvers = {
  createCart: (_, { currency }, ctx) => ctx.services.cart.createCart(ctx, currency),
  addCartItem: (_, a, ctx) => ctx.services.cart.addCartItem(ctx, a.cartId, a.cartToken, a.variantId, a.quantity),
  updateCartItemQuantity: (_, a, ctx) => ctx.services.cart.updateCartItemQuantity(ctx, a.cartId, a.cartToken, a.variantId, a.quantity),
  removeCartItem: (_, a, ctx) => ctx.services.cart.removeCartItem(ctx, a.cartId, a.cartToken, a.variantId),
  clearCart: (_, a, ctx) => ctx.services.cart.clearCart(ctx, a.cartId, a.cartToken),
  applyCoupon: (_, a, ctx) => ctx.services.cart.applyCoupon(ctx, a.cartId, a.cartToken, a.code),
  removeCoupon: (_, a, ctx) => ctx.services.cart.removeCoupon(ctx, a.cartId, a.cartToken),
  mergeGuestCart: (_, { cartToken }, ctx) => ctx.services.cart.mergeGuestCart(ctx, cartToken),
  createCoupon: (_, { input }, ctx) => ctx.services.coupons.createCoupon(input),
  updateCoupon: (_, { code, input }, ctx) => ctx.services.coupons.updateCoupon(code, input),
  deactivateCoupon: (_, { code }, ctx) => ctx.services.coupons.deactivateCoupon(code),
  completeCheckout: (_, { cartId, orderId }, ctx) => ctx.services.cart.completeCheckout(ctx, cartId, orderId),
  mergeGuestCartForCustomer: (_, { customerId, cartToken }, ctx) => ctx.services.cart.mergeGuestCartForCustomer(ctx, customerId, cartToken),
  // wishlists (issue 10)
  addToWishlist: (_, { variantId }, ctx) => ctx.services.wishlist.add(ctx, variantId),
  removeFromWishlist: (_, { variantId }, ctx) => ctx.services.wishlist.remove(ctx, variantId),
  moveWishlistItemToCart: (_, { variantId, quantity }, ctx) => ctx.services.wishlist.moveToCart(ctx, variantId, quantity ?? 1),
};
