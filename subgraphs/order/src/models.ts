import type { Connection, Prisma } from '@shopgraph/kit';

/** An entity reference to a product the catalog owns. */
export interface ProductRefModel {
  id: string;
}

/** Rows of the ordering schema, as the resolvers receive them (codegen mappers). */
export type OrderRow = Prisma.OrderGetPayload<object>;
/** A line with its order's currency (lines do not store it). */
export type OrderLineRow = Prisma.OrderLineGetPayload<object> & { currency: string };
export type OrderTimelineRow = Prisma.OrderTimelineGetPayload<object>;
export type PaymentRow = Prisma.PaymentGetPayload<object>;
export type RefundRow = Prisma.RefundGetPayload<object>;
export type OrderConnectionModel = Connection<OrderRow>;

/** A postal address as checkout stores it (JSON on the order). */
export interface AddressModel {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  region: string;
  country: string;
}

// ---- notifications (issue 11)
export type NotificationRow = Prisma.NotificationGetPayload<object>;
export type NotificationConnectionModel = Connection<NotificationRow>;
