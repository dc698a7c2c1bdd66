import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '@shopgraph/kit';
import { eventually, useTestSubgraph } from '@shopgraph/kit/testing';
import { createProductSubgraph } from '../src/server.js';
import { openSearchClient } from '../src/services/search/createSearch.js';
import { productAlias } from '../src/services/search/openSearchIndex.js';
import { reindexAll } from '../src/services/search/reindexAll.js';
import { FakeOpenSearch } from './fakeOpenSearch.js';
import { addFixtureCatalog, indexer } from './searchFixtures.js';

/** The OpenSearch engine through the official client against a transport-level double. */
const fake = new FakeOpenSearch();
const fakeUrl = await fake.start();
const client = openSearchClient(fakeUrl);
// Long enough that a loaded machine cannot let it pass between two consecutive searches.
const OPEN_FOR_MS = 2_000;
const subgraph = useTestSubgraph((deps) => createProductSubgraph(deps, { search: { openSearchClient: client, circuit: { openForMs: OPEN_FOR_MS } } }), {
  eventSource: 'catalog',
});
const { gql, one } = subgraph;
let ids: Record<string, string>;
let alias: string;
let firstIndex: string;

beforeAll(async () => {
  ids = await addFixtureCatalog(subgraph);
  alias = productAlias(subgraph.running.testDatabase.name);
  firstIndex = (await reindexAll(subgraph.database.prisma, { openSearch: { client, alias } })).openSearchIndex!;
});
afterAll(async () => {
  await fake.stop();
});

const SEARCH = `query($query: String!, $filter: SearchFilter, $first: Int) { search(query: $query, filter: $filter, first: $first) {
  totalCount engine didYouMean edges { node { id name } highlights { field snippet } }
  facets { brands { brand { name } count } categories { category { path } count children { category { path } count } } prices { from to count } ratings { minRating count } } } }`;

const metric = async (name: string) => {
  const text = await (await fetch(subgraph.running.url.replace('/graphql', '/metrics'))).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
};

