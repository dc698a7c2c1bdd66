import { Prisma, type PrismaClient } from '@shopgraph/kit';
import type { AddressModel, ArchivedOrderParts, OrderModel, OrderRow, OrderTimelineRow, PaymentRow, RefundModel } from '../../models.js';
import type { OrderStatus } from '../orderLifecycle.js';

type ArchivedOrderRow = Prisma.ArchivedOrderGetPayload<object>;

/** Shown in place of what archival removed (names, address lines, city, postal code). */
export const ANONYMISED = 'ANONYMISED';

/** The archive document as orderArchiver writes it (dates as ISO strings, money as decimal strings). */
interface ArchiveDocument {
  failureReason: string | null;
  trackingNumber: string | null;
  carrier: string | null;
  shippingAddress: { region: string | null; country: string | null } | null;
  billingAddress: { region: string | null; country: string | null } | null;
  payment: {
    id: string;
    provider: string;
    status: PaymentRow['status'];
    currency: string;
    amount: string;
    authorizedAmount: string;
    capturedAmount: string;
    refundedAmount: string;
    providerReference: string | null;
    declineReason: string | null;
    createdAt: string;
    updatedAt: string;
  } | null;
  refunds: Array<{ id: string; paymentId: string; amount: string; reason: string; actor: string | null; createdAt: string }>;
  timeline: Array<{ id: number; status: OrderStatus; previousStatus: OrderStatus | null; actor: string | null; at: string }>;
}

function anonymisedAddress(kept: ArchiveDocument['shippingAddress']): AddressModel | null {
  if (!kept) return null;
  return { name: ANONYMISED, line1: ANONYMISED, line2: null, city: ANONYMISED, postalCode: ANONYMISED, region: kept.region ?? '', country: kept.country ?? '' };
}

/** An archived order as the Order resolvers read it (`archived` carries the parts the live tables no longer have). */
export function archivedOrderModel(row: ArchivedOrderRow): OrderModel {
  const doc = row.document as unknown as ArchiveDocument;
  const p = doc.payment;
  const payment: PaymentRow | null = p && {
    id: p.id,
    orderId: row.id,
    provider: p.provider,
    // The card token is not kept.
    token: '',
    status: p.status,
    currency: p.currency,
    amount: new Prisma.Decimal(p.amount),
    authorizedAmount: new Prisma.Decimal(p.authorizedAmount),
    capturedAmount: new Prisma.Decimal(p.capturedAmount),
    refundedAmount: new Prisma.Decimal(p.refundedAmount),
    providerReference: p.providerReference,
    declineReason: p.declineReason,
    createdAt: new Date(p.createdAt),
    updatedAt: new Date(p.updatedAt),
  };
  const archived: ArchivedOrderParts = {
    payment,
    refunds: doc.refunds.map(
      (r): RefundModel => ({
        id: r.id,
        orderId: row.id,
        paymentId: r.paymentId,
        idempotencyKey: '',
        amount: new Prisma.Decimal(r.amount),
        reason: r.reason,
        actor: r.actor,
        createdAt: new Date(r.createdAt),
        currency: p?.currency ?? row.currency,
      }),
    ),
    timeline: doc.timeline.map((t): OrderTimelineRow => ({ id: BigInt(t.id), orderId: row.id, status: t.status, previousStatus: t.previousStatus, note: null, actor: t.actor, at: new Date(t.at) })),
  };
  return {
    id: row.id,
    number: row.number,
    customerId: row.customerId,
    status: row.status,
    currency: row.currency,
    subtotal: row.subtotal,
    discount: row.discount,
    tax: row.tax,
    shipping: row.shipping,
    total: row.total,
    couponCode: row.couponCode,
    failureReason: doc.failureReason,
    shippingAddress: anonymisedAddress(doc.shippingAddress) as unknown as OrderRow['shippingAddress'],
    billingAddress: anonymisedAddress(doc.billingAddress) as unknown as OrderRow['billingAddress'],
    trackingNumber: doc.trackingNumber,
    carrier: doc.carrier,
    placedAt: row.placedAt,
    updatedAt: row.updatedAt,
    archived,
  };
}

export async function findArchivedOrder(prisma: PrismaClient, id: string): Promise<OrderModel | null> {
  const row = await prisma.archivedOrder.findUnique({ where: { id } });
  return row && archivedOrderModel(row);
}

/** Filters the order listings use; they name only columns both order tables have. */
export type SharedOrderWhere = Prisma.OrderWhereInput & Prisma.ArchivedOrderWhereInput;

/**
 * One page of orders, newest first, from the live and the archived table: each gives its
 * first `take` under the same filter and keyset, merged by (placedAt desc, id desc).
 */
export async function findOrdersWithArchive(prisma: PrismaClient, where: SharedOrderWhere, take: number): Promise<OrderModel[]> {
  const orderBy = [{ placedAt: 'desc' as const }, { id: 'desc' as const }];
  const [live, archived] = await Promise.all([prisma.order.findMany({ where, orderBy, take }), prisma.archivedOrder.findMany({ where, orderBy, take })]);
  const merged: OrderModel[] = [...live, ...archived.map(archivedOrderModel)];
  merged.sort((a, b) => b.placedAt.getTime() - a.placedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return merged.slice(0, take);
}

export async function countOrdersWithArchive(prisma: PrismaClient, where: SharedOrderWhere): Promise<number> {
  const [live, archived] = await Promise.all([prisma.order.count({ where }), prisma.archivedOrder.count({ where })]);
  return live + archived;
}
