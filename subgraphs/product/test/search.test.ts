import { beforeAll, describe, expect, it } from 'vitest';
import { useTestSubgraph } from '@shopgraph/kit/testing';
import { createProductSubgraph } from '../src/server.js';
import { addFixtureCatalog, indexer } from './searchFixtures.js';

/** The PostgreSQL engine, live: relevance on a fixture catalogue, filters and facets against plain SQL. */
const subgraph = useTestSubgraph(createProductSubgraph);
const { gql, sql, one } = subgraph;
let ids: Record<string, string>;

beforeAll(async () => {
  ids = await addFixtureCatalog(subgraph);
});

const SEARCH = `query Search($query: String!, $filter: SearchFilter, $sort: SearchSort, $first: Int, $after: String) {
  search(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount engine didYouMean
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id name } highlights { field snippet } }
  }
}`;

const FACETS = `query Facets($query: String!, $filter: SearchFilter) {
  search(query: $query, filter: $filter, first: 0) {
    totalCount
    facets {
      categories { category { id path } count children { category { id path } count children { category { id path } count } } }
      brands { brand { id name } count }
      prices { from to count }
      ratings { minRating count }
    }
  }
}`;

async function search(query: string, variables: Record<string, unknown> = {}) {
  const res = await gql(SEARCH, { query, ...variables });
  expect(res.errors).toBeUndefined();
  return res.data!.search as {
    totalCount: number;
    engine: string;
    didYouMean: string | null;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: { id: string; name: string }; highlights: Array<{ field: string; snippet: string }> }>;
  };
}

async function allIds(query: string, variables: Record<string, unknown> = {}): Promise<string[]> {
  const out: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const r = await search(query, { ...variables, first: 25, after });
    out.push(...r.edges.map((e) => e.node.id));
    if (!r.pageInfo.hasNextPage) return out;
    after = r.pageInfo.endCursor;
  }
  throw new Error('did not end');
}

describe('relevance on the fixture catalogue', () => {
  it('ranks an exact name match first, and says PostgreSQL answered', async () => {
    const r = await search('nimbus desk lamp');
    expect(r.engine).toBe('POSTGRES');
    expect(r.edges[0]!.node.id).toBe(ids.nimbus);
    expect(r.edges.map((e) => e.node.id)).toContain(ids.nimbusShade);
    const iphone = await search('Apple iPhone 15 Pro');
    expect(iphone.edges[0]!.node.id).toBe(ids.iphone);
  });

  it('finds the intended products for misspelt queries and says what it searched for', async () => {
    const iphnoe = await search('iphnoe');
    expect(iphnoe.didYouMean).toBe('iphone');
    expect(iphnoe.edges.map((e) => e.node.id)).toEqual(expect.arrayContaining([ids.iphone, ids.iphoneCase]));
    const adiddas = await search('adiddas trainers');
    expect(adiddas.didYouMean).toBe('adidas trainers');
    expect(adiddas.edges[0]!.node.id).toBe(ids.samba);
    const known = await search('iphone');
    expect(known.didYouMean).toBeNull();
  });

  it('puts the in-stock product above the sold-out one of equal text score', async () => {
    const r = await search('zephyr quartz lantern');
    expect(r.edges.map((e) => e.node.id).slice(0, 2)).toEqual([ids.zephyrIn, ids.zephyrOut]);
  });

  it('highlights matches, HTML-escaped, in <em>', async () => {
    const r = await search('iphone case');
    const hit = r.edges.find((e) => e.node.id === ids.iphoneCase)!;
    expect(hit.highlights.find((h) => h.field === 'name')!.snippet).toBe('<em>iPhone</em> 15 Silicone <em>Case</em>');
    expect(hit.highlights.find((h) => h.field === 'description')!.snippet).toContain('<em>iPhone</em>');
  });

  it('pages through every match exactly once', async () => {
    const r = await search('cotton', { first: 5 });
    const walked = await allIds('cotton');
    expect(walked).toHaveLength(r.totalCount);
    expect(new Set(walked).size).toBe(walked.length);
    expect(r.totalCount).toBeGreaterThan(5);
  });
});

