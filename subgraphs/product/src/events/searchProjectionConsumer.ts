import type { EventBus, Subscription } from '@shopgraph/kit';
import type { SearchIndexer } from '../services/searchIndexer.js';

/**
 * Keeps the catalog's search projection and availability flags fresh from write events:
 * one durable group, so every event is applied once by one instance, resuming after a
 * restart. Every indexer method is idempotent (delivery is at least once).
 */
export function consumeSearchProjectionEvents(bus: EventBus, indexer: SearchIndexer): Subscription {
  return bus.subscribe({
    group: 'product.search-projection',
    topics: ['product.changed', 'product.price_changed', 'inventory.stock_changed', 'product.rating_changed'],
    handler: async (event) => {
      switch (event.topic) {
        case 'product.changed':
          // An availability flip is recorded by the indexer itself, its projection already current.
          if (event.payload.change !== 'availability') await indexer.onProductChanged([event.payload]);
          return;
        case 'product.price_changed':
          await indexer.onPriceChanged([event.payload]);
          return;
        case 'inventory.stock_changed':
          await indexer.onStockChanged([{ productId: event.payload.productId, variantId: event.payload.variantId, available: event.payload.skuAvailable }]);
          return;
        // Relevance blends the rating in, the RATING sort and minRating filter read it.
        case 'product.rating_changed':
          await indexer.onRatingChanged([{ productId: event.payload.productId, rating: event.payload.rating, reviewCount: event.payload.reviewCount }]);
          return;
      }
    },
  });
}
