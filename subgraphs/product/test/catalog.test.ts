import { describe, expect, it } from 'vitest';
import { useTestSubgraph } from '@shopgraph/kit/testing';
import { createProductSubgraph } from '../src/server.js';

const subgraph = useTestSubgraph(createProductSubgraph);
const { gql, sql, one } = subgraph;

const PAGE = `query Page($first: Int, $after: String, $sort: ProductSort, $filter: ProductFilter) {
  products(first: $first, after: $after, sort: $sort, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id name priceRange { min { amount currency } max { amount } } } }
  }
}`;

async function walk(sort: string, filter?: Record<string, unknown>, first = 7): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await gql(PAGE, { first, after, sort, filter });
    expect(res.errors).toBeUndefined();
    const conn = res.data!.products;
    ids.push(...conn.edges.map((e: { node: { id: string } }) => e.node.id));
    if (!conn.pageInfo.hasNextPage) return ids;
    after = conn.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

describe('products connection', () => {
  it('pages through every active product in each sort order, exactly once, in SQL order', async () => {
    const orders: Record<string, string> = {
      NEWEST: 'created_at DESC, id DESC',
      PRICE_ASC: 'min_price ASC, id ASC',
      PRICE_DESC: 'min_price DESC, id DESC',
      NAME_ASC: 'name ASC, id ASC',
    };
    for (const [sort, orderBy] of Object.entries(orders)) {
      const expected = (await sql<{ id: string }>(`SELECT id::text FROM catalog.product WHERE status = 'ACTIVE' ORDER BY ${orderBy}`)).map((r) => r.id);
      expect(expected.length).toBeGreaterThan(20);
      expect(await walk(sort)).toEqual(expected);
    }
  });

  it('reports totalCount and page info', async () => {
    const { count } = await one<{ count: number }>(`SELECT count(*)::int AS count FROM catalog.product WHERE status = 'ACTIVE'`);
    const res = await gql(PAGE, { first: 5 });
    expect(res.data!.products.totalCount).toBe(count);
    expect(res.data!.products.edges).toHaveLength(5);
    expect(res.data!.products.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('keeps prices exact decimals with their currency', async () => {
    const res = await gql(PAGE, { first: 20, sort: 'PRICE_DESC' });
    const rows = await sql<{ id: string; min: string; max: string; currency: string }>(
      `SELECT id::text, min_price::text AS min, max_price::text AS max, currency FROM catalog.product WHERE status = 'ACTIVE' ORDER BY min_price DESC, id DESC LIMIT 20`,
    );
    expect(res.data!.products.edges.map((e: any) => [e.node.id, e.node.priceRange.min.amount, e.node.priceRange.max.amount, e.node.priceRange.min.currency])).toEqual(
      rows.map((r) => [r.id, r.min, r.max, r.currency]),
    );
  });

  it('filters by a root category including every descendant', async () => {
    const [root] = await sql<{ id: string; path: string }>(`SELECT id::text, path FROM catalog.category WHERE parent_id IS NULL ORDER BY position LIMIT 1`);
    const expected = await sql<{ id: string }>(
      `SELECT p.id::text FROM catalog.product p JOIN catalog.category c ON c.id = p.category_id
       WHERE p.status = 'ACTIVE' AND c.path LIKE $1 ORDER BY p.created_at DESC, p.id DESC`,
      `${root!.path}/%`,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(await walk('NEWEST', { category: root!.id }, 50)).toEqual(expected.map((r) => r.id));
  });

  it('filters by brand, price range and stock together', async () => {
    const [brand] = await sql<{ id: string }>(
      `SELECT brand_id::text AS id FROM catalog.product WHERE status = 'ACTIVE' GROUP BY brand_id ORDER BY count(*) DESC, brand_id LIMIT 1`,
    );
    const expected = await sql<{ id: string }>(
      `SELECT id::text FROM catalog.product WHERE status = 'ACTIVE' AND brand_id = $1::uuid AND min_price BETWEEN 0 AND 250.00 AND in_stock
       ORDER BY min_price, id`,
      brand!.id,
    );
    const got = await walk('PRICE_ASC', { brand: brand!.id, priceMin: '0', priceMax: '250.00', inStock: true }, 3);
    expect(got).toEqual(expected.map((r) => r.id));
    const outOfStock = await walk('NEWEST', { inStock: false }, 50);
    const { count } = await one<{ count: number }>(`SELECT count(*)::int AS count FROM catalog.product WHERE status = 'ACTIVE' AND NOT in_stock`);
    expect(outOfStock).toHaveLength(count);
  });
});

describe('bad input is refused with a code and the field, before any SQL', () => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['negative first', { first: -1 }, 'BAD_USER_INPUT', 'first'],
    ['first over 100', { first: 101 }, 'BAD_USER_INPUT', 'first'],
    ['malformed cursor', { after: 'not-a-cursor' }, 'BAD_USER_INPUT', 'after'],
    ['cursor of another sort', { after: Buffer.from(JSON.stringify({ s: 'NAME_ASC', k: ['a', '00000000-0000-4000-8000-000000000000'] })).toString('base64url') }, 'BAD_USER_INPUT', 'after'],
    ['cursor with a forged key', { after: Buffer.from(JSON.stringify({ s: 'NEWEST', k: ["'; DROP TABLE x", 'nope'] })).toString('base64url') }, 'BAD_USER_INPUT', 'after'],
    ['malformed category id', { filter: { category: 'shoes' } }, 'BAD_USER_INPUT', 'filter.category'],
    ['unknown category', { filter: { category: '00000000-0000-4000-8000-000000000000' } }, 'NOT_FOUND', 'filter.category'],
    ['negative price', { filter: { priceMin: '-1' } }, 'BAD_USER_INPUT', 'filter.priceMin'],
    ['inverted price range', { filter: { priceMin: '50', priceMax: '10' } }, 'BAD_USER_INPUT', 'filter.priceMax'],
  ];
  it.each(cases)('%s', async (_name, variables, code, field) => {
    subgraph.database.queries.reset();
    const res = await gql(PAGE, variables);
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code, field });
    // Validation happens before the listing query: at most the lookup of a named category.
    expect(subgraph.database.queries.count).toBeLessThanOrEqual(1);
  });

  it('product by unknown id is NOT_FOUND, by a non-id is BAD_USER_INPUT, by both id and slug is BAD_USER_INPUT', async () => {
    const unknown = await gql(`{ product(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const malformed = await gql(`{ product(id: "123") { id } }`);
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const both = await gql(`{ product(id: "00000000-0000-4000-8000-000000000000", slug: "x") { id } }`);
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('hides draft products from a product page', async () => {
    const [draft] = await sql<{ id: string; slug: string }>(`SELECT id::text, slug FROM catalog.product WHERE status = 'DRAFT' LIMIT 1`);
    const target = draft ?? (await sql<{ id: string; slug: string }>(`UPDATE catalog.product SET status = 'DRAFT' WHERE id = (SELECT id FROM catalog.product LIMIT 1) RETURNING id::text, slug`))[0]!;
    const res = await gql(`query($slug: String) { product(slug: $slug) { id } }`, { slug: target.slug });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'slug' });
  });
});

describe('product page and category tree', () => {
  it('serves a product by slug with variants, options, brand, category and images', async () => {
    const [p] = await sql<{ id: string; slug: string; variants: number; brand: string }>(
      `SELECT p.id::text, p.slug, (SELECT count(*)::int FROM catalog.product_variant v WHERE v.product_id = p.id) AS variants, b.name AS brand
       FROM catalog.product p JOIN catalog.brand b ON b.id = p.brand_id WHERE p.status = 'ACTIVE' ORDER BY p.sku LIMIT 1`,
    );
    const res = await gql(
      `query($slug: String) { product(slug: $slug) { id brand { name } category { path ancestors { depth } } attributes { name value }
        variants { sku name options { name value } price { amount currency } product { id } } images { url width height } } }`,
      { slug: p!.slug },
    );
    expect(res.errors).toBeUndefined();
    const product = res.data!.product;
    expect(product.id).toBe(p!.id);
    expect(product.brand.name).toBe(p!.brand);
    expect(product.variants).toHaveLength(p!.variants);
    expect(product.variants[0].product.id).toBe(p!.id);
    expect(product.variants[0].options.length).toBeGreaterThan(0);
    expect(product.category.ancestors.map((a: { depth: number }) => a.depth)).toEqual([0, 1]);
  });

  it('walks the three-level tree and lists a category subtree through Category.products', async () => {
    const res = await gql(`{ categories { id path depth children { path depth parent { id } children { path depth children { id } } } } }`);
    expect(res.errors).toBeUndefined();
    const roots = res.data!.categories;
    const { count } = await one<{ count: number }>(`SELECT count(*)::int AS count FROM catalog.category`);
    const flat = roots.flatMap((r: any) => [r, ...r.children, ...r.children.flatMap((c: any) => c.children)]);
    expect(flat).toHaveLength(count);
    for (const leaf of roots.flatMap((r: any) => r.children.flatMap((c: any) => c.children))) {
      expect(leaf.depth).toBe(2);
      expect(leaf.children).toEqual([]);
    }
    const byPath = await gql(`query($path: String) { category(path: $path) { products(first: 100) { totalCount } } }`, { path: roots[0].path });
    const all = await gql(`query($id: ID) { products(first: 1, filter: { category: $id }) { totalCount } }`, { id: roots[0].id });
    expect(byPath.data!.category.products.totalCount).toBe(all.data!.products.totalCount);
  });
});

describe('federation entity references', () => {
  it('resolves N products with their variants, brands and categories in one query per type', async () => {
    const ids = (await sql<{ id: string }>(`SELECT id::text FROM catalog.product ORDER BY sku LIMIT 25`)).map((r) => r.id);
    subgraph.running.deps.caches.clearLocal(); // cold: earlier tests' reads are cached
    subgraph.database.queries.reset();
    const res = await gql(
      `query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Product { id name brand { name } category { name } variants { sku price { amount } } } } }`,
      { representations: [...ids.map((id) => ({ __typename: 'Product', id })), { __typename: 'Product', id: '00000000-0000-4000-8000-000000000000' }] },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.slice(0, 25).map((e: { id: string }) => e.id)).toEqual(ids);
    expect(res.data!._entities[25]).toBeNull();
    // products, brands, categories, variants: one batched statement each.
    expect(subgraph.database.queries.count).toBe(4);
  });

  it('resolves variant references', async () => {
    const [v] = await sql<{ id: string; sku: string; price: string }>(`SELECT id::text, sku, price::text FROM catalog.product_variant ORDER BY sku LIMIT 1`);
    const res = await gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { sku price { amount } } } }`, {
      r: [{ __typename: 'ProductVariant', id: v!.id }],
    });
    expect(res.data!._entities[0]).toEqual({ sku: v!.sku, price: { amount: v!.price } });
  });
});
