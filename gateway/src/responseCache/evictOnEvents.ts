import { ResponseTag, type DomainEvent, type EventBus, type Subscription, type TopicName } from '@shopgraph/kit';
import type { ResponseCache } from './ResponseCache.js';

/** The write events that make cached responses wrong, and the tags of the responses each one does. */
const TAGS_OF: { [T in TopicName]?: (event: DomainEvent<T>) => string[] } = {
  // A price orders and filters listings and searches as well as showing on the product.
  'product.price_changed': (e) => [ResponseTag.product(e.payload.productId), ResponseTag.productList],
  // Edits, publishing, archiving and availability flips change what listings and searches hold.
  'product.changed': (e) => [ResponseTag.product(e.payload.productId), ResponseTag.productList],
  // The tree shows in navigation, breadcrumbs and category pages; listings filter by subtree.
  'category.changed': (e) => [ResponseTag.category(e.payload.categoryId), ResponseTag.categoryTree, ResponseTag.productList],
  'brand.changed': (e) => [ResponseTag.brand(e.payload.brandId), ResponseTag.brandList],
  // Stock shows only on its product; a flip of availability arrives as product.changed too.
  'inventory.stock_changed': (e) => [ResponseTag.product(e.payload.productId)],
  // A rating shows on its product and ranks searches (relevance, rating sort and filter).
  'product.rating_changed': (e) => [ResponseTag.product(e.payload.productId), ResponseTag.productList],
  // A refresh recomputed these products' also-bought and bought-together lists (and trending).
  'recommendation.refreshed': (e) => [...e.payload.productIds.map(ResponseTag.recommendations), ...(e.payload.trending ? [ResponseTag.trending] : [])],
};

export const EVICTING_TOPICS = Object.keys(TAGS_OF) as TopicName[];

export function responseTagsOf(event: DomainEvent): string[] {
  const tagsOf = TAGS_OF[event.topic] as ((e: DomainEvent) => string[]) | undefined;
  return tagsOf ? tagsOf(event) : [];
}

/**
 * Every gateway instance hears every write event (a broadcast subscription) and evicts the
 * responses that showed what changed, in its process and in Redis.
 */
export function evictResponsesOnEvents(bus: EventBus, cache: ResponseCache): Subscription {
  return bus.subscribe({
    topics: EVICTING_TOPICS,
    handler: async (event) => {
      await cache.evict(responseTagsOf(event));
    },
  });
}
