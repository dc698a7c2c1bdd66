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
export type OrderConnectionModel = Connection<OrderModel>;

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
// --- webhooks (issue 11) ---
export type WebhookEndpointModel = Prisma.WebhookEndpointGetPayload<object>;
export interface WebhookEndpointWithSecretModel {
  endpoint: WebhookEndpointModel;
  secret: string;
}
export type WebhookDeliveryModel = Prisma.WebhookDeliveryGetPayload<object>;
export type WebhookDeliveryAttemptModel = Prisma.WebhookDeliveryAttemptGetPayload<object>;
export type WebhookDeliveryConnectionModel = Connection<WebhookDeliveryModel>;

// --- order archival (issue 11) ---
/** What archival keeps of an order beside its row: payment, refunds and timeline (services/archive). */
export interface ArchivedOrderParts {
  payment: PaymentRow | null;
  refunds: RefundModel[];
  timeline: OrderTimelineRow[];
}

/**
 * What the Order resolvers read: a live order row, or an archived order shaped like one
 * (`archived` set; its address lines and names are gone).
 */
export type OrderModel = Pick<
  OrderRow,
  | 'id'
  | 'number'
  | 'customerId'
  | 'status'
  | 'currency'
  | 'subtotal'
  | 'discount'
  | 'tax'
  | 'shipping'
  | 'total'
  | 'couponCode'
  | 'failureReason'
  | 'shippingAddress'
  | 'billingAddress'
  | 'trackingNumber'
  | 'carrier'
  | 'placedAt'
  | 'updatedAt'
> & { archived?: ArchivedOrderParts };

/** A refund; an archived one carries its payment's currency (its payment row is gone). */
export type RefundModel = RefundRow & { currency?: string };
/** One line of a seller's product in an order, as sellerOrderLines shows it. */
export interface SellerOrderLineModel {
  orderId: string;
  orderStatus: OrderRow['status'];
  placedAt: Date;
  line: OrderLineRow;
}
