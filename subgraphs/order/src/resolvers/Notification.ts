import type { NotificationKind, NotificationResolvers } from '../generated/resolvers-types.js';

/** A string field of the message's data (what composeNotifications put there). */
const field = (data: unknown, key: string): string | null => {
  const value = data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : null;
};

export const Notification: NotificationResolvers = {
  kind: (n) => n.kind as NotificationKind,
  order: async (n, _, ctx) => {
    const orderId = field(n.data, 'orderId');
    // The message is the recipient's, and so is the order it names.
    return orderId ? ctx.loaders.orderById.load(orderId) : null;
  },
  trackingNumber: (n) => field(n.data, 'trackingNumber'),
  variantId: (n) => field(n.data, 'variantId'),
  sku: (n) => field(n.data, 'sku'),
  read: (n) => n.readAt !== null,
};
