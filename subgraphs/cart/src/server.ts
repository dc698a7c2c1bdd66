import { createSubgraphServer, jobQueueMetrics, PeriodicTask, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import { createCartCaches } from './caches.js';
import type { CartContext } from './context.js';
import { createCartLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { CartService } from './services/cartService.js';
import { CartSweepJob } from './services/cartSweepJob.js';
import { CouponService } from './services/couponService.js';
import { PriceBook } from './services/priceBook.js';
import { WishlistService } from './services/wishlistService.js';

/** The price consumer's dedupe table is pruned hourly (its rows live 30 days). */
const PRUNE_INTERVAL_MS = 3_600_000;

/** Builds the cart subgraph; index.ts decides where it listens. */
export function createCartSubgraph({ database, logger, readiness, metrics, caches, internalAuth, internal, commerce, events }: SubgraphDeps): SubgraphServer {
  const cartCaches = createCartCaches(caches);
  const prices = new PriceBook(database.prisma, internal);
  const cart = new CartService(database.prisma, cartCaches, internal, prices, commerce);
  const wishlist = new WishlistService(database.prisma, cartCaches, prices, cart);
  const services = { cart, coupons: new CouponService(database.prisma), settings: commerce, wishlist };
  const priceEvents = prices.subscribe(events, logger.child({ component: 'cart-prices' }));
  const sweep = new CartSweepJob(cart, logger.child({ component: 'cart-sweep' }), undefined, jobQueueMetrics(metrics.registry));
  sweep.start(commerce.cartSweepIntervalSeconds);
  const pruneProcessed = new PeriodicTask(() => prices.pruneProcessedEvents(), logger, 'cart processed-event prune');
  pruneProcessed.start(PRUNE_INTERVAL_MS);
  return createSubgraphServer<CartContext>({
    name: 'cart',
    resolvers,
    database,
    logger,
    readiness,
    metrics,
    internalAuth,
    perRequest: () => ({ loaders: createCartLoaders(database.prisma, cartCaches), services }),
    onStop: async () => {
      await sweep.stop();
      await pruneProcessed.stop();
      await priceEvents.close();
    },
  });
}
