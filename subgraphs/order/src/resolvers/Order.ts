import { money } from '@shopgraph/kit';
import type { AddressModel } from '../models.js';
import type { OrderLineResolvers, OrderResolvers, OrderTimelineEntryResolvers, PaymentResolvers, RefundResolvers } from '../generated/resolvers-types.js';

export const Order: OrderResolvers = {
  // Only the order's customer (or an admin with "orders") may resolve it from another subgraph's reference.
  __resolveReference: async (ref, ctx) => {
    try {
      return await ctx.services.orders.order(ctx.identity, ref.id);
    } catch {
      return null;
    }
  },
  subtotal: (o) => money(o.subtotal, o.currency),
  discount: (o) => money(o.discount, o.currency),
  tax: (o) => money(o.tax, o.currency),
  shipping: (o) => money(o.shipping, o.currency),
  total: (o) => money(o.total, o.currency),
  shippingAddress: (o) => (o.shippingAddress as AddressModel | null) ?? null,
  billingAddress: (o) => (o.billingAddress as AddressModel | null) ?? null,
  // An archived order's lines are in archived_order_line; its payment, refunds and timeline came with it.
  lines: async (o, _, ctx) => (await (o.archived ? ctx.loaders.archivedLines : ctx.loaders.lines).load(o.id)).map((l) => ({ ...l, currency: o.currency })),
  timeline: (o, _, ctx) => o.archived?.timeline ?? ctx.loaders.timeline.load(o.id),
  payment: (o, _, ctx) => (o.archived ? o.archived.payment : ctx.loaders.payment.load(o.id)),
  refunds: (o, _, ctx) => o.archived?.refunds ?? ctx.loaders.refunds.load(o.id),
  archived: (o) => o.archived !== undefined,
};

export const OrderLine: OrderLineResolvers = {
  unitPrice: (l) => money(l.unitPrice, l.currency),
  lineTotal: (l) => money(l.lineTotal, l.currency),
};

export const OrderTimelineEntry: OrderTimelineEntryResolvers = {
  previousStatus: (t) => t.previousStatus ?? null,
};

export const Payment: PaymentResolvers = {
  amount: (p) => money(p.amount, p.currency),
  authorized: (p) => money(p.authorizedAmount, p.currency),
  captured: (p) => money(p.capturedAmount, p.currency),
  refunded: (p) => money(p.refundedAmount, p.currency),
};

export const Refund: RefundResolvers = {
  amount: (r, _, ctx) => (r.currency ? money(r.amount, r.currency) : ctx.loaders.payment.load(r.orderId).then((p) => money(r.amount, p?.currency ?? 'USD'))),
};
