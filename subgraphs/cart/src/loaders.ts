import DataLoader from 'dataloader';
import { cachedChildrenLoader, isUuid, type PrismaClient } from '@shopgraph/kit';
import { tokenKey, type CartCaches } from './caches.js';
import type { CartItemRow, CartModel, WishlistItemRow } from './models.js';

/** Per-request loaders, through the cache path. */
export function createCartLoaders(prisma: PrismaClient, caches: CartCaches) {
  return {
    /** Carts by token in one query per batch; cached under the token's hash, never the token. */
    cartByToken: new DataLoader<string, CartModel | null>(async (tokens) => {
      const tokenOf = new Map(tokens.map((token) => [tokenKey(token), token]));
      const hashes = [...tokenOf.keys()];
      const carts = await caches.cartByToken.getMany(hashes, async (missing) => {
        const rows = await prisma.cart.findMany({ where: { tokenHash: { in: [...missing] } } });
        return new Map(rows.map((row) => [row.tokenHash!, row]));
      });
      const byHash = new Map(hashes.map((hash, i) => [hash, carts[i] ?? null]));
      return tokens.map((token) => byHash.get(tokenKey(token)) ?? null);
    }),
    /** Carts by id (a signed-in owner reads theirs so), one query per batch. */
    cartById: new DataLoader<string, CartModel | null>(async (ids) => {
      const valid = ids.filter(isUuid);
      const carts = await caches.cartById.getMany(valid, async (missing) => {
        const rows = await prisma.cart.findMany({ where: { id: { in: [...missing] } } });
        return new Map(rows.map((row) => [row.id, row]));
      });
      const byId = new Map(valid.map((id, i) => [id, carts[i] ?? null]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    itemsByCartId: cachedChildrenLoader<CartItemRow>(
      caches.itemsOfCart,
      (ids) => prisma.cartItem.findMany({ where: { cartId: { in: ids } }, orderBy: [{ addedAt: 'asc' }, { id: 'asc' }] }),
      (i) => i.cartId,
      { isValidKey: isUuid },
    ),
    /** A customer's wishlist, most recently saved first (a wishlist is capped, so it is read whole). */
    wishlistByCustomer: cachedChildrenLoader<WishlistItemRow>(
      caches.wishlistOf,
      (customerIds) => prisma.wishlistItem.findMany({ where: { customerId: { in: customerIds } }, orderBy: [{ addedAt: 'desc' }, { id: 'desc' }] }),
      (i) => i.customerId,
    ),
  };
}

export type CartLoaders = ReturnType<typeof createCartLoaders>;
