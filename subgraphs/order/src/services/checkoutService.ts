import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError, ErrorCode, InputError, isUuid, Prisma, type AuthenticatedIdentity, type FieldError, type Logger, type PrismaClient } from '@shopgraph/kit';
import type { AddressModel, OrderRow } from '../models.js';
import { FAILURE_REASONS, LeaseLostError, recordPlaced, type CheckoutSaga } from './checkoutSaga.js';
import type { CheckoutCart, CommercePorts } from './commercePorts.js';
import { Admission } from './admission.js';
import type { IdempotencyGate } from './idempotencyGate.js';
import { findOrderByKey, TX_OPTIONS, type Actor } from './orderStore.js';

export interface AddressInput {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  region: string;
  country: string;
}

export interface CheckoutInput {
  cartId: string;
  cartToken?: string | null;
  /** Exactly one of shippingAddress and shippingAddressId. */
  shippingAddress?: AddressInput | null;
  shippingAddressId?: string | null;
  billingAddress?: AddressInput | null;
  billingAddressId?: string | null;
  paymentMethod: { cardToken: string };
}

/** The customer's address book as checkout reads it: a saved address copied for the order, NOT_FOUND on `field` when not theirs. */
export interface SavedAddresses {
  addressOf(customerId: string, addressId: string, field: string): Promise<AddressModel>;
}

export interface CheckoutOptions {
  instanceId: string;
  leaseSeconds: number;
  /** How long a repeated request waits for the first attempt's outcome before answering with the PENDING order. */
  inFlightWaitMs: number;
  /** Checkouts that run at once in this instance (the rest queue). */
  maxConcurrent: number;
  paymentProvider: string;
}

const MAX_KEY = 200;
const MAX_TEXT = 200;

/**
 * checkout: exactly one order per (customer, idempotency key), then the saga. Redis's SET NX
 * keeps concurrent repeats from pricing and writing at all; the UNIQUE key in Postgres is
 * what guarantees one order when Redis is absent or wrong.
 */
