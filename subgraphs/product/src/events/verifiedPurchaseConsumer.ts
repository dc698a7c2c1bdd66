import type { EventBus, Subscription } from '@shopgraph/kit';
import type { VerifiedPurchases } from '../services/reviews/verifiedPurchases.js';

/**
 * Verified purchases from the order subgraph's events: one durable group, so every order
 * event is applied once by one instance and resumes after a restart. Events of one order
 * arrive in commit order (placed before its status changes); each step is idempotent.
 */
export function consumeVerifiedPurchaseEvents(bus: EventBus, purchases: VerifiedPurchases): Subscription {
  return bus.subscribe({
    group: 'product.verified-purchases',
    topics: ['order.placed', 'order.status_changed'],
    handler: async (event) => {
      switch (event.topic) {
        case 'order.placed':
          await purchases.onOrderPlaced(event.payload);
          return;
        case 'order.status_changed':
          await purchases.onOrderStatusChanged(event.payload);
          return;
      }
    },
  });
}
