import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  InputError,
  NotFoundError,
  Prisma,
  identityFor,
  isUuid,
  recordEvents,
  requireAuthenticated,
  type CommerceSettings,
  type Identity,
  type InternalClient,
  type NewEvent,
  type PrismaClient,
} from '@shopgraph/kit';
import { tokenKey, type CartCaches } from '../caches.js';
import type { CartLoaders } from '../loaders.js';
import type { CartItemRow, CartModel, CartTotalsModel, CreateCartPayloadModel } from '../models.js';
import type { PriceBook } from './priceBook.js';
import { computeTotals, couponProblem, type Totals, type TotalsCoupon } from './totals.js';

const MAX_TOKEN_LENGTH = 200;
const MAX_QUANTITY = 999;
const MAX_LINES = 100;
export const DEFAULT_CURRENCY = 'USD';
/** Cart transactions wait on inventory (holdStock) while holding the cart row. */
const CART_TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

export interface CartReadContext {
  loaders: CartLoaders;
}

/** Who asks: the signed identity and the request id (for events). */
export interface CartActor {
  identity: Identity;
  requestId?: string;
}

export type Tx = Prisma.TransactionClient;
type CartEvent = NewEvent<'cart'>;

/** A line as a change leaves it. */
export interface PlannedLine {
  productId: string;
  variantId: string;
  sku: string;
  quantity: number;
  unitPriceAtAdd: string;
}

interface Plan {
  lines: PlannedLine[];
  couponCode?: string | null;
  change: 'item_added' | 'item_updated' | 'item_removed' | 'cleared' | 'coupon' | 'merged';
  extraEvents?: CartEvent[];
  /** Lower lines to what inventory can hold instead of refusing (merges). */
  fitToStock?: boolean;
  /** More writes in the commit's transaction (a merge closes the guest cart). */
  afterWrite?: (tx: Tx) => Promise<void>;
}

/** Another change of the same cart committed first: plan again from the new state. */
class CartMoved extends Error {}
const MAX_ATTEMPTS = 5;

export const stockOwnerOf = (cartId: string) => `cart:${cartId}`;

