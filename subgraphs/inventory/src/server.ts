import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import { createInventoryCaches } from './caches.js';
import type { InventoryContext } from './context.js';
import { createInventoryLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { StockService } from './services/stockService.js';

/** Builds the inventory subgraph (stock per SKU per warehouse); index.ts decides where it listens. */
export function createInventorySubgraph({ database, logger, readiness, metrics, caches, internalAuth }: SubgraphDeps): SubgraphServer {
  const services = { stock: new StockService(database.prisma) };
  const inventoryCaches = createInventoryCaches(caches);
  return createSubgraphServer<InventoryContext>({
    name: 'inventory',
    resolvers,
    database,
    logger,
    readiness,
    metrics,
    internalAuth,
    perRequest: (_req, { responseTags }) => ({ loaders: createInventoryLoaders(database.prisma, inventoryCaches, responseTags), services }),
  });
}
