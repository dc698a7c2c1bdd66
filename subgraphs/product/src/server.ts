import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import { createCatalogCaches } from './caches.js';
import type { ProductContext } from './context.js';
import { consumeSearchProjectionEvents } from './events/searchProjectionConsumer.js';
import { createCatalogLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { CatalogAdminService } from './services/catalogAdminService.js';
import { CatalogService } from './services/catalogService.js';
import { PriceReads } from './services/priceReads.js';
import { PricingService } from './services/pricingService.js';
import { createSearch, type SearchOptions } from './services/search/createSearch.js';
import type { SearchIndexer } from './services/searchIndexer.js';

export interface ProductSubgraph extends SubgraphServer {
  /** Event consumers call these to keep search fresh (wired to the event bus by the events work). */
  searchIndexer: SearchIndexer;
}

/** Builds the product subgraph (catalog, search); index.ts decides where it listens. */
export function createProductSubgraph(deps: SubgraphDeps, options: { search?: SearchOptions } = {}): ProductSubgraph {
  const { database, logger, readiness, metrics, caches, internalAuth } = deps;
  const catalogCaches = createCatalogCaches(caches);
  const search = createSearch(deps, catalogCaches, options.search);
  const services = {
    catalog: new CatalogService(),
    admin: new CatalogAdminService(database.prisma, catalogCaches),
    pricing: new PricingService(database.prisma, catalogCaches),
    prices: new PriceReads(),
    search: search.service,
  };
  const projection = consumeSearchProjectionEvents(deps.events, search.indexer);
  const server = createSubgraphServer<ProductContext>({
    name: 'product',
    resolvers,
    database,
    logger,
    readiness,
    metrics,
    internalAuth,
    perRequest: (_req, { responseTags }) => ({ loaders: createCatalogLoaders(database.prisma, catalogCaches, responseTags), services }),
    onStop: async () => {
      await projection.close();
      await search.client?.close();
    },
  });
  return Object.assign(server, { searchIndexer: search.indexer });
}
