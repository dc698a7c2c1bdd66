import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createLogger, createSubgraphDeps, SUBGRAPH_NAMES, type Database, type SubgraphDeps, type SubgraphName, type SubgraphServer } from '@shopgraph/kit';
import { createTestDatabase, postGraphQL, type TestDatabase } from '@shopgraph/kit/testing';
import { createCartSubgraph } from '../../subgraphs/cart/src/server.js';
import { createInventorySubgraph } from '../../subgraphs/inventory/src/server.js';
import { createOrderSubgraph } from '../../subgraphs/order/src/server.js';
import { createProductSubgraph } from '../../subgraphs/product/src/server.js';
import { createRecommendationSubgraph } from '../../subgraphs/recommendation/src/server.js';
import { createGatewayServer, type GatewayServer } from '../src/server.js';
import { readCheckedInSupergraph } from '../src/supergraph/composeSupergraph.js';

/**
 * The whole supergraph over real HTTP: five real subgraphs on free ports, one copy of the
 * seeded database, and the real Apollo Gateway planning over the checked-in supergraph.
 */
const factories: Record<SubgraphName, (deps: SubgraphDeps) => SubgraphServer> = {
  product: createProductSubgraph,
  inventory: createInventorySubgraph,
  cart: createCartSubgraph,
  order: createOrderSubgraph,
  recommendation: createRecommendationSubgraph,
};

let testDb: TestDatabase;
const databases = {} as Record<SubgraphName, Database>;
const subgraphs: SubgraphServer[] = [];
const allDeps: SubgraphDeps[] = [];
let gateway: GatewayServer;
let gatewayUrl: string;
const subgraphRequests: Record<string, number> = {};

const gql = (query: string, variables?: Record<string, unknown>) => postGraphQL(gatewayUrl, query, variables);
const one = async <T>(query: string, ...values: unknown[]): Promise<T> => (await sql<T>(query, ...values))[0]!;
const sql = <T>(query: string, ...values: unknown[]) => databases.product.prisma.$queryRawUnsafe<T[]>(query, ...values);

beforeAll(async () => {
  testDb = await createTestDatabase();
  const logger = createLogger('e2e', process.env.TEST_LOG_LEVEL ?? 'silent');
  const urls = {} as Record<SubgraphName, string>;
  for (const name of SUBGRAPH_NAMES) {
    databases[name] = createDatabase({ url: testDb.url, poolSize: 3, logger });
    const deps = createSubgraphDeps(name, { database: databases[name], logger, cacheNamespace: testDb.name });
    allDeps.push(deps);
    const server = factories[name](deps);
    // Count every HTTP request a subgraph receives, to assert the gateway's fetch plan.
    server.http.server.on('request', (req) => {
      if (req.url?.startsWith('/graphql')) subgraphRequests[name] = (subgraphRequests[name] ?? 0) + 1;
    });
    urls[name] = `${(await server.listen(0, '127.0.0.1')).url}/graphql`;
    subgraphs.push(server);
  }
  gateway = createGatewayServer({ supergraphSdl: readCheckedInSupergraph(), subgraphUrls: urls, logger });
  gatewayUrl = `${(await gateway.listen(0, '127.0.0.1')).url}/graphql`;
});

afterAll(async () => {
  await gateway?.stop();
  for (const s of subgraphs) await s.stop();
  for (const deps of allDeps) await deps.caches.close();
  for (const db of Object.values(databases)) await db.close();
  await testDb?.drop();
});

function resetCounters() {
  for (const key of Object.keys(subgraphRequests)) delete subgraphRequests[key];
  for (const db of Object.values(databases)) db.queries.reset();
}

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
       WHERE l.product_id = $1::uuid AND o.status NOT IN ('CANCELLED', 'REFUNDED') AND o.placed_at >= now() - interval '90 days'`,
      product.id,
    );
    expect(product.unitsSold).toBe(units);
    expect(product.stock.available).toBe(product.variants.reduce((sum: number, v: any) => sum + v.stock.available, 0));
    expect(product.stock.warehouses.map((w: any) => w.warehouse.code).sort()).toEqual(['EU-AMS', 'US-NYC']);
  });

  it('resolves trending products through the product subgraph', async () => {
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
