import type { ConsumedEvent } from './eventPayloads.js';
import type { SignalService } from './signalService.js';

/**
 * The domain events the recommendation side consumes, by topic, and the consumer method of
 * each. Wiring to the event bus is one subscription:
 *   bus.subscribe({ group: 'recommendation', topics: CONSUMED_TOPICS, handler: (event) => handleRecommendationEvent(signals, event) })
 * Topic names follow the event registry (kit events/topics.ts); product.rating_changed comes
 * from the catalog's review moderation (issue 10).
 */
export const TOPIC_CONSUMERS = {
  'order.placed': 'onOrderPlaced',
  'order.status_changed': 'onOrderStatusChanged',
  'cart.item_added': 'onCartItemAdded',
  'product.changed': 'onProductChanged',
  'inventory.stock_changed': 'onStockChanged',
  'product.rating_changed': 'onRatingChanged',
} as const satisfies Record<string, keyof SignalService>;

export type ConsumedTopic = keyof typeof TOPIC_CONSUMERS;
export const CONSUMED_TOPICS = Object.keys(TOPIC_CONSUMERS) as ConsumedTopic[];

/** Applies one event (at least once delivery: false when it was already applied). */
export function handleRecommendationEvent(signals: SignalService, event: ConsumedEvent & { topic: string }): Promise<boolean> {
  if (!Object.hasOwn(TOPIC_CONSUMERS, event.topic)) return Promise.reject(new Error(`recommendations do not consume ${event.topic}`));
  return signals[TOPIC_CONSUMERS[event.topic as ConsumedTopic]](event);
}
