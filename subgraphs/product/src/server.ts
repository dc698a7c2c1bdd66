import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import type { ProductContext } from './context.js';
import { createCatalogLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { CatalogService } from './services/catalogService.js';

/** Builds the product subgraph (catalog); index.ts decides where it listens. */
export function createProductSubgraph({ database, logger, readiness }: SubgraphDeps): SubgraphServer {
  const services = { catalog: new CatalogService(database.prisma) };
  return createSubgraphServer<ProductContext>({
    name: 'product',
    resolvers,
    database,
    logger,
    readiness,
    perRequest: () => ({ loaders: createCatalogLoaders(database.prisma), services }),
  });
}
