import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@shopgraph/kit';
import { createRecommendationParts } from '../../subgraphs/recommendation/src/server.js';
import { startSupergraph, type RunningSupergraph } from './supergraphHarness.js';

/**
 * The whole supergraph over real HTTP, with the gateway's response cache off so every
 * request reaches the subgraphs (gateway/test/responseCache.e2e.test.ts tests that cache).
 */
let stack: RunningSupergraph;
let databases: RunningSupergraph['databases'];
let allDeps: RunningSupergraph['deps'][keyof RunningSupergraph['deps']][];
let subgraphRequests: Record<string, number>;
let gatewayUrl: string;

const gql = (query: string, variables?: Record<string, unknown>) => stack.gql(query, variables);
const sql = <T>(query: string, ...values: unknown[]) => stack.sql<T>(query, ...values);
const one = async <T>(query: string, ...values: unknown[]): Promise<T> => (await sql<T>(query, ...values))[0]!;
const resetCounters = () => stack.resetCounters();

beforeAll(async () => {
  stack = await startSupergraph({ responseCache: false });
  ({ databases, subgraphRequests, gatewayUrl } = stack);
  allDeps = Object.values(stack.deps);
});

afterAll(async () => {
  await stack?.stop();
});

describe('supergraph through the gateway', () => {
  it('answers the storefront listing across product and inventory with one fetch each', async () => {
    resetCounters();
    const res = await gql(`{ products(first: 5) { edges { node { id name stock { available } } } } }`);
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.products.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(5);
    const expected = await sql<{ id: string; name: string; available: number }>(
      `SELECT p.id::text, p.name, COALESCE((SELECT sum(l.on_hand - l.reserved)::int FROM inventory.inventory_item i
          JOIN inventory.stock_level l ON l.sku = i.sku WHERE i.product_id = p.id), 0) AS available
       FROM catalog.product p WHERE p.status = 'ACTIVE' ORDER BY p.created_at DESC, p.id DESC LIMIT 5`,
    );
    expect(nodes).toEqual(expected.map((r) => ({ id: r.id, name: r.name, stock: { available: r.available } })));
    expect(subgraphRequests).toEqual({ product: 1, inventory: 1 });
    // Five product representations, one stock read.
    expect(databases.inventory.queries.count).toBe(1);
  });

  it('a listing of 50 with variants and stock: one SQL query per subgraph and entity type cold, none warm', async () => {
    const LISTING = `{ products(first: 50) { edges { node { id name variants { sku price { amount } stock { available } } stock { available } } } } }`;
    for (const deps of allDeps) deps.caches.clearLocal();
    resetCounters();
    const cold = await gql(LISTING);
    expect(cold.errors).toBeUndefined();
    expect(cold.data!.products.edges).toHaveLength(50);
    const tables = (db: Database) => db.queries.statements.map((q) => /FROM\s+"?(\w+)"?\."?(\w+)"?/i.exec(q)?.slice(1).join('.'));
    // product: the page (rows included) and the variants of its 50 products.
    expect(tables(databases.product).sort()).toEqual(['catalog.product', 'catalog.product_variant']);
    // inventory: stock of the 50 products and of all their variants, one statement each.
    expect(databases.inventory.queries.count).toBe(2);
    // The plan fetches products' and variants' stock in parallel: one _entities batch per entity type.
    expect(subgraphRequests).toEqual({ product: 1, inventory: 2 });

    resetCounters();
    const warm = await gql(LISTING);
    expect(warm.data).toEqual(cold.data);
    expect(databases.product.queries.count + databases.inventory.queries.count).toBe(0);
  });

  it('joins fields owned by four subgraphs in one product page', async () => {
    const [p] = await sql<{ slug: string }>(
      `SELECT p.slug FROM catalog.product p WHERE p.status = 'ACTIVE' AND EXISTS (SELECT 1 FROM ordering.order_line l WHERE l.product_id = p.id) ORDER BY p.sku LIMIT 1`,
    );
    const res = await gql(
      `query($slug: String) { product(slug: $slug) { id name priceRange { min { amount currency } }
         stock { onHand reserved available inStock warehouses { warehouse { code } available } }
         unitsSold(days: 90)
         variants { sku price { amount } stock { available } } } }`,
      { slug: p!.slug },
    );
    expect(res.errors).toBeUndefined();
    const product = res.data!.product;
    const { units } = await one<{ units: number }>(
      `SELECT COALESCE(sum(l.quantity), 0)::int AS units FROM ordering.order_line l JOIN ordering."order" o ON o.id = l.order_id
       WHERE l.product_id = $1::uuid AND o.status NOT IN ('PENDING', 'FAILED', 'CANCELLED', 'REFUNDED') AND o.placed_at >= now() - interval '90 days'`,
      product.id,
    );
    expect(product.unitsSold).toBe(units);
    expect(product.stock.available).toBe(product.variants.reduce((sum: number, v: any) => sum + v.stock.available, 0));
    expect(product.stock.warehouses.map((w: any) => w.warehouse.code).sort()).toEqual(['EU-AMS', 'US-NYC']);
  });

  it('resolves trending products through the product subgraph', async () => {
    // The ranking is precomputed: what the recommendation subgraph's background loop does.
    await createRecommendationParts(stack.deps.recommendation).refresher.run();
    const res = await gql(`{ trending(first: 3) { score product { id name } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.trending).toHaveLength(3);
    for (const t of res.data!.trending) expect(typeof t.product.name).toBe('string');
  });

  it('searches through the gateway with fields of another subgraph on each hit', async () => {
    const res = await gql(`{ search(query: "cotton", first: 5, filter: { inStock: true }) { totalCount engine
      edges { node { id name stock { available inStock } } highlights { field snippet } } } suggest(prefix: "cot") { text kind } }`);
    expect(res.errors).toBeUndefined();
    const { search } = res.data!;
    expect(search.engine).toBe('POSTGRES');
    expect(search.edges.length).toBeGreaterThan(0);
    for (const edge of search.edges) {
      expect(edge.node.stock.inStock).toBe(true);
      expect(edge.highlights.map((h: any) => h.snippet).join(' ')).toMatch(/<em>cotton<\/em>/i);
    }
    expect(res.data!.suggest.length).toBeGreaterThan(0);
  });

  it('passes subgraph input errors through with their code and field', async () => {
    const cases: Array<[string, string, string]> = [
      [`{ products(first: -1) { totalCount } }`, 'BAD_USER_INPUT', 'first'],
      [`{ products(first: 101) { totalCount } }`, 'BAD_USER_INPUT', 'first'],
      [`{ products(after: "garbage") { totalCount } }`, 'BAD_USER_INPUT', 'after'],
      [`{ search(query: "") { totalCount } }`, 'BAD_USER_INPUT', 'query'],
      [`{ product(id: "00000000-0000-4000-8000-000000000000") { id } }`, 'NOT_FOUND', 'id'],
    ];
    for (const [query, code, field] of cases) {
      const res = await gql(query);
      expect(res.errors?.[0]?.extensions, query).toMatchObject({ code, field });
    }
  });

  it('rejects invalid GraphQL at the gateway before any subgraph is called', async () => {
    resetCounters();
    const res = await gql(`{ products(first: "five") { totalCount } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(subgraphRequests).toEqual({});
  });

  it('serves health and readiness', async () => {
    const base = gatewayUrl.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, unknown> }).checks).toHaveProperty('inventory');
  });
});