describe('index: mapping, documents and the alias swap', () => {
  it('creates the index with the English analyzer, keyword facets and a completion field, then points the alias at it', () => {
    const create = fake.requests.find((r) => r.method === 'PUT' && r.path === `/${firstIndex}`)!;
    const p = create.body.mappings.properties;
    expect(p.name).toMatchObject({ type: 'text', analyzer: 'english' });
    expect(p.description).toMatchObject({ type: 'text', analyzer: 'english' });
    expect(p.suggest.type).toBe('completion');
    expect(p.category_ids.type).toBe('keyword');
    expect(p.brand_id.type).toBe('keyword');
    expect(p.min_price).toMatchObject({ type: 'scaled_float', scaling_factor: 100 });
    expect(create.body.mappings.dynamic).toBe('strict');
    expect(fake.aliases.get(alias)).toBe(firstIndex);
  });

  it('indexes every searchable product of the projection', async () => {
    const { n } = await one<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.product_search WHERE status = 'ACTIVE'`);
    expect(fake.indices.get(firstIndex)!.size).toBe(n);
    const doc = fake.indices.get(firstIndex)!.get(ids.samba!)!;
    expect(doc).toMatchObject({ name: 'Adidas Samba OG Trainers', brand: 'Adidas', min_price: 100, in_stock: true, currency: 'USD' });
    expect(doc.category_ids).toHaveLength(3);
    expect(doc.suggest.input).toEqual(expect.arrayContaining(['Adidas Samba OG Trainers', 'Adidas']));
  });

  it('rebuilds into a new index and swaps the alias in one call (no downtime), then drops the old index', async () => {
    fake.requests.length = 0;
    const { openSearchIndex } = await reindexAll(subgraph.database.prisma, { openSearch: { client, alias } });
    expect(openSearchIndex).not.toBe(firstIndex);
    const swap = fake.requests.find((r) => r.path === '/_aliases')!;
    expect(swap.body.actions).toEqual([{ remove: { index: firstIndex, alias } }, { add: { index: openSearchIndex, alias, is_write_index: true } }]);
    const order = fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(order.indexOf('POST /_aliases')).toBeGreaterThan(order.lastIndexOf('POST /_bulk'));
    expect(order.indexOf(`DELETE /${firstIndex}`)).toBeGreaterThan(order.indexOf('POST /_aliases'));
    expect(fake.aliases.get(alias)).toBe(openSearchIndex);
  });
});

describe('search requests and their mapping', () => {
  it('sends multi_match over boosted fields with fuzziness, function_score boosts, aggregations, highlight and a term suggester', async () => {
    fake.requests.length = 0;
    const res = await gql(SEARCH, { query: 'Adidas trainers', filter: { inStock: true, priceMax: '150', brands: [ids.adidasBrand] } });
    expect(res.errors).toBeUndefined();
    const body = fake.searches()[0]!.body;
    const bool = body.query.function_score.query.bool;
    expect(bool.must[0].multi_match).toEqual({
      query: 'adidas trainers',
      fields: ['name^4', 'brand^3', 'category^2', 'attribute_text^1.5', 'description'],
      type: 'best_fields',
      operator: 'and',
      fuzziness: 'AUTO',
      prefix_length: 1,
    });
    expect(bool.filter).toEqual([{ terms: { brand_id: [ids.adidasBrand] } }, { range: { min_price: { lte: 150 } } }, { term: { in_stock: true } }]);
    expect(body.query.function_score.functions).toEqual(
      expect.arrayContaining([
        { filter: { term: { in_stock: true } }, weight: 2 },
        expect.objectContaining({ field_value_factor: expect.objectContaining({ field: 'rating' }) }),
        expect.objectContaining({ field_value_factor: expect.objectContaining({ field: 'review_count' }) }),
      ]),
    );
    expect(Object.keys(body.aggs).sort()).toEqual(['brands', 'categories', 'prices', 'ratings']);
    expect(body.aggs.categories.terms.field).toBe('category_ids');
    expect(body.highlight.fields).toHaveProperty('name');
    expect(body.suggest.did_you_mean.term).toMatchObject({ field: 'spell', suggest_mode: 'missing' });
    expect(body.track_total_hits).toBe(true);
    expect(body.sort).toEqual(['_score', { id: 'asc' }]);

    const result = res.data!.search;
    expect(result.engine).toBe('OPENSEARCH');
    expect(result.edges.map((e: any) => e.node.id)).toEqual([ids.samba]);
    expect(result.edges[0].highlights).toContainEqual({ field: 'name', snippet: '<em>Adidas</em> Samba OG <em>Trainers</em>' });
    expect(result.facets.brands).toEqual([{ brand: { name: 'Adidas' }, count: 1 }]);
    expect(result.facets.categories[0]).toMatchObject({ category: { path: 'men' }, count: 1, children: [{ category: { path: 'men/shoes' }, count: 1 }] });
    expect(result.facets.prices.find((p: any) => p.from === '100.00')).toEqual({ from: '100.00', to: '200.00', count: 1 });
  });

  it('maps a misspelt query to the intended products and a "did you mean"', async () => {
    const res = await gql(SEARCH, { query: 'iphnoe' });
    expect(res.data!.search.engine).toBe('OPENSEARCH');
    expect(res.data!.search.didYouMean).toBe('iphone');
    expect(res.data!.search.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining([ids.iphone, ids.iphoneCase]));
  });

  it('asks the completion suggester with fuzziness and maps options to kinds', async () => {
    fake.requests.length = 0;
    const res = await gql(`{ suggest(prefix: "adid", first: 4) { text kind brand { name } product { id } } }`);
    expect(res.errors).toBeUndefined();
    expect(fake.searches()[0]!.body.suggest.products).toEqual({ prefix: 'adid', completion: { field: 'suggest', size: 4, skip_duplicates: true, fuzzy: { fuzziness: 'AUTO', prefix_length: 1 } } });
    expect(res.data!.suggest).toContainEqual({ text: 'Adidas', kind: 'BRAND', brand: { name: 'Adidas' }, product: null });
    expect(res.data!.suggest.filter((s: any) => s.kind === 'PRODUCT').map((s: any) => s.product.id)).toEqual(expect.arrayContaining([ids.samba]));
  });

  it('keeps OpenSearch fresh from the indexer: a change is written through the alias, an archived product deleted', async () => {
    fake.requests.length = 0;
    await subgraph.sql(`UPDATE catalog.product SET status = 'ARCHIVED' WHERE id = $1::uuid`, ids.zephyrOut);
    await indexer(subgraph).onProductChanged([{ productId: ids.zephyrOut! }, { productId: ids.zephyrIn! }]);
    const bulk = fake.requests.find((r) => r.path === '/_bulk')!;
    expect(bulk.body).toEqual(
      expect.arrayContaining([{ delete: { _index: alias, _id: ids.zephyrOut } }, { index: { _index: alias, _id: ids.zephyrIn } }]),
    );
    expect(fake.indices.get(fake.aliases.get(alias)!)!.has(ids.zephyrOut!)).toBe(false);
  });
});

describe('ratings (issue 10)', () => {
  it('a product.rating_changed event writes the rating into the document, and relevance and the RATING sort ask OpenSearch to use it', async () => {
    fake.requests.length = 0;
    // As the review service records it: through the catalog outbox, the relay, the projection's consumer group.
    await subgraph.database.prisma.$transaction((tx) =>
      recordEvents(tx, 'catalog', [{ topic: 'product.rating_changed', payload: { productId: ids.samba!, rating: '4.50', reviewCount: 2, newlyApprovedRating: 5 } }]),
    );
    await eventually(() => fake.requests.some((r) => r.path === '/_bulk'), 'the indexer to write the rated document');
    const bulk = fake.requests.find((r) => r.path === '/_bulk')!;
    expect(bulk.body).toEqual(expect.arrayContaining([{ index: { _index: alias, _id: ids.samba } }, expect.objectContaining({ rating: 4.5, review_count: 2 })]));
    expect(await one(`SELECT rating::text, review_count FROM catalog.product_search WHERE product_id = $1::uuid`, ids.samba)).toEqual({ rating: '4.50', review_count: 2 });

    fake.requests.length = 0;
    await gql(`{ search(query: "adidas") { totalCount } }`);
    const functions = fake.searches()[0]!.body.query.function_score.functions;
    expect(functions).toEqual(
      expect.arrayContaining([
        { field_value_factor: { field: 'rating', factor: 0.2, modifier: 'ln2p', missing: 0 } },
        expect.objectContaining({ field_value_factor: expect.objectContaining({ field: 'review_count' }) }),
      ]),
    );
    fake.requests.length = 0;
    await gql(`{ search(query: "adidas", sort: RATING, filter: { minRating: 4 }) { totalCount } }`);
    const rated = fake.searches()[0]!.body;
    expect(rated.sort).toEqual([{ rating: 'desc' }, { review_count: 'desc' }, '_score', { id: 'asc' }]);
    expect(rated.query.function_score.query.bool.filter).toContainEqual({ range: { rating: { gte: 4 } } });
  });
});

describe('circuit breaker', () => {
  let n = 0;
  /** A query no earlier test asked, so the answer cannot come from the cache. */
  const fresh = () => `lamp ${['brass', 'desk', 'nimbus', 'quartz', 'lantern', 'shade', 'zephyr', 'replacement'].slice(0, (n++ % 8) + 1).join(' ')}`;
  const engineOf = async () => {
    const res = await gql(`query($q: String!) { search(query: $q, first: 1) { engine } }`, { q: `${fresh()} ${n}` });
    expect(res.errors).toBeUndefined();
    return res.data!.search.engine as string;
  };

  it('opens after 3 failures in a row, answers from PostgreSQL meanwhile, probes after the pause and closes after two successes', { timeout: 20_000 }, async () => {
    expect(await engineOf()).toBe('OPENSEARCH');
    expect(await metric('search_circuit_state')).toBe(0);

    fake.mode = 'fail';
    const before = fake.searches().length;
    expect([await engineOf(), await engineOf(), await engineOf()]).toEqual(['POSTGRES', 'POSTGRES', 'POSTGRES']);
    expect(fake.searches().length - before).toBe(3);
    expect(await metric('search_circuit_state')).toBe(2);

    // Open: OpenSearch is not asked at all.
    expect(await engineOf()).toBe('POSTGRES');
    expect(fake.searches().length - before).toBe(3);

    // After the pause one probe goes through; it fails, so the circuit opens again.
    await new Promise((r) => setTimeout(r, OPEN_FOR_MS + 50));
    expect(await engineOf()).toBe('POSTGRES');
    expect(fake.searches().length - before).toBe(4);
    expect(await metric('search_circuit_state')).toBe(2);

    fake.mode = 'ok';
    await new Promise((r) => setTimeout(r, OPEN_FOR_MS + 50));
    expect(await engineOf()).toBe('OPENSEARCH'); // the probe
    expect(await metric('search_circuit_state')).toBe(1); // one success: on probation
    expect(await engineOf()).toBe('OPENSEARCH');
    expect(await metric('search_circuit_state')).toBe(0); // two: closed
  });

  it('treats a hanging OpenSearch as failing (client timeout) and still answers', async () => {
    fake.mode = 'hang';
    try {
      expect(await engineOf()).toBe('POSTGRES');
    } finally {
      fake.mode = 'ok';
    }
  }, 10_000);

  it('keeps answering from PostgreSQL when OpenSearch is gone entirely', async () => {
    await fake.stop();
    for (let i = 0; i < 5; i++) expect(await engineOf()).toBe('POSTGRES');
    expect(await metric('search_circuit_state')).toBe(2);
    // /ready shows search down with its circuit, and stays 200: PostgreSQL answers meanwhile.
    const ready = await fetch(subgraph.running.url.replace('/graphql', '/ready'));
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, unknown> }).checks.search).toMatchObject({ state: 'down', required: false, engine: 'opensearch', circuit: 'open' });
    const suggest = await gql(`{ suggest(prefix: "adid") { text kind } }`);
    expect(suggest.data!.suggest[0]).toEqual({ text: 'Adidas', kind: 'BRAND' });
  });
});
