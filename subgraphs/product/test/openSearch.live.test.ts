import { describe, expect, it } from 'vitest';
import { useTestSubgraph } from '@shopgraph/kit/testing';
import { createProductSubgraph } from '../src/server.js';
import { openSearchClient } from '../src/services/search/createSearch.js';
import { productAlias } from '../src/services/search/openSearchIndex.js';
import { reindexAll } from '../src/services/search/reindexAll.js';
import { addFixtureCatalog } from './searchFixtures.js';

/**
 * The OpenSearch engine against a real server: runs only when OPENSEARCH_URL is set (no
 * OpenSearch can run on the development machines; docker-compose.yml starts one).
 */
const url = process.env.OPENSEARCH_URL;

describe.skipIf(!url)('OpenSearch engine, live', () => {
  const client = openSearchClient(url ?? 'http://127.0.0.1:9200');
  const subgraph = useTestSubgraph((deps) => createProductSubgraph(deps, { search: { openSearchClient: client } }));
  const SEARCH = `query($q: String!) { search(query: $q, first: 10) { engine totalCount didYouMean edges { node { id } highlights { field snippet } }
    facets { brands { brand { name } count } } } }`;

  it('reindexes, then answers relevance, typo and facet queries like the PostgreSQL engine', async () => {
    const ids = await addFixtureCatalog(subgraph);
    const alias = productAlias(subgraph.running.testDatabase.name);
    const { openSearchIndex } = await reindexAll(subgraph.database.prisma, { openSearch: { client, alias } });
    try {
      const exact = await subgraph.gql(SEARCH, { q: 'nimbus desk lamp' });
      expect(exact.data!.search.engine).toBe('OPENSEARCH');
      expect(exact.data!.search.edges[0].node.id).toBe(ids.nimbus);
      const typo = await subgraph.gql(SEARCH, { q: 'adiddas' });
      expect(typo.data!.search.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining([ids.samba, ids.ultraboost]));
      expect(typo.data!.search.didYouMean).toBe('adidas');
      const stock = await subgraph.gql(SEARCH, { q: 'zephyr quartz lantern' });
      expect(stock.data!.search.edges.slice(0, 2).map((e: any) => e.node.id)).toEqual([ids.zephyrIn, ids.zephyrOut]);
      const suggest = await subgraph.gql(`{ suggest(prefix: "adid") { text kind } }`);
      expect(suggest.data!.suggest).toContainEqual({ text: 'Adidas', kind: 'BRAND' });
    } finally {
      await client.indices.delete({ index: openSearchIndex! }).catch(() => undefined);
    }
  }, 60_000);
});
