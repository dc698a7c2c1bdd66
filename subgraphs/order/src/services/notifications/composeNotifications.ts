import type { DomainEvent } from '@shopgraph/kit';
import { ADMINS_RECIPIENT, type NotificationMessage } from './notificationMessage.js';

/** The events that make messages (the notification consumer's topics). */
export const NOTIFYING_TOPICS = ['order.status_changed', 'refund.issued', 'wishlist.price_dropped', 'inventory.stock_low', 'customer.password_reset_requested'] as const;
export type NotifyingTopic = (typeof NOTIFYING_TOPICS)[number];

/** What composing needs to read: an order's human-readable number (null for an unknown order), a reset link, the time. */
export interface NotificationLookups {
  orderNumber(orderId: string): Promise<string | null>;
  /** The link of a reset event's sealed token; null when it cannot be opened here. */
  passwordResetLink(resetId: string, sealedToken: string): string | null;
  now(): Date;
}

/** The messages one event makes (none for the statuses nobody is told about). */
export async function composeNotifications(event: DomainEvent<NotifyingTopic>, lookups: NotificationLookups): Promise<NotificationMessage[]> {
  const eventId = event.id;
  switch (event.topic) {
    case 'order.status_changed': {
      const p = event.payload;
      if (p.status !== 'CONFIRMED' && p.status !== 'SHIPPED') return [];
      const number = (await lookups.orderNumber(p.orderId)) ?? p.orderId;
      if (p.status === 'CONFIRMED') {
        return [
          {
            eventId,
            recipient: p.customerId,
            kind: 'ORDER_CONFIRMED',
            title: `Order ${number} confirmed`,
            body: `Thank you: your order ${number} is paid for and being prepared.`,
            data: { orderId: p.orderId, orderNumber: number },
          },
        ];
      }
      const tracking = p.trackingNumber ? ` Tracking number: ${p.trackingNumber}${p.carrier ? ` (${p.carrier})` : ''}.` : '';
      return [
        {
          eventId,
          recipient: p.customerId,
          kind: 'ORDER_SHIPPED',
          title: `Order ${number} shipped`,
          body: `Your order ${number} is on its way.${tracking}`,
          data: { orderId: p.orderId, orderNumber: number, ...(p.trackingNumber && { trackingNumber: p.trackingNumber }), ...(p.carrier && { carrier: p.carrier }) },
        },
      ];
    }
    case 'refund.issued': {
      const p = event.payload;
      const number = (await lookups.orderNumber(p.orderId)) ?? p.orderId;
      return [
        {
          eventId,
          recipient: p.customerId,
          kind: 'REFUND_ISSUED',
          title: `Refund of ${p.amount} ${p.currency} for order ${number}`,
          body: `We refunded ${p.amount} ${p.currency} for your order ${number} (${p.reason}).`,
          data: { orderId: p.orderId, orderNumber: number, refundId: p.refundId, amount: p.amount, currency: p.currency },
        },
      ];
    }
    case 'wishlist.price_dropped': {
      const p = event.payload;
      return [
        {
          eventId,
          recipient: p.customerId,
          kind: 'PRICE_DROP',
          title: `A saved item is now ${p.newPrice} ${p.currency}`,
          body: `${p.sku} from your wishlist dropped from ${p.oldPrice} to ${p.newPrice} ${p.currency} (you saved it at ${p.priceWhenSaved}).`,
          data: { productId: p.productId, variantId: p.variantId, sku: p.sku, oldPrice: p.oldPrice, newPrice: p.newPrice, priceWhenSaved: p.priceWhenSaved, currency: p.currency },
        },
      ];
    }
    case 'inventory.stock_low': {
      const p = event.payload;
      return [
        {
          eventId,
          recipient: ADMINS_RECIPIENT,
          kind: 'LOW_STOCK',
          title: `Low stock: ${p.sku}`,
          body: `${p.sku} is down to ${p.available} available (threshold ${p.threshold}).`,
          data: { productId: p.productId, variantId: p.variantId, sku: p.sku, available: p.available, threshold: p.threshold },
        },
      ];
    }
    case 'customer.password_reset_requested': {
      const p = event.payload;
      // A link that no longer works (the event waited past its expiry) is not worth sending.
      if (new Date(p.expiresAt) <= lookups.now()) return [];
      const link = lookups.passwordResetLink(p.resetId, p.sealedToken);
      if (!link) return [];
      return [
        {
          eventId,
          recipient: p.customerId,
          kind: 'PASSWORD_RESET',
          title: 'Reset your password',
          body:
            `Someone, hopefully you, asked to reset your password. Open ${link} to choose a new one; ` +
            `the link works once, until ${p.expiresAt}. If it was not you, ignore this message: your password stays as it is.`,
          data: { resetUrl: link, expiresAt: p.expiresAt },
        },
      ];
    }
  }
}
