import { z } from 'zod';

/**
 * The topics of Shopgraph's domain events: name -> owning source, aggregate and payload
 * schema. Producers (recordEvents) and consumers (EventBus.subscribe) both read this one
 * file, so they agree on every payload. Add a topic here before recording it.
 */

/** Owning Postgres schema of an event: its outbox table is `<source>.outbox_event`. */
export const EVENT_SOURCES = ['catalog', 'inventory', 'cart', 'ordering', 'reco'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "19.90"');
const id = z.string().min(1);
const quantity = z.number().int();

interface TopicDefinition<S extends EventSource, P extends z.ZodType> {
  source: S;
  /** Events of one aggregate are delivered in commit order (their rows are locked in order). */
  aggregateType: string;
  aggregateIdOf: (payload: z.infer<P>) => string;
  payload: P;
}

function topic<S extends EventSource, P extends z.ZodType>(definition: TopicDefinition<S, P>): TopicDefinition<S, P> {
  return definition;
}

export const EVENT_TOPICS = {
  /** A variant's price changed (admin setPrice, imports). */
  'product.price_changed': topic({
    source: 'catalog',
    aggregateType: 'product',
    aggregateIdOf: (p) => p.productId,
    payload: z.object({
      productId: id,
      variantId: id,
      sku: z.string().min(1),
      currency: z.string().length(3),
      oldPrice: decimal,
      newPrice: decimal,
    }),
  }),
  /**
   * A product was created, edited, published, archived or deleted, or became available or
   * sold out as a whole (`availability`: the catalog's in-stock flag, kept from stock events).
   */
  'product.changed': topic({
    source: 'catalog',
    aggregateType: 'product',
    aggregateIdOf: (p) => p.productId,
    payload: z.object({
      productId: id,
      change: z.enum(['created', 'edited', 'published', 'archived', 'deleted', 'availability']),
    }),
  }),
  /**
   * Stock of one SKU in one warehouse changed. `productAvailable` is the sum over all the
   * product's SKUs and warehouses after the change, so consumers need no extra read; the
   * producer serialises changes per product (locks the product's stock rows) so that sum
   * and the order of one product's events follow commit order.
   */
  'inventory.stock_changed': topic({
    source: 'inventory',
    aggregateType: 'product',
    aggregateIdOf: (p) => p.productId,
    payload: z.object({
      sku: z.string().min(1),
      variantId: id,
      productId: id,
      warehouseId: id,
      onHand: quantity,
      reserved: quantity,
      available: quantity,
      /** The SKU's sellable quantity over all warehouses after the change (its variant's availability). */
      skuAvailable: quantity,
      productAvailable: quantity,
      reason: z.string().min(1),
    }),
  }),
} as const;

export type TopicName = keyof typeof EVENT_TOPICS;
export type EventPayload<T extends TopicName> = z.infer<(typeof EVENT_TOPICS)[T]['payload']>;
/** Topics a source may record (a subgraph writes only its own schema's outbox). */
export type TopicOf<S extends EventSource> = {
  [T in TopicName]: (typeof EVENT_TOPICS)[T]['source'] extends S ? T : never;
}[TopicName];

export const TOPIC_NAMES = Object.keys(EVENT_TOPICS) as TopicName[];

export function isTopicName(name: string): name is TopicName {
  return Object.hasOwn(EVENT_TOPICS, name);
}

export function isEventSource(name: string): name is EventSource {
  return (EVENT_SOURCES as readonly string[]).includes(name);
}

export function sourceOfTopic(topic: TopicName): EventSource {
  return EVENT_TOPICS[topic].source;
}