export class CheckoutService {
  private readonly admission: Admission;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly ports: CommercePorts,
    private readonly saga: CheckoutSaga,
    private readonly gate: IdempotencyGate,
    private readonly logger: Logger,
    private readonly options: CheckoutOptions,
    private readonly savedAddresses: SavedAddresses,
  ) {
    this.admission = new Admission(options.maxConcurrent);
  }

  async checkout(identity: AuthenticatedIdentity, requestId: string | undefined, input: CheckoutInput, idempotencyKey: string): Promise<OrderRow> {
    const customerId = identity.subject;
    if (identity.role !== 'CUSTOMER' || !isUuid(customerId)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only a signed-in customer can check out');
    }
    const { shipping, billing } = await this.addressesOf(customerId, input, validate(input, idempotencyKey));
    const actor: Actor = { subject: customerId, requestId };

    const gate = await this.gate.claim(customerId, idempotencyKey, input.cartId);
    if (gate.kind === 'taken') {
      if (gate.cartId !== input.cartId) throw keyReused();
      const existing = await this.waitForOrder(customerId, idempotencyKey);
      if (existing) return this.settle(existing, input.cartId, null);
      // The first attempt ended without an order (and freed the key) or is stuck before writing: Postgres decides below.
    }
    let owned = gate.kind === 'first';
    try {
      const existing = await findOrderByKey(this.prisma, customerId, idempotencyKey);
      if (existing) {
        owned = false;
        return await this.settle(existing, input.cartId, null);
      }
      owned = false;
      return await this.admission.run(() => this.place(customerId, idempotencyKey, input, shipping, billing, actor, gate.kind === 'first'));
    } finally {
      if (owned) await this.gate.free(customerId, idempotencyKey);
    }
  }

  /** Prices the cart, creates the order (unless the key has one) and runs the saga; its turn comes from the admission queue. */
  private async place(
    customerId: string,
    idempotencyKey: string,
    input: CheckoutInput,
    shipping: AddressModel,
    billing: AddressModel,
    actor: Actor,
    holdsGate: boolean,
  ): Promise<OrderRow> {
    let owned = holdsGate;
    try {
      let cart: CheckoutCart;
      try {
        cart = await this.ports.checkoutCart({ cartId: input.cartId, customerId, cartToken: input.cartToken ?? null, region: shipping.region });
      } catch (err) {
        // A concurrent attempt with this key (one Redis did not stop: down, slow) may have placed the order and closed the cart meanwhile.
        const placed = await findOrderByKey(this.prisma, customerId, idempotencyKey);
        if (placed) {
          owned = false;
          return await this.settle(placed, input.cartId, null);
        }
        throw err;
      }
      checkCart(cart, customerId);
      const requestHash = hashOf(cart);
      const created = await this.create(customerId, idempotencyKey, requestHash, cart, shipping, billing, input.paymentMethod.cardToken, actor);
      owned = false;
      if (!created.inserted) return await this.settle(created.order, input.cartId, requestHash);
      const failure: { error?: DomainError } = {};
      let order: OrderRow;
      try {
        order = await this.saga.run(created.order.id, failure);
      } catch (err) {
        if (err instanceof LeaseLostError) return await this.settle(created.order, input.cartId, null);
        // A call out failed (a subgraph down): the order stays PENDING and the recovery job finishes or compensates it.
        this.logger.error({ err, orderId: created.order.id }, 'checkout saga interrupted; the recovery job takes it from here');
        return await this.prisma.order.findUniqueOrThrow({ where: { id: created.order.id } });
      }
      if (order.status === 'FAILED') throw failure.error ?? failureError(order);
      return order;
    } finally {
      if (owned) await this.gate.free(customerId, idempotencyKey);
    }
  }

  /** Creates the PENDING order with its lines, payment, first timeline entry and order.placed, unless the key has one already. */
  private async create(
    customerId: string,
    idempotencyKey: string,
    requestHash: string,
    cart: CheckoutCart,
    shipping: AddressModel,
    billing: AddressModel,
    cardToken: string,
    actor: Actor,
  ): Promise<{ inserted: boolean; order: OrderRow }> {
    const result = await this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO ordering."order" (number, customer_id, status, currency, subtotal, discount, tax, shipping, total, coupon_code, placed_at,
          idempotency_key, request_hash, cart_id, cart_version, stock_owner, checkout_step, lease_owner, lease_until, shipping_address, billing_address)
        VALUES ('SG-' || nextval('ordering.order_number_seq'), ${customerId}::uuid, 'PENDING', ${cart.currency}, ${cart.subtotal}::numeric, ${cart.discount}::numeric,
          ${cart.tax}::numeric, ${cart.shipping}::numeric, ${cart.grandTotal}::numeric, ${cart.couponCode}, now(),
          ${idempotencyKey}, ${requestHash}, ${cart.id}::uuid, ${cart.version}, ${cart.stockOwner}, 'CREATED', ${this.options.instanceId},
          now() + make_interval(secs => ${this.options.leaseSeconds}), ${JSON.stringify(shipping)}::jsonb, ${JSON.stringify(billing)}::jsonb)
        ON CONFLICT (customer_id, idempotency_key) DO NOTHING
        RETURNING id::text`;
      const id = rows[0]?.id;
      if (!id) return null;
      await tx.orderLine.createMany({
        data: cart.lines.map((l) => ({
          orderId: id,
          productId: l.productId,
          variantId: l.variantId,
          sku: l.sku,
          name: l.sku,
          quantity: l.quantity,
          unitPrice: new Prisma.Decimal(l.unitPrice),
          lineTotal: new Prisma.Decimal(l.unitPrice).mul(l.quantity),
        })),
      });
      await tx.payment.create({
        data: { orderId: id, provider: this.options.paymentProvider, token: cardToken, status: 'PENDING', currency: cart.currency, amount: new Prisma.Decimal(cart.grandTotal) },
      });
      await tx.orderTimeline.create({ data: { orderId: id, status: 'PENDING', previousStatus: null, note: 'checkout started', actor: actor.subject } });
      const order = await tx.order.findUniqueOrThrow({ where: { id } });
      await recordPlaced(
        tx,
        order,
        cart.lines.map((l) => ({ productId: l.productId, variantId: l.variantId, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice })),
        actor,
      );
      return order;
    }, TX_OPTIONS);
    if (result) return { inserted: true, order: result };
    const existing = await findOrderByKey(this.prisma, customerId, idempotencyKey);
    if (!existing) throw new Error('idempotency key conflicted but no order holds it');
    return { inserted: false, order: existing };
  }

  /** The answer for an order that already holds the key: the same order (after waiting while it is in flight), or its failure. */
  private async settle(order: OrderRow, cartId: string, requestHash: string | null): Promise<OrderRow> {
    if (order.cartId !== cartId || (requestHash !== null && order.requestHash !== requestHash)) throw keyReused();
    let current = order;
    const deadline = Date.now() + this.options.inFlightWaitMs;
    while (current.status === 'PENDING' && Date.now() < deadline) {
      await sleep(50);
      current = await this.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
    }
    if (current.status === 'FAILED') throw failureError(current);
    return current;
  }

  /** The order's addresses: written out in the input, or copied from the caller's book by id. */
  private async addressesOf(customerId: string, input: CheckoutInput, inline: InlineAddresses): Promise<{ shipping: AddressModel; billing: AddressModel }> {
    const shipping = inline.shipping ?? (await this.savedAddresses.addressOf(customerId, input.shippingAddressId!, 'input.shippingAddressId'));
    const billing = inline.billing ?? (input.billingAddressId ? await this.savedAddresses.addressOf(customerId, input.billingAddressId, 'input.billingAddressId') : shipping);
    return { shipping, billing };
  }

  /** A concurrent first attempt holds the Redis key: wait for its order to appear. */
  private async waitForOrder(customerId: string, idempotencyKey: string): Promise<OrderRow | null> {
    const deadline = Date.now() + this.options.inFlightWaitMs;
    for (;;) {
      const order = await findOrderByKey(this.prisma, customerId, idempotencyKey);
      if (order) return order;
      if (Date.now() >= deadline || !(await this.gate.isHeld(customerId, idempotencyKey))) return null;
      await sleep(25);
    }
  }
}

function keyReused(): InputError {
  return InputError.of('idempotencyKey', 'was already used for another checkout (another cart, or the cart at another amount): use a new key');
}

/** The error a FAILED order answers with, for its first caller and for every repeat of its key. */
export function failureError(order: OrderRow): DomainError {
  switch (order.failureReason) {
    case FAILURE_REASONS.outOfStock:
      return new DomainError(ErrorCode.OUT_OF_STOCK, 'An item of the cart is out of stock', { orderId: order.id });
    case FAILURE_REASONS.declined:
    case FAILURE_REASONS.timeout:
      return new DomainError(ErrorCode.PAYMENT_DECLINED, order.failureReason === FAILURE_REASONS.timeout ? 'The payment timed out' : 'The payment was declined', {
        orderId: order.id,
        reason: order.failureReason,
      });
    default:
      return new DomainError(ErrorCode.CONFLICT, `Checkout failed: ${order.failureReason ?? 'unknown reason'}`, { orderId: order.id, reason: order.failureReason });
  }
}

/** What the key is bound to: the cart and the amount it was priced at. */
function hashOf(cart: CheckoutCart): string {
  return createHash('sha256').update(`${cart.id}|${new Prisma.Decimal(cart.grandTotal).toFixed(2)}|${cart.currency}`).digest('hex');
}

function checkCart(cart: CheckoutCart, customerId: string): void {
  if (cart.customerId !== null && cart.customerId !== customerId) throw new DomainError(ErrorCode.FORBIDDEN, 'This cart belongs to another customer');
  if (cart.lines.length === 0) throw InputError.of('input.cartId', 'the cart is empty');
}

/** Addresses written out in the input (null where an address id stands instead). */
interface InlineAddresses {
  shipping: AddressModel | null;
  billing: AddressModel | null;
}

function validate(input: CheckoutInput, idempotencyKey: string): InlineAddresses {
  const errors: FieldError[] = [];
  if (idempotencyKey.trim().length === 0 || idempotencyKey.length > MAX_KEY) errors.push({ field: 'idempotencyKey', message: `must be 1-${MAX_KEY} characters` });
  if (!isUuid(input.cartId)) errors.push({ field: 'input.cartId', message: 'is not a cart id' });
  const token = input.paymentMethod.cardToken;
  if (token.trim().length === 0 || token.length > MAX_TEXT) errors.push({ field: 'input.paymentMethod.cardToken', message: `must be 1-${MAX_TEXT} characters` });
  if (Boolean(input.shippingAddress) === Boolean(input.shippingAddressId)) {
    errors.push({ field: 'input.shippingAddress', message: 'give either shippingAddress or shippingAddressId' });
  }
  if (input.billingAddress && input.billingAddressId) errors.push({ field: 'input.billingAddress', message: 'give at most one of billingAddress and billingAddressId' });
  const shipping = input.shippingAddress ? address(input.shippingAddress, 'input.shippingAddress', errors) : null;
  const billing = input.billingAddress ? address(input.billingAddress, 'input.billingAddress', errors) : input.billingAddressId ? null : shipping;
  if (errors.length > 0) throw new InputError(errors);
  return { shipping, billing };
}

function address(a: AddressInput, path: string, errors: FieldError[]): AddressModel {
  for (const field of ['name', 'line1', 'city', 'postalCode', 'region'] as const) {
    const v = a[field].trim();
    if (v.length === 0 || v.length > MAX_TEXT) errors.push({ field: `${path}.${field}`, message: `must be 1-${MAX_TEXT} characters` });
  }
  if (a.line2 != null && a.line2.length > MAX_TEXT) errors.push({ field: `${path}.line2`, message: `must be at most ${MAX_TEXT} characters` });
  if (!/^[A-Z]{2}$/.test(a.country)) errors.push({ field: `${path}.country`, message: 'must be an ISO 3166-1 alpha-2 code such as "US"' });
  return {
    name: a.name.trim(),
    line1: a.line1.trim(),
    line2: a.line2?.trim() || null,
    city: a.city.trim(),
    postalCode: a.postalCode.trim(),
    region: a.region.trim(),
    country: a.country,
  };
}
