import {
  DomainError,
  ErrorCode,
  InputError,
  NotFoundError,
  decodeCursor,
  isUuid,
  parseFirst,
  toConnection,
  type Identity,
  type PageArgs,
  type PrismaClient,
} from '@shopgraph/kit';
import type { CartCaches } from '../caches.js';
import type { CartLoaders } from '../loaders.js';
import type { CartModel, WishlistConnectionModel, WishlistItemModel, WishlistItemRow } from '../models.js';
import type { CartActor, CartService } from './cartService.js';
import type { PriceBook } from './priceBook.js';

/** Enough for a wish list, small enough to read whole (through the cache) and page in memory. */
export const MAX_WISHLIST_ITEMS = 200;
/** A move claims its item this long: a move that died mid-way frees it again. */
const MOVE_CLAIM_SECONDS = 60;
const WISHLIST_SORT = 'wishlist:added_desc';

/** The signed-in customer's id (a wishlist is never a guest's). */
function customerOf(identity: Identity): string {
  if (identity.kind !== 'user') throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in to use your wishlist');
  return identity.subject;
}

/**
 * Wishlists of signed-in customers: one row per customer and variant with the price when it
 * was saved; the current price comes from the cart's price projection. Moving an item to the
 * cart goes through CartService (its stock hold) and deletes the item in the cart's commit.
 */
export class WishlistService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly caches: CartCaches,
    private readonly prices: PriceBook,
    private readonly carts: CartService,
  ) {}

  /** The customer's wishlist, most recently saved first, each item priced now. */
  async wishlist(ctx: { identity: Identity; loaders: CartLoaders }, args: PageArgs): Promise<WishlistConnectionModel> {
    const customerId = customerOf(ctx.identity);
    const first = parseFirst(args.first);
    const after = args.after ? decodeCursor(args.after, WISHLIST_SORT, 2) : null;
    const all = await ctx.loaders.wishlistByCustomer.load(customerId);
    let start = 0;
    if (after) {
      const [addedAt, id] = after;
      if (typeof addedAt !== 'string' || typeof id !== 'string' || !isUuid(id)) throw InputError.of('after', 'is not a cursor returned by this connection');
      const at = new Date(addedAt).getTime();
      // Rows are (addedAt desc, id desc): start at the first row past the cursor's key.
      start = all.findIndex((r) => r.addedAt.getTime() < at || (r.addedAt.getTime() === at && r.id < id));
      if (start < 0) start = all.length;
    }
    const rows = all.slice(start, start + first + 1);
    const priced = await this.price(rows);
    return toConnection(priced, { first, after }, WISHLIST_SORT, (r) => [r.addedAt.toISOString(), r.id], () => Promise.resolve(all.length));
  }

  /** Saves a variant at its current price; idempotent (the unique customer+variant keeps the first save). */
  async add(actor: CartActor, variantId: string): Promise<WishlistItemModel> {
    const customerId = customerOf(actor.identity);
    if (!isUuid(variantId)) throw InputError.of('variantId', 'is not a variant id');
    const price = await this.prices.require(variantId);
    const row = await this.prisma.$transaction(async (tx) => {
      // Serialise one customer's saves so the cap holds under concurrency.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('cart.wishlist'), hashtext(${customerId}))`;
      const existing = await tx.wishlistItem.findUnique({ where: { customerId_variantId: { customerId, variantId } } });
      if (existing) return existing;
      const count = await tx.wishlistItem.count({ where: { customerId } });
      if (count >= MAX_WISHLIST_ITEMS) throw InputError.of('variantId', `a wishlist has at most ${MAX_WISHLIST_ITEMS} items`);
      return tx.wishlistItem.create({
        data: { customerId, productId: price.productId, variantId, sku: price.sku, priceWhenSaved: price.price, currency: price.currency },
      });
    });
    await this.caches.evictWishlist(customerId);
    return { ...row, currentPrice: price.price };
  }

  async remove(actor: CartActor, variantId: string): Promise<boolean> {
    const customerId = customerOf(actor.identity);
    if (!isUuid(variantId)) throw InputError.of('variantId', 'is not a variant id');
    const { count } = await this.prisma.wishlistItem.deleteMany({ where: { customerId, variantId } });
    if (count > 0) await this.caches.evictWishlist(customerId);
    return count > 0;
  }

  /**
   * Claims the item (a second move at once is CONFLICT), adds it to the customer's open cart
   * through CartService (stock held there) and deletes it in the cart's commit. On any failure
   * the claim is dropped and the item stays; OUT_OF_STOCK says so.
   */
  async moveToCart(actor: CartActor, variantId: string, quantity: number): Promise<CartModel> {
    const customerId = customerOf(actor.identity);
    if (!isUuid(variantId)) throw InputError.of('variantId', 'is not a variant id');
    const claimed = await this.prisma.$queryRaw<Array<{ id: string; currency: string }>>`
      UPDATE cart.wishlist_item SET moving_until = now() + make_interval(secs => ${MOVE_CLAIM_SECONDS})
      WHERE customer_id = ${customerId} AND variant_id = ${variantId}::uuid AND (moving_until IS NULL OR moving_until < now())
      RETURNING id::text, currency`;
    const item = claimed[0];
    if (!item) {
      const exists = await this.prisma.wishlistItem.findUnique({ where: { customerId_variantId: { customerId, variantId } } });
      if (!exists) throw new NotFoundError('WishlistItem', 'variantId', variantId);
      throw new DomainError(ErrorCode.CONFLICT, 'This item is already being moved to your cart', { variantId });
    }
    try {
      const { cart } = await this.carts.createCart(actor, item.currency);
      const updated = await this.carts.addCartItem(actor, cart.id, null, variantId, quantity, async (tx) => {
        await tx.wishlistItem.deleteMany({ where: { id: item.id } });
      });
      await this.caches.evictWishlist(customerId);
      return updated;
    } catch (err) {
      await this.prisma.wishlistItem.updateMany({ where: { id: item.id }, data: { movingUntil: null } });
      if (err instanceof DomainError && err.code === ErrorCode.OUT_OF_STOCK) {
        throw new DomainError(ErrorCode.OUT_OF_STOCK, `${err.message}; the item stays in your wishlist`, { ...err.details, keptInWishlist: true });
      }
      throw err;
    }
  }

  private async price(rows: readonly WishlistItemRow[]): Promise<WishlistItemModel[]> {
    const current = await this.prices.current(rows.map((r) => r.variantId));
    return rows.map((r) => {
      const now = current.get(r.variantId);
      // A price in another currency says nothing about this one: show the saved price.
      return { ...r, currentPrice: now && now.currency === r.currency ? now.price : r.priceWhenSaved.toFixed(2) };
    });
  }
}
