import { DomainError, ErrorCode, recordEvents, type Logger, type PrismaClient } from '@shopgraph/kit';
import type { OrderRow } from '../models.js';
import { PaymentTimeoutError, withPaymentTimeout, type PaymentProvider } from '../payments/paymentProvider.js';
import type { CommercePorts, StockLine } from './commercePorts.js';
import { eventMeta, lockOrder, SYSTEM_ACTOR, transition, TX_OPTIONS, type Actor } from './orderStore.js';

/**
 * The steps of checkout, in order; `order.checkout_step` names the last one done, so a saga
 * cut short (a crash, a lost lease) is picked up from there.
 */
export const CHECKOUT_STEPS = ['CREATED', 'STOCK_HELD', 'AUTHORIZED', 'STOCK_COMMITTED', 'CART_CLOSED', 'DONE', 'COMPENSATED'] as const;
export type CheckoutStep = (typeof CHECKOUT_STEPS)[number];

export interface SagaOptions {
  /** Who runs sagas in this process (lease owner). */
  instanceId: string;
  /** A saga's lease; renewed at every step. The recovery job takes over orders whose lease lapsed. */
  leaseSeconds: number;
  /** Longest wait for the payment provider's authorisation. */
  paymentTimeoutMs: number;
  /** Test hook (SHOPGRAPH_CHECKOUT_CRASH_AFTER): the process exits right after recording this step. */
  crashAfter?: CheckoutStep | undefined;
  /** What the crash hook calls (process.exit by default). */
  exit?: (code: number) => never;
}

/** Why a saga stopped: the order belongs to another runner now (its lease lapsed and was taken). */
export class LeaseLostError extends Error {
  constructor(orderId: string) {
    super(`checkout of order ${orderId} is being run by another instance`);
    this.name = 'LeaseLostError';
  }
}

/** What a failed checkout tells its caller (kept on the order as failure_reason). */
export const FAILURE_REASONS = {
  outOfStock: 'OUT_OF_STOCK',
  declined: 'PAYMENT_DECLINED',
  timeout: 'PAYMENT_TIMEOUT',
  cartConflict: 'CART_CONFLICT',
  interrupted: 'CHECKOUT_INTERRUPTED',
} as const;

/** Steps before the payment was known to be authorised: the recovery job compensates them rather than charge late. */
const COMPENSATE_FROM: ReadonlySet<string> = new Set(['CREATED', 'STOCK_HELD']);

/**
 * Drives one order's checkout from the step it is at to CONFIRMED, or compensates it to
 * FAILED. Every call out is idempotent (holdStock sets an exact quantity, commitStock and
 * completeCheckout are once per order, the provider is keyed by the payment id), and each step
 * is recorded only after it succeeded, so running a step twice after a crash is harmless.
 */