describe('filters and facets equal plain SQL over the catalogue', () => {
  const QUERY = 'cotton';

  it('filters by brand, price, stock and category as SQL on catalog.product does', async () => {
    const everything = await allIds(QUERY);
    const [top] = await sql<{ brand: string; category: string }>(
      `SELECT p.brand_id::text AS brand, r.id::text AS category FROM catalog.product p JOIN catalog.category c ON c.id = p.category_id
       JOIN catalog.category r ON c.path LIKE r.path || '/%' AND r.parent_id IS NULL
       WHERE p.id = ANY ($1::uuid[]) GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`,
      everything,
    );
    const filter = { brands: [top!.brand], categories: [top!.category], priceMin: '10', priceMax: '300.00', inStock: true };
    const expected = await sql<{ id: string }>(
      `SELECT p.id::text FROM catalog.product p JOIN catalog.category c ON c.id = p.category_id JOIN catalog.category r ON r.id = $2::uuid
       WHERE p.id = ANY ($1::uuid[]) AND p.brand_id = $3::uuid AND (c.path = r.path OR c.path LIKE r.path || '/%')
         AND p.min_price BETWEEN 10 AND 300 AND p.in_stock`,
      everything,
      top!.category,
      top!.brand,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect((await allIds(QUERY, { filter })).sort()).toEqual(expected.map((r) => r.id).sort());
    const soldOut = await allIds(QUERY, { filter: { inStock: false } });
    const { n } = await one<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.product WHERE id = ANY ($1::uuid[]) AND NOT in_stock`, everything);
    expect(soldOut).toHaveLength(n);
  });

  it('counts brands, price buckets and the category tree as SQL does', async () => {
    const everything = await allIds(QUERY);
    const res = await gql(FACETS, { query: QUERY });
    expect(res.errors).toBeUndefined();
    const { totalCount, facets } = res.data!.search;
    expect(totalCount).toBe(everything.length);

    const brands = await sql<{ id: string; n: number }>(`SELECT brand_id::text AS id, count(*)::int AS n FROM catalog.product WHERE id = ANY ($1::uuid[]) GROUP BY 1`, everything);
    expect(Object.fromEntries(facets.brands.map((b: any) => [b.brand.id, b.count]))).toEqual(Object.fromEntries(brands.map((b) => [b.id, b.n])));

    const prices = await one<Record<string, number>>(
      `SELECT count(*) FILTER (WHERE min_price < 25)::int AS a, count(*) FILTER (WHERE min_price >= 25 AND min_price < 50)::int AS b,
        count(*) FILTER (WHERE min_price >= 50 AND min_price < 100)::int AS c, count(*) FILTER (WHERE min_price >= 100 AND min_price < 200)::int AS d,
        count(*) FILTER (WHERE min_price >= 200 AND min_price < 500)::int AS e, count(*) FILTER (WHERE min_price >= 500)::int AS f
       FROM catalog.product WHERE id = ANY ($1::uuid[])`,
      everything,
    );
    expect(facets.prices.map((p: any) => p.count)).toEqual(Object.values(prices));
    expect(facets.prices[0]).toMatchObject({ from: '0.00', to: '25.00' });
    expect(facets.prices.at(-1)).toMatchObject({ from: '500.00', to: null });

    const categories = await sql<{ path: string; n: number }>(
      `SELECT a.path, count(*)::int AS n FROM catalog.product p JOIN catalog.category c ON c.id = p.category_id
       JOIN catalog.category a ON c.path = a.path OR c.path LIKE a.path || '/%' WHERE p.id = ANY ($1::uuid[]) GROUP BY a.path`,
      everything,
    );
    const flat = new Map<string, number>();
    const walk = (nodes: any[], parentPath: string | null) => {
      for (const node of nodes) {
        if (parentPath) expect(node.category.path.startsWith(`${parentPath}/`)).toBe(true);
        flat.set(node.category.path, node.count);
        walk(node.children ?? [], node.category.path);
      }
    };
    walk(facets.categories, null);
    expect(Object.fromEntries(flat)).toEqual(Object.fromEntries(categories.map((c) => [c.path, c.n])));
    expect(facets.ratings).toEqual([4, 3, 2, 1].map((minRating) => ({ minRating, count: 0 })));
  });
});

describe('bad input is refused with BAD_USER_INPUT and the field, before the search runs', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['empty query', { query: '   ' }, 'query'],
    ['500-character query', { query: 'a'.repeat(500) }, 'query'],
    ['first over 100', { query: 'lamp', first: 101 }, 'first'],
    ['bad cursor', { query: 'lamp', after: 'nope' }, 'after'],
    ['cursor of another sort', { query: 'lamp', sort: 'NEWEST', after: Buffer.from(JSON.stringify({ s: 'RELEVANCE', k: [20] })).toString('base64url') }, 'after'],
    ['priceMin above priceMax', { query: 'lamp', filter: { priceMin: '50', priceMax: '10' } }, 'filter.priceMax'],
    ['malformed category', { query: 'lamp', filter: { categories: ['shoes'] } }, 'filter.categories'],
    ['unknown category', { query: 'lamp', filter: { categories: ['00000000-0000-4000-8000-000000000000'] } }, 'filter.categories'],
    ['rating above 5', { query: 'lamp', filter: { minRating: 6 } }, 'filter.minRating'],
  ];
  it.each(cases)('%s', async (_name, variables, field) => {
    subgraph.database.queries.reset();
    const res = await gql(SEARCH, variables);
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    // At most the lookup of a named category; never the search.
    expect(subgraph.database.queries.count).toBeLessThanOrEqual(1);
    expect(subgraph.database.queries.statements.join('\n')).not.toContain('product_search');
  });

  it('refuses an empty or too long suggest prefix', async () => {
    for (const prefix of ['', 'x'.repeat(101)]) {
      const res = await gql(`query($p: String!) { suggest(prefix: $p) { text } }`, { p: prefix });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'prefix' });
    }
  });
});

describe('autocomplete', () => {
  it('completes brands, categories and product names', async () => {
    const res = await gql(`{ a: suggest(prefix: "adid") { text kind brand { id } product { id } }
      b: suggest(prefix: "iph", first: 3) { text kind product { id } } c: suggest(prefix: "light") { text kind category { path } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.a[0]).toMatchObject({ text: 'Adidas', kind: 'BRAND', brand: { id: ids.adidasBrand } });
    expect(res.data!.a.slice(1).map((s: any) => s.product.id)).toEqual(expect.arrayContaining([ids.samba, ids.ultraboost]));
    expect(res.data!.b.map((s: any) => s.product?.id)).toEqual(expect.arrayContaining([ids.iphoneCase]));
    expect(res.data!.b.length).toBeLessThanOrEqual(3);
    expect(res.data!.c).toContainEqual({ text: 'Lighting', kind: 'CATEGORY', category: { path: 'home/lighting' } });
  });
});

describe('freshness and the cache', () => {
  it('answers a repeated search from the cache with no SQL', async () => {
    await search('linen');
    subgraph.database.queries.reset();
    const again = await search('  LINEN ');
    expect(subgraph.database.queries.count).toBe(0);
    expect(again.totalCount).toBeGreaterThan(0);
  });

  it('a product change is searchable at once, and retires cached answers', async () => {
    expect((await search('marigold')).totalCount).toBe(0);
    await sql(`UPDATE catalog.product SET name = 'Marigold Desk Lamp' WHERE id = $1::uuid`, ids.nimbusShade);
    expect((await search('marigold')).totalCount).toBe(0); // no event yet: the cached answer stands
    await indexer(subgraph).onProductChanged([{ productId: ids.nimbusShade! }]);
    const r = await search('marigold');
    expect(r.edges.map((e) => e.node.id)).toEqual([ids.nimbusShade]);
  });

  it('a price change moves the product between price filters', async () => {
    const inRange = { query: 'samba', filter: { priceMax: '80' } };
    expect((await search(inRange.query, inRange)).totalCount).toBe(0);
    await sql(`UPDATE catalog.product_variant SET price = 70 WHERE product_id = $1::uuid`, ids.samba);
    await sql(`UPDATE catalog.product SET min_price = 70, max_price = 70 WHERE id = $1::uuid`, ids.samba);
    await indexer(subgraph).onPriceChanged([{ productId: ids.samba! }]);
    expect((await search(inRange.query, inRange)).edges.map((e) => e.node.id)).toEqual([ids.samba]);
  });

  it('a stock change updates the catalogue and the inStock filter, and ranks the product up', async () => {
    const filter = { inStock: true };
    expect((await search('ultraboost', { filter })).totalCount).toBe(0);
    const [variant] = await sql<{ id: string }>(`SELECT id::text FROM catalog.product_variant WHERE product_id = $1::uuid`, ids.ultraboost);
    await indexer(subgraph).onStockChanged([{ productId: ids.ultraboost!, variantId: variant!.id, available: 3 }]);
    expect((await search('ultraboost', { filter })).edges.map((e) => e.node.id)).toEqual([ids.ultraboost]);
    expect(await one(`SELECT in_stock FROM catalog.product WHERE id = $1::uuid`, ids.ultraboost)).toEqual({ in_stock: true });
    // Delivered twice: nothing more changes, and the generation is not bumped again.
    const before = await one<{ g: string }>(`SELECT last_value::text AS g FROM catalog.search_generation`);
    await indexer(subgraph).onStockChanged([{ productId: ids.ultraboost!, variantId: variant!.id, available: 2 }]);
    expect(await one(`SELECT last_value::text AS g FROM catalog.search_generation`)).toEqual(before);
  });

  it('archiving removes a product from search and the lexicon keeps exact counts', async () => {
    await sql(`UPDATE catalog.product SET status = 'ARCHIVED' WHERE id = $1::uuid`, ids.iphone);
    await indexer(subgraph).onProductChanged([{ productId: ids.iphone! }]);
    expect((await search('iphone 15 pro titanium')).totalCount).toBe(0);
    const drift = await sql(
      `SELECT coalesce(t.term, r.term) AS term FROM catalog.search_term t
       FULL JOIN (SELECT w AS term, count(*)::int AS n FROM catalog.product_search s, unnest(s.terms) w GROUP BY w) r ON r.term = t.term
       WHERE coalesce(t.documents, 0) <> coalesce(r.n, 0)`,
    );
    expect(drift).toEqual([]);
  });

  it('ratings and popularity feed the projection through their setters', async () => {
    await indexer(subgraph).onRatingChanged([{ productId: ids.zephyrOut!, rating: '4.80', reviewCount: 120 }]);
    const res = await gql(FACETS, { query: 'zephyr', filter: { minRating: 4.5 } });
    expect(res.data!.search.totalCount).toBe(1);
    expect(res.data!.search.facets.ratings[0]).toEqual({ minRating: 4, count: 1 });
  });
});
