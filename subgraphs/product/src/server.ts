import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import { createCatalogCaches } from './caches.js';
import type { ProductContext } from './context.js';
import { createCatalogLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { CatalogService } from './services/catalogService.js';
import { PricingService } from './services/pricingService.js';

/** Builds the product subgraph (catalog); index.ts decides where it listens. */
export function createProductSubgraph({ database, logger, readiness, metrics, caches }: SubgraphDeps): SubgraphServer {
  const catalogCaches = createCatalogCaches(caches);
  const services = { catalog: new CatalogService(), pricing: new PricingService(database.prisma, catalogCaches) };
  return createSubgraphServer<ProductContext>({
    name: 'product',
    resolvers,
    database,
    logger,
    readiness,
    metrics,
    perRequest: (_req, { responseTags }) => ({ loaders: createCatalogLoaders(database.prisma, catalogCaches, responseTags), services }),
  });
}
