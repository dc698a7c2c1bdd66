import {
  assertOwnerOrAdmin,
  DomainError,
  ErrorCode,
  hasScope,
  InputError,
  isUuid,
  newestFirstKeyset,
  NotFoundError,
  parseFirst,
  Prisma,
  requireAuthenticated,
  toConnection,
  type FieldError,
  type Identity,
  type Logger,
  type PrismaClient,
} from '@shopgraph/kit';
import type { OrderConnectionModel, OrderModel, OrderRow, RefundRow } from '../models.js';
import { countOrdersWithArchive, findArchivedOrder, findOrdersWithArchive, type SharedOrderWhere } from './archive/archivedOrders.js';
import type { PaymentProvider } from '../payments/paymentProvider.js';
import type { CommercePorts } from './commercePorts.js';
import { isAdminTarget, isRefundable, ORDER_STATUSES, type OrderStatus } from './orderLifecycle.js';
import { lockOrder, recordRefundIssued, transition, TX_OPTIONS, type Actor } from './orderStore.js';

const ORDER_SORT = 'placed_desc';
const MAX_NOTE = 500;
const MONEY = /^\d{1,10}(\.\d{1,2})?$/;

export interface OrderFilterInput {
  status?: OrderStatus | null;
  customerId?: string | null;
  placedFrom?: Date | null;
  placedTo?: Date | null;
}

/** What updateOrderStatus may say of a shipment (SHIPPED only). */
export interface ShipmentInput {
  trackingNumber?: string | null;
  carrier?: string | null;
}

const TRACKING_NUMBER = /^[A-Za-z0-9][A-Za-z0-9 -]{1,62}[A-Za-z0-9]$/;
const MAX_CARRIER = 50;

/** The tracking columns to write (trimmed), or nothing; pushes a field error for each bad part. */
function parseShipment(status: OrderStatus, shipment: ShipmentInput, errors: FieldError[]): { trackingNumber: string; carrier: string | null } | null {
  const trackingNumber = shipment.trackingNumber?.trim() ?? null;
  const carrier = shipment.carrier?.trim() ?? null;
  if (trackingNumber === null && carrier === null) return null;
  if (status !== 'SHIPPED') {
    errors.push({ field: trackingNumber !== null ? 'trackingNumber' : 'carrier', message: 'is only taken with status SHIPPED' });
    return null;
  }
  if (trackingNumber === null) {
    errors.push({ field: 'trackingNumber', message: 'is required with a carrier' });
    return null;
  }
  if (!TRACKING_NUMBER.test(trackingNumber)) errors.push({ field: 'trackingNumber', message: 'must be 3-64 letters, digits, spaces or dashes' });
  if (carrier !== null && (carrier.length === 0 || carrier.length > MAX_CARRIER)) errors.push({ field: 'carrier', message: `must be 1-${MAX_CARRIER} characters` });
  return { trackingNumber, carrier: carrier || null };
}