export class CheckoutSaga {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ports: CommercePorts,
    private readonly payments: PaymentProvider,
    private readonly logger: Logger,
    private readonly options: SagaOptions,
    private readonly onSold: () => Promise<void>,
  ) {}

  /** Checkout's own run, right after the order was created (the caller holds the lease). */
  async run(orderId: string, failure?: { error?: DomainError }): Promise<OrderRow> {
    return this.drive(orderId, 'live', failure);
  }

  /** The recovery job's run of an order whose lease it took: forward when paid, else compensate. */
  async recover(orderId: string): Promise<OrderRow> {
    return this.drive(orderId, 'recovery');
  }

  private async drive(orderId: string, mode: 'live' | 'recovery', failure: { error?: DomainError } = {}): Promise<OrderRow> {
    let order = await this.load(orderId);
    if (mode === 'recovery' && order.status === 'PENDING' && COMPENSATE_FROM.has(order.checkoutStep ?? '')) {
      return this.fail(order, FAILURE_REASONS.interrupted, { voidPayment: true, stockCommitted: false });
    }
    const lines = await this.stockLines(orderId);
    const owner = order.stockOwner!;
    while (order.status === 'PENDING') {
      const step = order.checkoutStep as CheckoutStep;
      switch (step) {
        case 'CREATED': {
          try {
            await this.ports.holdStock(owner, lines);
          } catch (err) {
            if (err instanceof DomainError && err.code === ErrorCode.OUT_OF_STOCK) {
              failure.error = err;
              return this.fail(order, FAILURE_REASONS.outOfStock, { voidPayment: false, stockCommitted: false });
            }
            throw err;
          }
          order = await this.advance(order, 'STOCK_HELD');
          break;
        }
        case 'STOCK_HELD': {
          const outcome = await this.authorize(order);
          if (outcome !== 'AUTHORIZED') {
            failure.error = new DomainError(ErrorCode.PAYMENT_DECLINED, outcome === FAILURE_REASONS.timeout ? 'The payment timed out' : 'The payment was declined', {
              orderId,
              reason: outcome,
            });
            return this.fail(order, outcome, { voidPayment: outcome === FAILURE_REASONS.timeout, stockCommitted: false });
          }
          order = await this.advance(order, 'AUTHORIZED');
          break;
        }
        case 'AUTHORIZED': {
          try {
            await this.ports.commitStock(owner, orderId);
          } catch (err) {
            // CONFLICT: the hold lapsed before it was sold (a long crash) and nothing was committed: hold again, then sell.
            if (!(err instanceof DomainError && err.code === ErrorCode.CONFLICT)) throw err;
            try {
              await this.ports.holdStock(owner, lines);
            } catch (holdErr) {
              if (holdErr instanceof DomainError && holdErr.code === ErrorCode.OUT_OF_STOCK) {
                failure.error = holdErr;
                return this.fail(order, FAILURE_REASONS.outOfStock, { voidPayment: true, stockCommitted: false });
              }
              throw holdErr;
            }
            await this.ports.commitStock(owner, orderId);
          }
          order = await this.advance(order, 'STOCK_COMMITTED');
          break;
        }
        case 'STOCK_COMMITTED': {
          try {
            await this.ports.completeCheckout(order.cartId!, orderId);
          } catch (err) {
            if (err instanceof DomainError && (err.code === ErrorCode.CONFLICT || err.code === ErrorCode.NOT_FOUND)) {
              failure.error = err;
              return this.fail(order, FAILURE_REASONS.cartConflict, { voidPayment: true, stockCommitted: true });
            }
            throw err;
          }
          order = await this.advance(order, 'CART_CLOSED');
          break;
        }
        case 'CART_CLOSED':
          order = await this.confirm(order);
          break;
        default:
          throw new Error(`order ${orderId} is PENDING at unknown checkout step ${String(step)}`);
      }
    }
    return order;
  }

  /** Authorises the payment (PENDING -> AUTHORIZED or DECLINED): "AUTHORIZED", or the failure reason (PAYMENT_DECLINED, PAYMENT_TIMEOUT). */
  private async authorize(order: OrderRow): Promise<string> {
    const payment = await this.prisma.payment.findUniqueOrThrow({ where: { orderId: order.id } });
    if (payment.status === 'AUTHORIZED' || payment.status === 'CAPTURED') return 'AUTHORIZED';
    if (payment.status === 'DECLINED') return payment.declineReason === FAILURE_REASONS.timeout ? FAILURE_REASONS.timeout : FAILURE_REASONS.declined;
    let result;
    try {
      result = await withPaymentTimeout(this.options.paymentTimeoutMs, () =>
        this.payments.authorize({ paymentId: payment.id, orderId: order.id, token: payment.token, amount: payment.amount.toFixed(2), currency: payment.currency }),
      );
    } catch (err) {
      if (!(err instanceof PaymentTimeoutError)) throw err;
      await this.prisma.payment.update({ where: { id: payment.id }, data: { status: 'DECLINED', declineReason: FAILURE_REASONS.timeout, updatedAt: new Date() } });
      return FAILURE_REASONS.timeout;
    }
    if (result.status === 'DECLINED') {
      await this.prisma.payment.update({ where: { id: payment.id }, data: { status: 'DECLINED', declineReason: result.reason, updatedAt: new Date() } });
      return FAILURE_REASONS.declined;
    }
    await this.prisma.payment.update({
      where: { id: payment.id },
      data: { status: 'AUTHORIZED', authorizedAmount: payment.amount, providerReference: result.reference, updatedAt: new Date() },
    });
    return 'AUTHORIZED';
  }

  /** Captures the payment and confirms the order: one transaction with its timeline entry and event. */
  private async confirm(order: OrderRow): Promise<OrderRow> {
    const payment = await this.prisma.payment.findUniqueOrThrow({ where: { orderId: order.id } });
    if (payment.status !== 'CAPTURED') {
      await this.payments.capture({ paymentId: payment.id, reference: payment.providerReference ?? '', amount: payment.amount.toFixed(2), currency: payment.currency });
    }
    const confirmed = await this.prisma.$transaction(async (tx) => {
      const locked = await lockOrder(tx, order.id);
      this.assertStillOurs(locked, 'CART_CLOSED');
      await tx.payment.update({ where: { id: payment.id }, data: { status: 'CAPTURED', capturedAmount: payment.authorizedAmount, updatedAt: new Date() } });
      await recordEvents(
        tx,
        'ordering',
        [
          {
            topic: 'payment.captured',
            payload: { orderId: order.id, paymentId: payment.id, customerId: locked!.customerId, amount: payment.authorizedAmount.toFixed(2), currency: payment.currency },
          },
        ],
        eventMeta(SYSTEM_ACTOR),
      );
      return transition(tx, locked!, 'CONFIRMED', SYSTEM_ACTOR, { note: 'payment captured', data: { checkoutStep: 'DONE', leaseOwner: null, leaseUntil: null } });
    }, TX_OPTIONS);
    await this.onSold();
    this.crashHook('DONE');
    return confirmed;
  }

  /**
   * Compensates: stock released (or returned when already sold), the authorisation voided,
   * the order FAILED with `reason`. Each call out is idempotent, so a crash here is finished
   * by the recovery job (the order is still PENDING with its step).
   */
  private async fail(order: OrderRow, reason: string, undo: { voidPayment: boolean; stockCommitted: boolean }): Promise<OrderRow> {
    if (undo.stockCommitted) {
      await this.ports.returnStock(order.id, await this.stockLines(order.id), `checkout failed: ${reason}`);
    } else {
      await this.ports.releaseStock(order.stockOwner!, `checkout failed: ${reason}`);
    }
    const payment = await this.prisma.payment.findUnique({ where: { orderId: order.id } });
    if (payment && (undo.voidPayment || payment.status === 'AUTHORIZED')) {
      await this.payments.void({ paymentId: payment.id, reference: payment.providerReference });
    }
    return this.prisma.$transaction(async (tx) => {
      const locked = await lockOrder(tx, order.id);
      if (locked?.status !== 'PENDING') return locked!;
      if (payment && payment.status !== 'DECLINED') {
        await tx.payment.update({ where: { id: payment.id }, data: { status: payment.status === 'PENDING' ? 'DECLINED' : 'VOIDED', declineReason: payment.declineReason ?? reason, updatedAt: new Date() } });
      }
      return transition(tx, locked, 'FAILED', SYSTEM_ACTOR, {
        note: reason,
        data: { failureReason: reason, checkoutStep: 'COMPENSATED', leaseOwner: null, leaseUntil: null },
      });
    }, TX_OPTIONS);
  }

  /** Records a step done and renews the lease, if this runner still holds it. */
  private async advance(order: OrderRow, next: CheckoutStep): Promise<OrderRow> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE ordering."order" SET checkout_step = ${next}, updated_at = now(),
        lease_until = now() + make_interval(secs => ${this.options.leaseSeconds})
      WHERE id = ${order.id}::uuid AND status = 'PENDING' AND checkout_step = ${order.checkoutStep} AND lease_owner = ${this.options.instanceId}
      RETURNING id::text`;
    if (rows.length === 0) throw new LeaseLostError(order.id);
    this.crashHook(next);
    return { ...order, checkoutStep: next };
  }

  private assertStillOurs(order: OrderRow | null, step: CheckoutStep): void {
    if (!order || order.status !== 'PENDING' || order.checkoutStep !== step || order.leaseOwner !== this.options.instanceId) throw new LeaseLostError(order?.id ?? '?');
  }

  private crashHook(step: CheckoutStep): void {
    if (this.options.crashAfter === step) {
      this.logger.warn({ step }, 'SHOPGRAPH_CHECKOUT_CRASH_AFTER: exiting mid-checkout (test hook)');
      (this.options.exit ?? process.exit)(86);
    }
  }

  private async load(orderId: string): Promise<OrderRow> {
    return this.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
  }

  private async stockLines(orderId: string): Promise<StockLine[]> {
    const lines = await this.prisma.orderLine.findMany({ where: { orderId }, select: { sku: true, quantity: true } });
    const bySku = new Map<string, number>();
    for (const l of lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.quantity);
    return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
  }
}

/** Records order.placed for a new order inside its creating transaction (checkoutService). */
export async function recordPlaced(tx: Parameters<typeof recordEvents>[0], order: OrderRow, lines: { productId: string; variantId: string; sku: string; quantity: number; unitPrice: string }[], actor: Actor) {
  await recordEvents(
    tx,
    'ordering',
    [
      {
        topic: 'order.placed',
        payload: { orderId: order.id, customerId: order.customerId, placedAt: order.placedAt.toISOString(), currency: order.currency, grandTotal: order.total.toFixed(2), lines },
      },
    ],
    eventMeta(actor),
  );
}
