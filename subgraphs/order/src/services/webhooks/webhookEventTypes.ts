import type { TopicName } from '@shopgraph/kit';

/**
 * The event types an endpoint may subscribe to: public names, stable for receivers, mapped to
 * the internal topics they are made from. A topic not listed here never leaves Shopgraph.
 */
export const WEBHOOK_EVENT_TYPES = {
  'order.created': 'order.placed',
  'order.status_changed': 'order.status_changed',
  'payment.captured': 'payment.captured',
  'refund.issued': 'refund.issued',
  'product.updated': 'product.changed',
  'price.changed': 'product.price_changed',
  'stock.low': 'inventory.stock_low',
} as const satisfies Record<string, TopicName>;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;

export const WEBHOOK_EVENT_TYPE_NAMES = Object.keys(WEBHOOK_EVENT_TYPES) as WebhookEventType[];

/** The topics the fan-out consumer subscribes to. */
export const WEBHOOK_TOPICS = [...new Set(Object.values(WEBHOOK_EVENT_TYPES))] as TopicName[];

const TYPE_OF_TOPIC = new Map<string, WebhookEventType>(WEBHOOK_EVENT_TYPE_NAMES.map((type) => [WEBHOOK_EVENT_TYPES[type], type]));

export function isWebhookEventType(name: string): name is WebhookEventType {
  return Object.hasOwn(WEBHOOK_EVENT_TYPES, name);
}

/** The public type of a topic's events, or undefined when webhooks do not carry it. */
export function webhookTypeOfTopic(topic: string): WebhookEventType | undefined {
  return TYPE_OF_TOPIC.get(topic);
}
