import { Client } from '@opensearch-project/opensearch';
import type { ReadinessCheck, SubgraphDeps } from '@shopgraph/kit';
import type { CatalogCaches } from '../../caches.js';
import { SearchIndexer } from '../searchIndexer.js';
import { SearchService } from '../searchService.js';
import { OpenSearchEngine } from './openSearchEngine.js';
import { productAlias } from './openSearchIndex.js';
import { PostgresSearchEngine } from './postgresSearchEngine.js';
import { SearchCircuit, type SearchCircuitOptions } from './searchCircuit.js';

export interface SearchOptions {
  /** An OpenSearch client to use instead of one made from OPENSEARCH_URL (tests). */
  openSearchClient?: Client;
  circuit?: SearchCircuitOptions;
}

/** A search request to OpenSearch that takes longer than this counts as a failure (PostgreSQL answers). */
const OPENSEARCH_TIMEOUT_MS = 1_500;

export function openSearchClient(url: string): Client {
  return new Client({ node: url, maxRetries: 0, requestTimeout: OPENSEARCH_TIMEOUT_MS });
}

/** The search service and its indexer, made once at boot from the subgraph's long-lived clients. */
export function createSearch(deps: SubgraphDeps, caches: CatalogCaches, options: SearchOptions = {}) {
  const { prisma } = deps.database;
  const client = options.openSearchClient ?? (deps.openSearchUrl ? openSearchClient(deps.openSearchUrl) : undefined);
  const alias = productAlias(deps.namespace);
  const openSearch = client
    ? { engine: new OpenSearchEngine(client, alias), circuit: new SearchCircuit(deps.metrics.registry, deps.logger, options.circuit) }
    : undefined;
  const service = new SearchService({
    postgres: new PostgresSearchEngine(prisma),
    ...(openSearch && { openSearch }),
    results: caches.searchResults,
    suggestions: caches.searchSuggestions,
    generation: caches.searchGeneration,
    prisma,
    logger: deps.logger,
    registry: deps.metrics.registry,
  });
  const indexer = new SearchIndexer({
    prisma,
    logger: deps.logger,
    registry: deps.metrics.registry,
    invalidateResults: () => service.invalidateResults(),
    availabilityCaches: [caches.product, caches.variant, caches.variantsOfProduct],
    listingGeneration: caches.generations.listing,
    ...(client && { openSearch: { client, alias } }),
  });
  // Not required: while OpenSearch is down, PostgreSQL answers searches (the circuit says which).
  const readiness: ReadinessCheck | undefined = client && {
    name: 'search',
    required: false,
    check: async () => void (await client.ping()),
    detail: () => ({ engine: 'opensearch', circuit: openSearch?.circuit.state ?? 'closed' }),
  };
  return { service, indexer, client, alias, circuit: openSearch?.circuit, readiness };
}
