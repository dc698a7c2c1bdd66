/** What a message is about; the database keeps this list too (notification_kind_check). */
export const NOTIFICATION_KINDS = ['ORDER_CONFIRMED', 'ORDER_SHIPPED', 'REFUND_ISSUED', 'PRICE_DROP', 'LOW_STOCK', 'PASSWORD_RESET'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The recipient of messages meant for every admin with the inventory scope (low stock). */
export const ADMINS_RECIPIENT = 'admins';

/**
 * One message for one recipient, made from one event. (eventId, recipient, kind) names it:
 * a channel delivers it once however often the event is redelivered.
 */
export interface NotificationMessage {
  eventId: string;
  /** A customer's JWT subject, or ADMINS_RECIPIENT. */
  recipient: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** Ids and figures a client links to (orderId, orderNumber, variantId, sku, amounts, a reset link ...). */
  data: Record<string, string | number>;
}
