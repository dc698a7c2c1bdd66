import { createHash } from 'node:crypto';
import type { CacheLayers } from '@shopgraph/kit';
import type { CartItemRow, CartModel, WishlistItemRow } from './models.js';

/** Carts change with every click; every cart write evicts its entries, the TTL bounds the rest. */
const CART_TTL_SECONDS = 60;

/** A cart token is a credential: cache keys (readable by whoever reads Redis) carry only its hash. */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The cart subgraph's caches, made once at boot. */
export function createCartCaches(caches: CacheLayers) {
  const cartByToken = caches.entity<CartModel>({ type: 'cart-by-token', version: 1, l2TtlSeconds: CART_TTL_SECONDS });
  const cartById = caches.entity<CartModel>({ type: 'cart', version: 1, l2TtlSeconds: CART_TTL_SECONDS });
  const itemsOfCart = caches.entity<CartItemRow[]>({ type: 'cart-items', version: 1, l2TtlSeconds: CART_TTL_SECONDS });
  // wishlists (issue 10): a customer's saved items, evicted by every wishlist write.
  const wishlistOf = caches.entity<WishlistItemRow[]>({ type: 'wishlist', version: 1, l2TtlSeconds: CART_TTL_SECONDS });
  return {
    cartByToken,
    cartById,
    itemsOfCart,
    wishlistOf,
    /** Every wishlist write calls this after commit. */
    evictWishlist: (customerId: string) => wishlistOf.invalidate([customerId]),
    /** Every cart write calls this after commit. */
    async evictCart(cart: Pick<CartModel, 'id' | 'tokenHash'>): Promise<void> {
      await Promise.all([
        ...(cart.tokenHash ? [cartByToken.invalidate([cart.tokenHash])] : []),
        cartById.invalidate([cart.id]),
        itemsOfCart.invalidate([cart.id]),
      ]);
    },
  };
}

export type CartCaches = ReturnType<typeof createCartCaches>;
