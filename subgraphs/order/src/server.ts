import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import { createOrderCaches } from './caches.js';
import type { OrderContext } from './context.js';
import { createOrderLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { OrderWatchService } from './services/orderWatchService.js';
import { SalesService } from './services/salesService.js';

/** Builds the order subgraph; index.ts decides where it listens. */
export function createOrderSubgraph({ database, logger, readiness, metrics, caches, internalAuth }: SubgraphDeps): SubgraphServer {
  const services = { sales: new SalesService(), watch: new OrderWatchService(database.prisma) };
  const now = () => new Date();
  const orderCaches = createOrderCaches(caches);
  return createSubgraphServer<OrderContext>({
    name: 'order',
    resolvers,
    database,
    logger,
    readiness,
    metrics,
    internalAuth,
    perRequest: () => ({ loaders: createOrderLoaders(database.prisma, orderCaches, now), services }),
  });
}
