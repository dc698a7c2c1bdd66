import { type Prisma, recordEvents, type PrismaClient } from '@shopgraph/kit';
import type { OrderRow, RefundRow } from '../models.js';
import { assertTransition, type OrderStatus } from './orderLifecycle.js';

/** The interactive transaction's client. */
export type Tx = Prisma.TransactionClient;

/** Who made a change: an identity subject (or "system" for the saga and the recovery job) and the request. */
export interface Actor {
  subject: string;
  requestId?: string | undefined;
}

export const SYSTEM_ACTOR: Actor = { subject: 'system' };

/** Transactions of the order subgraph wait for a connection and run this long at most (200 checkouts queue on a small pool). */
export const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

export function eventMeta(actor: Actor) {
  return { actor: actor.subject, ...(actor.requestId && { requestId: actor.requestId }) };
}

/** Locks the order row for the rest of the transaction (FOR UPDATE) and reads it. */
export async function lockOrder(tx: Tx, orderId: string): Promise<OrderRow | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM ordering."order" WHERE id = ${orderId}::uuid FOR UPDATE`;
  if (rows.length === 0) return null;
  return tx.order.findUnique({ where: { id: orderId } });
}

/**
 * Moves a locked order from its status to `to`: the lifecycle check, the row, a timeline
 * entry and `order.status_changed`, all in the caller's transaction.
 */
export async function transition(
  tx: Tx,
  order: OrderRow,
  to: OrderStatus,
  actor: Actor,
  change: { note?: string | null; data?: Prisma.OrderUpdateInput } = {},
): Promise<OrderRow> {
  const from = order.status;
  assertTransition(from, to);
  const updated = await tx.order.update({ where: { id: order.id }, data: { ...change.data, status: to, updatedAt: new Date() } });
  await tx.orderTimeline.create({ data: { orderId: order.id, status: to, previousStatus: from, note: change.note ?? null, actor: actor.subject } });
  // A shipment's tracking number (and carrier) travels with SHIPPED, read from the row just written.
  const shipment = to === 'SHIPPED' && updated.trackingNumber ? { trackingNumber: updated.trackingNumber, ...(updated.carrier && { carrier: updated.carrier }) } : {};
  await recordEvents(
    tx,
    'ordering',
    [{ topic: 'order.status_changed', payload: { orderId: order.id, customerId: order.customerId, status: to, previousStatus: from, ...shipment } }],
    eventMeta(actor),
  );
  return updated;
}

/** Records `refund.issued` for a refund row just written, in the caller's transaction. */
export async function recordRefundIssued(tx: Tx, order: Pick<OrderRow, 'id' | 'customerId'>, refund: RefundRow, currency: string, actor: Actor): Promise<void> {
  await recordEvents(
    tx,
    'ordering',
    [
      {
        topic: 'refund.issued',
        payload: { orderId: order.id, refundId: refund.id, customerId: order.customerId, amount: refund.amount.toFixed(2), currency, reason: refund.reason },
      },
    ],
    eventMeta(actor),
  );
}

export async function findOrderByKey(prisma: PrismaClient, customerId: string, idempotencyKey: string): Promise<OrderRow | null> {
  return prisma.order.findUnique({ where: { customerId_idempotencyKey: { customerId, idempotencyKey } } });
}
