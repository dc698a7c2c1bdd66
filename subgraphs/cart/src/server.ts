import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import { createCartCaches } from './caches.js';
import type { CartContext } from './context.js';
import { createCartLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { CartService } from './services/cartService.js';

/** Builds the cart subgraph; index.ts decides where it listens. */
export function createCartSubgraph({ database, logger, readiness, metrics, caches, internalAuth }: SubgraphDeps): SubgraphServer {
  const services = { cart: new CartService() };
  const cartCaches = createCartCaches(caches);
  return createSubgraphServer<CartContext>({
    name: 'cart',
    resolvers,
    database,
    logger,
    readiness,
    metrics,
    internalAuth,
    perRequest: () => ({ loaders: createCartLoaders(database.prisma, cartCaches), services }),
  });
}