/** Reads and the admin side of the lifecycle: status changes (cancellation gives stock and money back) and refunds. */
export class OrderService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ports: CommercePorts,
    private readonly payments: PaymentProvider,
    private readonly logger: Logger,
    private readonly onSalesChanged: () => Promise<void>,
  ) {}

  /**
   * A customer's own order, or any order for an admin with "orders"; anyone else's is NOT_FOUND
   * (its existence is not revealed). An archived order is read from the archive under the same rule.
   */
  async order(identity: Identity, id: string): Promise<OrderModel> {
    const user = requireAuthenticated(identity);
    const order = isUuid(id) ? ((await this.prisma.order.findUnique({ where: { id } })) ?? (await findArchivedOrder(this.prisma, id))) : null;
    if (!order || (order.customerId !== user.subject && !(hasScope(user, 'admin') && hasScope(user, 'orders')))) throw new NotFoundError('Order', 'id', id);
    return order;
  }

  myOrders(identity: Identity, args: { first?: number | null; after?: string | null; status?: OrderStatus | null }): Promise<OrderConnectionModel> {
    const user = requireAuthenticated(identity);
    if (!isUuid(user.subject)) return this.page({ id: { in: [] } }, args);
    return this.page({ customerId: user.subject, ...(args.status && { status: args.status }) }, args);
  }

  orders(args: { filter?: OrderFilterInput | null; first?: number | null; after?: string | null }): Promise<OrderConnectionModel> {
    const f = args.filter ?? {};
    if (f.customerId != null && !isUuid(f.customerId)) throw InputError.of('filter.customerId', 'is not a customer id');
    const where: SharedOrderWhere = {
      ...(f.status && { status: f.status }),
      ...(f.customerId && { customerId: f.customerId }),
      ...((f.placedFrom || f.placedTo) && { placedAt: { ...(f.placedFrom && { gte: f.placedFrom }), ...(f.placedTo && { lt: f.placedTo }) } }),
    };
    return this.page(where, args);
  }

  /** A page of live and archived orders together (archived ones are marked `archived`). */
  private async page(where: SharedOrderWhere, args: { first?: number | null; after?: string | null }): Promise<OrderConnectionModel> {
    const first = parseFirst(args.first);
    const { after, keyset } = newestFirstKeyset(args.after, ORDER_SORT, 'placedAt');
    const rows = await findOrdersWithArchive(this.prisma, { AND: [where, keyset] }, first + 1);
    return toConnection(rows, { first, after }, ORDER_SORT, (o) => [o.placedAt.toISOString(), o.id], () => countOrdersWithArchive(this.prisma, where));
  }

  /**
   * Admin: SHIPPED, DELIVERED or CANCELLED, when the lifecycle allows it (else CONFLICT).
   * Cancelling commits first (so the order can no longer ship), then gives the sold stock back
   * (returnStock, once per order) and refunds what was captured. Asking to cancel a cancelled
   * order again repeats those two idempotent steps, so a failed one can be retried.
   */
  async updateStatus(actor: Actor, orderId: string, status: OrderStatus, note: string | null | undefined, shipment: ShipmentInput = {}): Promise<OrderRow> {
    const errors: FieldError[] = [];
    if (!isUuid(orderId)) errors.push({ field: 'orderId', message: 'is not an order id' });
    if (!ORDER_STATUSES.includes(status) || !isAdminTarget(status)) errors.push({ field: 'status', message: 'must be SHIPPED, DELIVERED or CANCELLED (checkout and refunds set the others)' });
    if (note != null && note.length > MAX_NOTE) errors.push({ field: 'note', message: `must be at most ${MAX_NOTE} characters` });
    const tracking = parseShipment(status, shipment, errors);
    if (errors.length > 0) throw new InputError(errors);

    const { order, changed } = await this.prisma.$transaction(async (tx) => {
      const locked = await lockOrder(tx, orderId);
      if (!locked) throw new NotFoundError('Order', 'id', orderId);
      if (locked.status === 'CANCELLED' && status === 'CANCELLED') return { order: locked, changed: false };
      return { order: await transition(tx, locked, status, actor, { note: note ?? null, ...(tracking && { data: tracking }) }), changed: true };
    }, TX_OPTIONS);
    if (status === 'CANCELLED') await this.afterCancel(actor, order);
    if (changed && status === 'CANCELLED') await this.onSalesChanged();
    return order;
  }

  /** The stock comes back and the captured money goes back (both idempotent). */
  private async afterCancel(actor: Actor, order: OrderRow): Promise<void> {
    const lines = await this.prisma.orderLine.findMany({ where: { orderId: order.id }, select: { sku: true, quantity: true } });
    if (order.checkoutStep !== null) {
      // The reference is the order id, as its SELL movements carry it: the units go back to the warehouses they left.
      await this.ports.returnStock(order.id, lines, 'order cancelled');
    }
    const payment = await this.prisma.payment.findUnique({ where: { orderId: order.id } });
    if (!payment) return;
    const refundId = await this.prisma.$transaction(async (tx) => {
      await lockOrder(tx, order.id);
      const p = await tx.payment.findUniqueOrThrow({ where: { id: payment.id } });
      const remaining = p.capturedAmount.minus(p.refundedAmount);
      const existing = await tx.refund.findUnique({ where: { orderId_idempotencyKey: { orderId: order.id, idempotencyKey: 'cancellation' } } });
      if (existing) return existing.id;
      if (remaining.lte(0)) return null;
      const refund = await tx.refund.create({ data: { orderId: order.id, paymentId: p.id, idempotencyKey: 'cancellation', amount: remaining, reason: 'order cancelled', actor: actor.subject } });
      await tx.payment.update({ where: { id: p.id }, data: { refundedAmount: { increment: remaining }, updatedAt: new Date() } });
      await recordRefundIssued(tx, order, refund, p.currency, actor);
      return refund.id;
    }, TX_OPTIONS);
    if (refundId) {
      const refund = await this.prisma.refund.findUniqueOrThrow({ where: { id: refundId } });
      await this.payments.refund({ paymentId: payment.id, refundId, reference: payment.providerReference ?? '', amount: refund.amount.toFixed(2), currency: payment.currency });
    }
  }

  /**
   * Admin: refunds `amount` (default: all that is left) of the captured payment, once per
   * idempotency key. The payment row is locked and `refunded_amount <= captured_amount` is a
   * CHECK, so concurrent refunds can never exceed the capture.
   */
  async refund(actor: Actor, args: { orderId: string; amount?: string | null; reason: string; idempotencyKey: string }): Promise<RefundRow> {
    const errors: FieldError[] = [];
    if (!isUuid(args.orderId)) errors.push({ field: 'orderId', message: 'is not an order id' });
    if (args.amount != null && (!MONEY.test(args.amount) || new Prisma.Decimal(args.amount).lte(0))) {
      errors.push({ field: 'amount', message: 'must be a positive amount with at most 2 decimals' });
    }
    if (args.reason.trim().length === 0 || args.reason.length > MAX_NOTE) errors.push({ field: 'reason', message: `must be 1-${MAX_NOTE} characters` });
    if (args.idempotencyKey.trim().length === 0 || args.idempotencyKey.length > 200) errors.push({ field: 'idempotencyKey', message: 'must be 1-200 characters' });
    if (errors.length > 0) throw new InputError(errors);

    const { refund, created, payment } = await this.prisma.$transaction(async (tx) => {
      const order = await lockOrder(tx, args.orderId);
      if (!order) throw new NotFoundError('Order', 'id', args.orderId);
      const existing = await tx.refund.findUnique({ where: { orderId_idempotencyKey: { orderId: order.id, idempotencyKey: args.idempotencyKey } } });
      if (existing) {
        if (args.amount != null && !existing.amount.eq(args.amount)) throw InputError.of('idempotencyKey', 'was already used for a refund of another amount');
        return { refund: existing, created: false, payment: null };
      }
      const status = order.status;
      if (!isRefundable(status)) throw new DomainError(ErrorCode.CONFLICT, `An order that is ${status} cannot be refunded`, { status });
      const p = await tx.payment.findUnique({ where: { orderId: order.id } });
      const remaining = p ? p.capturedAmount.minus(p.refundedAmount) : new Prisma.Decimal(0);
      if (!p || remaining.lte(0)) throw new DomainError(ErrorCode.CONFLICT, 'Nothing captured is left to refund', { refundable: remaining.toFixed(2) });
      const amount = args.amount != null ? new Prisma.Decimal(args.amount) : remaining;
      if (amount.gt(remaining)) throw new InputError([{ field: 'amount', message: `must be at most ${remaining.toFixed(2)} (captured and not yet refunded)` }]);
      const refund = await tx.refund.create({ data: { orderId: order.id, paymentId: p.id, idempotencyKey: args.idempotencyKey, amount, reason: args.reason.trim(), actor: actor.subject } });
      const updated = await tx.payment.update({ where: { id: p.id }, data: { refundedAmount: { increment: amount }, updatedAt: new Date() } });
      await recordRefundIssued(tx, order, refund, p.currency, actor);
      const full = updated.refundedAmount.eq(updated.capturedAmount);
      await transition(tx, order, full ? 'REFUNDED' : 'PARTIALLY_REFUNDED', actor, { note: `refund ${amount.toFixed(2)} ${p.currency}: ${args.reason.trim()}` });
      return { refund, created: true, payment: updated };
    }, TX_OPTIONS);
    if (created && payment) {
      await this.payments.refund({ paymentId: payment.id, refundId: refund.id, reference: payment.providerReference ?? '', amount: refund.amount.toFixed(2), currency: payment.currency });
      await this.onSalesChanged();
    }
    return refund;
  }
}

/** An order's customer, or an admin with "orders": the rule behind order(id). */
export function canSeeOrder(identity: Identity, order: Pick<OrderRow, 'customerId'>): boolean {
  try {
    assertOwnerOrAdmin(identity, order.customerId, 'orders');
    return true;
  } catch {
    return false;
  }
}