function sameToken(cart: CartModel, token: string | null | undefined): boolean {
  if (!cart.tokenHash || !token || token.length > MAX_TOKEN_LENGTH) return false;
  const a = Buffer.from(tokenKey(token));
  const b = Buffer.from(cart.tokenHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Carts: guest carts (an opaque token, only its hash stored) and signed-in carts (one open
 * cart per customer). Every change sets the cart's stock hold in inventory (holdStock, all or
 * nothing) and then commits if the cart's version did not move meanwhile (see `change`), so a
 * cart never shows more than is held; a refused hold leaves the cart as it was.
 */
export class CartService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly caches: CartCaches,
    private readonly internal: InternalClient,
    private readonly prices: PriceBook,
    private readonly settings: CommerceSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // ------------------------------------------------------------------ reads

  async cartByToken(ctx: CartReadContext, token: string): Promise<CartModel> {
    if (token.trim() === '' || token.length > MAX_TOKEN_LENGTH) {
      throw InputError.of('token', `must be a cart token of 1-${MAX_TOKEN_LENGTH} characters`);
    }
    const cart = await ctx.loaders.cartByToken.load(token);
    // Do not echo the token back: it is a credential.
    if (!cart || cart.status !== 'OPEN' || cart.expiresAt <= this.now()) throw new NotFoundError('Cart', 'token', '(given token)');
    return cart;
  }

  /**
   * A cart by id: a guest's with its token, a customer's for that customer signed in (or a
   * token, if it has one). Anything else is NOT_FOUND, UNAUTHENTICATED or FORBIDDEN.
   */
  async cartById(ctx: CartReadContext & { identity: Identity }, id: string, token: string | null | undefined): Promise<CartModel> {
    if (!isUuid(id)) throw InputError.of('id', 'is not a cart id');
    const cart = await ctx.loaders.cartById.load(id);
    if (!cart || cart.status !== 'OPEN' || cart.expiresAt <= this.now()) throw new NotFoundError('Cart', 'id', id);
    if (token != null && sameToken(cart, token)) return cart;
    if (cart.customerId === null) throw new DomainError(ErrorCode.FORBIDDEN, 'A guest cart is read with its token');
    if (requireAuthenticated(ctx.identity).subject !== cart.customerId) throw new DomainError(ErrorCode.FORBIDDEN, 'This cart belongs to another customer');
    return cart;
  }

  async myCart(actor: CartActor): Promise<CartModel | null> {
    if (actor.identity.kind !== 'user') throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in to see your cart');
    const cart = await this.prisma.cart.findFirst({ where: { customerId: actor.identity.subject, status: 'OPEN' } });
    return cart && cart.expiresAt > this.now() ? cart : null;
  }

  /** Totals at current prices for `region` (null: no tax). */
  async totals(cart: CartModel, items: readonly CartItemRow[], region: string | null | undefined): Promise<CartTotalsModel> {
    const taxRate = this.taxRateOf(region, 'region');
    const priced = await this.priceLines(items);
    const coupon = cart.couponCode ? await this.couponFor(this.prisma, cart.couponCode, cart.customerId) : null;
    return { ...this.totalsOf(cart, priced, coupon, taxRate), currency: cart.currency, region: region ?? null, taxRate };
  }

  /** Current unit prices of lines (the projection; the price when added if the variant is gone). */
  async priceLines(items: readonly CartItemRow[]): Promise<Array<CartItemRow & { unitPrice: string }>> {
    const current = await this.prices.current(items.map((i) => i.variantId));
    return items.map((i) => ({ ...i, unitPrice: current.get(i.variantId)?.price ?? i.unitPriceAtAdd.toFixed(2) }));
  }

  // ------------------------------------------------------------------ changes

  async createCart(actor: CartActor, currency: string | null | undefined): Promise<CreateCartPayloadModel> {
    const code = (currency ?? DEFAULT_CURRENCY).trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(code)) throw InputError.of('currency', 'must be an ISO 4217 code such as USD');
    const identity = actor.identity;
    if (identity.kind === 'user') {
      const existing = await this.myCart(actor);
      if (existing) return { cart: existing, token: null };
      const cart = await this.prisma.$transaction(async (tx) => {
        // An expired open cart of this customer steps aside (the sweep releases its stock).
        await tx.$executeRaw`UPDATE cart.cart SET status = 'EXPIRED' WHERE customer_id = ${identity.subject} AND status = 'OPEN' AND expires_at <= now()`;
        // Two first requests at once: the partial unique index keeps one open cart, both get it.
        await tx.$executeRaw`
          INSERT INTO cart.cart (customer_id, currency, expires_at) VALUES (${identity.subject}, ${code}, ${this.expiryFor(true)})
          ON CONFLICT (customer_id) WHERE status = 'OPEN' AND customer_id IS NOT NULL DO NOTHING`;
        return tx.cart.findFirstOrThrow({ where: { customerId: identity.subject, status: 'OPEN' } });
      });
      return { cart, token: null };
    }
    const token = randomBytes(32).toString('base64url');
    // A new empty cart changes nothing anyone else sees: no event until its first change.
    const cart = await this.prisma.cart.create({ data: { tokenHash: tokenKey(token), currency: code, expiresAt: this.expiryFor(false) } });
    return { cart, token };
  }

  /** `alsoInCommit`: more writes in the transaction that commits the line (a wishlist move deletes its item). */
  async addCartItem(
    actor: CartActor,
    cartId: string,
    cartToken: string | null | undefined,
    variantId: string,
    quantity: number,
    alsoInCommit?: (tx: Tx) => Promise<void>,
  ): Promise<CartModel> {
    this.checkVariant(variantId);
    this.checkQuantity(quantity, 1);
    return this.change(actor, cartId, cartToken, async (cart, lines) => {
      const existing = lines.find((l) => l.variantId === variantId);
      const next = (existing?.quantity ?? 0) + quantity;
      if (next > MAX_QUANTITY) throw InputError.of('quantity', `would make ${next}: at most ${MAX_QUANTITY} of one variant`);
      if (existing) {
        return { lines: lines.map((l) => (l === existing ? { ...l, quantity: next } : l)), change: 'item_updated', ...(alsoInCommit && { afterWrite: alsoInCommit }) };
      }
      if (lines.length >= MAX_LINES) throw InputError.of('variantId', `a cart has at most ${MAX_LINES} lines`);
      const price = await this.prices.require(variantId);
      if (price.currency !== cart.currency) throw InputError.of('variantId', `is priced in ${price.currency}, the cart in ${cart.currency}`);
      const line = { productId: price.productId, variantId, sku: price.sku, quantity, unitPriceAtAdd: price.price };
      return {
        lines: [...lines, line],
        change: 'item_added',
        extraEvents: [{ topic: 'cart.item_added', payload: { cartId: cart.id, customerId: cart.customerId, productId: price.productId, variantId, quantity } }],
        ...(alsoInCommit && { afterWrite: alsoInCommit }),
      };
    });
  }

  async updateCartItemQuantity(actor: CartActor, cartId: string, cartToken: string | null | undefined, variantId: string, quantity: number): Promise<CartModel> {
    this.checkVariant(variantId);
    this.checkQuantity(quantity, 0);
    return this.change(actor, cartId, cartToken, (_cart, lines) => {
      if (!lines.some((l) => l.variantId === variantId)) throw new NotFoundError('CartItem', 'variantId', variantId);
      if (quantity === 0) return { lines: lines.filter((l) => l.variantId !== variantId), change: 'item_removed' };
      return { lines: lines.map((l) => (l.variantId === variantId ? { ...l, quantity } : l)), change: 'item_updated' };
    });
  }

  async removeCartItem(actor: CartActor, cartId: string, cartToken: string | null | undefined, variantId: string): Promise<CartModel> {
    this.checkVariant(variantId);
    return this.change(actor, cartId, cartToken, (_cart, lines) => {
      if (!lines.some((l) => l.variantId === variantId)) throw new NotFoundError('CartItem', 'variantId', variantId);
      return { lines: lines.filter((l) => l.variantId !== variantId), change: 'item_removed' };
    });
  }

  async clearCart(actor: CartActor, cartId: string, cartToken: string | null | undefined): Promise<CartModel> {
    return this.change(actor, cartId, cartToken, () => ({ lines: [], change: 'cleared', couponCode: null }));
  }

  async applyCoupon(actor: CartActor, cartId: string, cartToken: string | null | undefined, code: string): Promise<CartModel> {
    const normalized = code.trim().toUpperCase();
    if (!/^[A-Z0-9_-]{2,40}$/.test(normalized)) throw InputError.of('code', 'is not a coupon code');
    return this.change(actor, cartId, cartToken, async (cart, lines) => {
      const coupon = await this.couponFor(this.prisma, normalized, cart.customerId);
      if (!coupon) throw InputError.of('code', 'is not a valid coupon');
      // Minimum spend may still be reached: that shows in totals.couponProblem. Anything else is refused now.
      const problem = couponProblem({ ...coupon, minSpend: null }, new Prisma.Decimal(0), cart.currency, this.now());
      if (problem) throw InputError.of('code', problem);
      return { lines, couponCode: normalized, change: 'coupon' };
    });
  }

  async removeCoupon(actor: CartActor, cartId: string, cartToken: string | null | undefined): Promise<CartModel> {
    return this.change(actor, cartId, cartToken, (_cart, lines) => ({ lines, couponCode: null, change: 'coupon' }));
  }

  /**
   * The guest cart of `cartToken` into the signed-in customer's open cart: the guest's hold is
   * released first, then the customer's cart holds the combined quantities, each lowered to
   * what inventory can hold when the sum is more than available. The guest cart ends MERGED.
   */
  async mergeGuestCart(actor: CartActor, cartToken: string): Promise<CartModel> {
    const identity = actor.identity;
    if (identity.kind !== 'user') throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in to merge a cart');
    if (cartToken.trim() === '' || cartToken.length > MAX_TOKEN_LENGTH) throw InputError.of('cartToken', 'is not a cart token');
    const guest = await this.prisma.cart.findUnique({ where: { tokenHash: tokenKey(cartToken) } });
    if (!guest || guest.customerId !== null || guest.status !== 'OPEN' || guest.expiresAt <= this.now()) {
      throw new NotFoundError('Cart', 'cartToken', '(given token)');
    }
    const { cart: target } = await this.createCart(actor, guest.currency);
    if (target.currency !== guest.currency) throw InputError.of('cartToken', `the guest cart is in ${guest.currency}, yours in ${target.currency}`);
    const guestItems = await this.prisma.cartItem.findMany({ where: { cartId: guest.id } });
    const merged = await this.change(actor, target.id, null, async (cart, lines) => {
      // The guest's units go back first, so the customer's cart can hold them.
      await this.internal.request('inventory', `mutation($owner: ID!) { releaseStock(owner: $owner, reason: "merged into the customer's cart") }`, {
        owner: stockOwnerOf(guest.id),
      });
      const combined = lines.map((l) => ({ ...l }));
      for (const item of guestItems) {
        const mine = combined.find((l) => l.variantId === item.variantId);
        if (mine) mine.quantity = Math.min(MAX_QUANTITY, mine.quantity + item.quantity);
        else combined.push({ productId: item.productId, variantId: item.variantId, sku: item.sku, quantity: item.quantity, unitPriceAtAdd: item.unitPriceAtAdd.toFixed(2) });
      }
      return {
        lines: combined,
        change: 'merged',
        couponCode: cart.couponCode ?? guest.couponCode,
        fitToStock: true,
        afterWrite: async (tx) => {
          const closed = await tx.cart.updateMany({ where: { id: guest.id, status: 'OPEN' }, data: { status: 'MERGED', version: { increment: 1 } } });
          if (closed.count === 0) throw new NotFoundError('Cart', 'cartToken', '(given token)');
          await recordEvents(tx, 'cart', [{ topic: 'cart.changed', payload: { cartId: guest.id, customerId: null, change: 'merged' } }], this.meta(actor));
        },
      };
    });
    await this.caches.evictCart(guest);
    return merged;
  }

  /**
   * Service-only (the order subgraph's signIn, issue 10): mergeGuestCart for `customerId`, as if
   * the customer had called it. The schema lets only a service identity reach this.
   */
  async mergeGuestCartForCustomer(actor: CartActor, customerId: string, cartToken: string): Promise<CartModel> {
    if (!isUuid(customerId)) throw InputError.of('customerId', 'is not a customer id');
    return this.mergeGuestCart({ ...actor, identity: identityFor(customerId, 'CUSTOMER') }, cartToken);
  }

  // ------------------------------------------------------------------ checkout (service-only)

  /** The cart priced now for checkout; renews the hold of exactly its lines. */
  async checkoutCart(args: { cartId: string; customerId?: string | null; cartToken?: string | null; region: string }) {
    if (!isUuid(args.cartId)) throw InputError.of('cartId', 'is not a cart id');
    const taxRate = this.taxRateOf(args.region, 'region');
    const cart = await this.prisma.cart.findUnique({ where: { id: args.cartId } });
    if (!cart || cart.expiresAt <= this.now()) throw new NotFoundError('Cart', 'cartId', args.cartId);
    if (cart.customerId !== null) {
      if (args.customerId !== cart.customerId) throw new DomainError(ErrorCode.FORBIDDEN, 'This cart belongs to another customer');
    } else if (!sameToken(cart, args.cartToken)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'A guest cart needs its token');
    }
    if (cart.status !== 'OPEN') throw new DomainError(ErrorCode.CONFLICT, `The cart is ${cart.status.toLowerCase().replace('_', ' ')}`, { status: cart.status });
    const items = await this.prisma.cartItem.findMany({ where: { cartId: cart.id }, orderBy: [{ addedAt: 'asc' }, { id: 'asc' }] });
    if (items.length === 0) throw InputError.of('cartId', 'the cart is empty');
    await this.hold(cart.id, items.map((i) => ({ sku: i.sku, quantity: i.quantity })));
    const priced = await this.priceLines(items);
    const coupon = cart.couponCode ? await this.couponFor(this.prisma, cart.couponCode, cart.customerId) : null;
    const totals = this.totalsOf(cart, priced, coupon, taxRate);
    return {
      id: cart.id,
      customerId: cart.customerId,
      currency: cart.currency,
      stockOwner: stockOwnerOf(cart.id),
      lines: priced.map((i) => ({ productId: i.productId, variantId: i.variantId, sku: i.sku, quantity: i.quantity, unitPrice: i.unitPrice })),
      subtotal: totals.subtotal,
      discount: totals.discount,
      tax: totals.tax,
      shipping: totals.shipping,
      grandTotal: totals.grandTotal,
      couponCode: totals.appliedCoupon,
      version: cart.version,
    };
  }

  /**
   * Closes the cart for `orderId` and redeems its coupon; idempotent per orderId. The stock
   * hold stays (it now belongs to the order). CONFLICT when the cart was closed by another
   * order or its coupon is used up.
   */
  async completeCheckout(actor: CartActor, cartId: string, orderId: string): Promise<boolean> {
    if (!isUuid(cartId)) throw InputError.of('cartId', 'is not a cart id');
    if (orderId.trim() === '' || orderId.length > 200) throw InputError.of('orderId', 'must be 1-200 characters');
    const cart = await this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM cart.cart WHERE id = ${cartId}::uuid FOR UPDATE`;
      const cart = await tx.cart.findUnique({ where: { id: cartId } });
      if (!cart) throw new NotFoundError('Cart', 'cartId', cartId);
      if (cart.orderId === orderId) return null;
      if (cart.status !== 'OPEN') throw new DomainError(ErrorCode.CONFLICT, `The cart is ${cart.status.toLowerCase()}`, { status: cart.status, orderId: cart.orderId });
      if (cart.couponCode) {
        const redeemed = await tx.$queryRaw<Array<{ perCustomerLimit: number | null }>>`
          UPDATE cart.coupon SET used_count = used_count + 1, updated_at = now()
          WHERE code = ${cart.couponCode} AND active AND (usage_limit IS NULL OR used_count < usage_limit)
          RETURNING per_customer_limit AS "perCustomerLimit"`;
        if (redeemed.length === 0) throw new DomainError(ErrorCode.CONFLICT, `Coupon ${cart.couponCode} is used up or no longer valid`, { couponCode: cart.couponCode });
        const limit = redeemed[0]!.perCustomerLimit;
        if (limit !== null && cart.customerId !== null) {
          const [{ n }] = await tx.$queryRaw<[{ n: number }]>`
            SELECT count(*)::int AS n FROM cart.coupon_redemption WHERE code = ${cart.couponCode} AND customer_id = ${cart.customerId}`;
          if (n >= limit) throw new DomainError(ErrorCode.CONFLICT, `Coupon ${cart.couponCode} was already used by this customer`, { couponCode: cart.couponCode });
        }
        await tx.couponRedemption.create({ data: { orderId, code: cart.couponCode, cartId, customerId: cart.customerId } });
      }
      const closed = await tx.cart.update({ where: { id: cartId }, data: { status: 'CHECKED_OUT', orderId, version: { increment: 1 } } });
      await recordEvents(tx, 'cart', [{ topic: 'cart.changed', payload: { cartId, customerId: cart.customerId, change: 'checked_out' } }], this.meta(actor));
      return closed;
    }, CART_TX_OPTIONS);
    if (cart) await this.caches.evictCart(cart);
    return true;
  }

  // ------------------------------------------------------------------ expiry (sweep job)

  /**
   * Expires open carts past their time, a batch at a time, FOR UPDATE SKIP LOCKED (safe with
   * several instances): releases each cart's hold, marks it EXPIRED. Returns how many.
   */
  async expireCarts(batchSize = 100): Promise<number> {
    const expired = await this.prisma.$transaction(async (tx) => {
      const carts = await tx.$queryRaw<Array<{ id: string; customerId: string | null; tokenHash: string | null }>>`
        SELECT id::text, customer_id AS "customerId", token_hash AS "tokenHash" FROM cart.cart
        WHERE status = 'OPEN' AND expires_at <= now() ORDER BY expires_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
      for (const cart of carts) {
        await this.internal.request('inventory', `mutation($owner: ID!) { releaseStock(owner: $owner, reason: "cart expired") }`, { owner: stockOwnerOf(cart.id) });
      }
      if (carts.length === 0) return carts;
      await tx.$executeRaw`UPDATE cart.cart SET status = 'EXPIRED', version = version + 1, updated_at = now() WHERE id = ANY(${carts.map((c) => c.id)}::uuid[])`;
      await recordEvents(
        tx,
        'cart',
        carts.map((c) => ({ topic: 'cart.changed' as const, payload: { cartId: c.id, customerId: c.customerId, change: 'expired' as const } })),
        { actor: 'job cart-expiry' },
      );
      return carts;
    }, CART_TX_OPTIONS);
    await Promise.all(expired.map((c) => this.caches.evictCart({ id: c.id, tokenHash: c.tokenHash })));
    return expired.length;
  }

  // ------------------------------------------------------------------ internals

  /**
   * One change, optimistic: read the cart, check the caller, plan the new lines, hold exactly
   * them in inventory (no database connection is held while inventory answers), then commit
   * lines, version, expiry and events only if the cart's version is still the one read. When
   * another change won, plan again from the new state (its hold call sets the hold to the
   * lines that end up committed). Evicts after commit.
   */
  private async change(
    actor: CartActor,
    cartId: string,
    cartToken: string | null | undefined,
    plan: (cart: CartModel, lines: PlannedLine[]) => Promise<Plan> | Plan,
  ): Promise<CartModel> {
    if (!isUuid(cartId)) throw InputError.of('cartId', 'is not a cart id');
    for (let attempt = 1; ; attempt++) {
      const cart = await this.prisma.cart.findUnique({ where: { id: cartId }, include: { items: { orderBy: [{ addedAt: 'asc' }, { id: 'asc' }] } } });
      if (!cart) throw new NotFoundError('Cart', 'cartId', cartId);
      this.authorize(actor.identity, cart, cartToken);
      if (attempt > 1 && cart.status !== 'OPEN') await this.undoStaleHold(cart);
      if (cart.status !== 'OPEN' || cart.expiresAt <= this.now()) {
        throw new DomainError(ErrorCode.CONFLICT, `The cart is ${cart.expiresAt <= this.now() ? 'expired' : cart.status.toLowerCase().replace('_', ' ')}`, { status: cart.status });
      }
      const before: PlannedLine[] = cart.items.map((i) => ({ productId: i.productId, variantId: i.variantId, sku: i.sku, quantity: i.quantity, unitPriceAtAdd: i.unitPriceAtAdd.toFixed(2) }));
      const planned = await plan(cart, before);
      let lines = planned.lines;
      const removed = before.filter((b) => !lines.some((l) => l.variantId === b.variantId));
      if (planned.fitToStock) lines = await this.holdWithin(cart.id, lines, removed);
      else await this.hold(cart.id, [...lines.map((l) => ({ sku: l.sku, quantity: l.quantity })), ...removed.map((r) => ({ sku: r.sku, quantity: 0 }))]);
      try {
        const updated = await this.prisma.$transaction(async (tx) => {
          const moved = await tx.cart.updateMany({
            where: { id: cartId, version: cart.version, status: 'OPEN' },
            data: {
              version: { increment: 1 },
              expiresAt: this.expiryFor(cart.customerId !== null),
              ...(planned.couponCode !== undefined && { couponCode: planned.couponCode }),
            },
          });
          if (moved.count === 0) throw new CartMoved();
          const keep = lines.map((l) => l.variantId);
          await tx.cartItem.deleteMany({ where: { cartId, variantId: { notIn: keep } } });
          for (const line of lines) {
            await tx.cartItem.upsert({
              where: { cartId_variantId: { cartId, variantId: line.variantId } },
              create: { cartId, productId: line.productId, variantId: line.variantId, sku: line.sku, quantity: line.quantity, unitPriceAtAdd: line.unitPriceAtAdd },
              update: { quantity: line.quantity },
            });
          }
          await planned.afterWrite?.(tx);
          await recordEvents(
            tx,
            'cart',
            [{ topic: 'cart.changed', payload: { cartId, customerId: cart.customerId, change: planned.change } }, ...(planned.extraEvents ?? [])],
            this.meta(actor),
          );
          return tx.cart.findUniqueOrThrow({ where: { id: cartId } });
        }, CART_TX_OPTIONS);
        await this.caches.evictCart(updated);
        return updated;
      } catch (err) {
        if (!(err instanceof CartMoved)) throw err;
        if (attempt >= MAX_ATTEMPTS) {
          // Leave the hold matching what the cart now says, then let the caller retry.
          const now = await this.prisma.cartItem.findMany({ where: { cartId } });
          await this.hold(cartId, [...now.map((i) => ({ sku: i.sku, quantity: i.quantity })), ...lines.filter((l) => !now.some((i) => i.sku === l.sku)).map((l) => ({ sku: l.sku, quantity: 0 }))]);
          throw new DomainError(ErrorCode.CONFLICT, 'The cart kept changing meanwhile; try again', { cartId });
        }
      }
    }
  }

  /**
   * Our hold call raced the cart's closing (checkout, expiry, merge) and lost the commit: put
   * the hold back to what the closed cart means. A checked-out cart's hold belongs to its order:
   * exactly the checked-out lines (if the order committed already, this strands a hold until it
   * expires: units briefly unavailable, never sold wrong); an expired or merged cart holds nothing.
   */
  private async undoStaleHold(cart: CartModel & { items: CartItemRow[] }): Promise<void> {
    if (cart.status === 'CHECKED_OUT') {
      await this.hold(cart.id, cart.items.map((i) => ({ sku: i.sku, quantity: i.quantity })));
    } else {
      await this.internal.request('inventory', `mutation($owner: ID!) { releaseStock(owner: $owner, reason: "cart closed") }`, { owner: stockOwnerOf(cart.id) });
    }
  }

  /** Sets the cart's hold in inventory to exactly `lines` (OUT_OF_STOCK passes through to the caller). */
  private async hold(cartId: string, lines: Array<{ sku: string; quantity: number }>): Promise<void> {
    const bySku = new Map<string, number>();
    for (const l of lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.quantity);
    await this.internal.request(
      'inventory',
      `mutation($owner: ID!, $lines: [StockLineInput!]!) { holdStock(owner: $owner, lines: $lines) { owner } }`,
      { owner: stockOwnerOf(cartId), lines: [...bySku].map(([sku, quantity]) => ({ sku, quantity })) },
    );
  }

  /** Holds `lines`, lowering a line to what is available when inventory says OUT_OF_STOCK (merges). */
  private async holdWithin(cartId: string, lines: PlannedLine[], removed: PlannedLine[]): Promise<PlannedLine[]> {
    let current = lines.map((l) => ({ ...l }));
    for (let attempt = 0; attempt <= current.length; attempt++) {
      try {
        await this.hold(cartId, [...current.map((l) => ({ sku: l.sku, quantity: l.quantity })), ...removed.map((r) => ({ sku: r.sku, quantity: 0 }))]);
        return current.filter((l) => l.quantity > 0);
      } catch (err) {
        if (!(err instanceof DomainError) || err.code !== ErrorCode.OUT_OF_STOCK) throw err;
        const sku = err.details.sku;
        const available = Number(err.details.available);
        current = current.map((l) => (l.sku === sku ? { ...l, quantity: Math.max(0, Math.min(l.quantity, available)) } : l));
      }
    }
    throw new DomainError(ErrorCode.CONFLICT, 'Stock kept changing while the carts were merged; try again');
  }

  private authorize(identity: Identity, cart: CartModel, token: string | null | undefined): void {
    if (cart.customerId !== null) {
      if (identity.kind !== 'user') throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in to change your cart');
      if (identity.subject !== cart.customerId) throw new DomainError(ErrorCode.FORBIDDEN, 'This cart belongs to another customer');
      return;
    }
    if (!sameToken(cart, token)) throw new DomainError(ErrorCode.FORBIDDEN, 'A guest cart is changed with its token (cartToken)');
  }

  private totalsOf(cart: CartModel, priced: ReadonlyArray<{ unitPrice: string; quantity: number }>, coupon: TotalsCoupon | null, taxRate: string | null): Totals {
    return computeTotals(
      priced.map((p) => ({ unitPrice: p.unitPrice, quantity: p.quantity })),
      coupon,
      cart.currency,
      { taxRate, shippingFlatRate: this.settings.shippingFlatRate, freeShippingThreshold: this.settings.freeShippingThreshold },
      this.now(),
    );
  }

  private async couponFor(db: Pick<PrismaClient, 'coupon' | 'couponRedemption'> | Tx, code: string, customerId: string | null): Promise<TotalsCoupon | null> {
    const coupon = await db.coupon.findUnique({ where: { code } });
    if (!coupon) return null;
    const usedByCustomer = customerId === null ? 0 : await db.couponRedemption.count({ where: { code, customerId } });
    return {
      code: coupon.code,
      kind: coupon.kind as 'PERCENTAGE' | 'FIXED',
      value: coupon.value.toFixed(2),
      currency: coupon.currency,
      minSpend: coupon.minSpend?.toFixed(2) ?? null,
      startsAt: coupon.startsAt,
      endsAt: coupon.endsAt,
      active: coupon.active,
      usageLimit: coupon.usageLimit,
      usedCount: coupon.usedCount,
      perCustomerLimit: coupon.perCustomerLimit,
      usedByCustomer,
    };
  }

  private taxRateOf(region: string | null | undefined, field: string): string | null {
    if (region == null) return null;
    const rate = this.settings.taxRates[region.trim().toUpperCase()];
    if (rate === undefined) throw InputError.of(field, `is not a region we ship to (${Object.keys(this.settings.taxRates).join(', ')})`);
    return rate;
  }

  private expiryFor(signedIn: boolean): Date {
    const days = signedIn ? this.settings.cartCustomerTtlDays : this.settings.cartGuestTtlDays;
    return new Date(this.now().getTime() + days * 86_400_000);
  }

  private checkVariant(variantId: string): void {
    if (!isUuid(variantId)) throw InputError.of('variantId', 'is not a variant id');
  }

  private checkQuantity(quantity: number, min: number): void {
    if (!Number.isInteger(quantity) || quantity < min || quantity > MAX_QUANTITY) throw InputError.of('quantity', `must be an integer from ${min} to ${MAX_QUANTITY}`);
  }

  private meta(actor: CartActor) {
    const who = actor.identity.kind === 'user' ? actor.identity.subject : actor.identity.kind === 'service' ? `service ${actor.identity.service}` : 'guest';
    return { actor: who, ...(actor.requestId && { requestId: actor.requestId }) };
  }

  /**
   * Admits a subscription to a cart's changes: the token opens it (a guest's credential); a
   * customer's cart also needs that customer signed in. Returns the cart.
   */
  async admitWatch(ctx: CartReadContext & { identity: Identity }, cartId: string, cartToken: string | null | undefined): Promise<CartModel> {
    return this.cartById(ctx, cartId, cartToken);
  }
}
