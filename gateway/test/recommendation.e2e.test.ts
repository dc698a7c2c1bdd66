import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseTag } from '@shopgraph/kit';
import { eventually } from '@shopgraph/kit/testing';
import { createRecommendationParts } from '../../subgraphs/recommendation/src/server.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

const asCustomer = async (subject: string) => ({ authorization: `Bearer ${await testToken('CUSTOMER', { subject })}` });

/** Recommendations through the real gateway, with its response cache and the machine's Redis. */
let stack: RunningSupergraph;
let anchor: { id: string; slug: string };
let customer: string;

async function post(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { headers: res.headers, json: (await res.json()) as { data?: any; errors?: any[] } };
}

const PAGE = `query($slug: String) { product(slug: $slug) { id name
  alsoBought(first: 4) { product { id name priceRange { min { amount currency } } } customers confidence lift reason { kind product { id } } }
  frequentlyBoughtTogether { products { id name } totalPrice { amount currency } reason { kind } } } }`;

beforeAll(async () => {
  stack = await startSupergraph({ redis: true });
  await createRecommendationParts(stack.deps.recommendation).refresher.run();
  [anchor] = (await stack.sql<{ id: string; slug: string }>(
    `SELECT p.id::text, p.slug FROM catalog.product p WHERE p.status = 'ACTIVE'
       AND EXISTS (SELECT 1 FROM reco.also_bought a JOIN reco.product_facts f ON f.product_id = a.other_product_id WHERE a.product_id = p.id AND f.active AND f.in_stock)
       AND p.in_stock
       AND EXISTS (SELECT 1 FROM reco.bought_together b JOIN reco.product_facts f ON f.product_id = b.other_product_id WHERE b.product_id = p.id AND f.active AND f.in_stock)
     ORDER BY p.sku LIMIT 1`,
  )) as [{ id: string; slug: string }];
  [{ id: customer }] = (await stack.sql<{ id: string }>(`SELECT customer_id::text AS id FROM reco.customer_recommendation GROUP BY 1 ORDER BY 1 LIMIT 1`)) as [{ id: string }];
});
afterAll(async () => {
  await stack?.stop();
});

describe('recommendations through the gateway', () => {
  it('joins also-bought and the bundle into a product page, with names and prices from the catalog', async () => {
    stack.resetCounters();
    const { json, headers } = await post(PAGE, { slug: anchor.slug });
    expect(json.errors).toBeUndefined();
    const product = json.data.product;
    expect(product.alsoBought.length).toBeGreaterThan(0);
    for (const a of product.alsoBought) {
      expect(typeof a.product.name).toBe('string');
      expect(a.product.id).not.toBe(anchor.id);
      expect(a.reason).toEqual({ kind: 'BOUGHT_WITH', product: { id: anchor.id } });
    }
    const [catalogPrices] = await stack.sql<{ total: string }>(
      `SELECT sum(min_price)::text AS total FROM catalog.product WHERE id = ANY($1::uuid[])`,
      product.frequentlyBoughtTogether.products.map((p: { id: string }) => p.id),
    );
    expect(product.frequentlyBoughtTogether.products[0].id).toBe(anchor.id);
    expect(product.frequentlyBoughtTogether.totalPrice).toEqual({ amount: catalogPrices!.total, currency: 'USD' });
    // product (the page), recommendation (both fields in one fetch), then product again for the names under
    // each of the two fields (the planner fetches those two entity lists in parallel).
    expect(stack.subgraphRequests).toEqual({ product: 3, recommendation: 1 });
    // Public: stored by the response cache, tagged with the anchor's recommendations and every product shown.
    expect(headers.get('x-cache')).toBe('MISS');
    expect(headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect((await post(PAGE, { slug: anchor.slug })).headers.get('x-cache')).toBe('HIT');
    await stack.gateway.responseCache!.evict([ResponseTag.recommendations(anchor.id)]);
    expect((await post(PAGE, { slug: anchor.slug })).headers.get('x-cache')).toBe('MISS');
    await stack.gateway.responseCache!.evict([ResponseTag.product(product.alsoBought[0].product.id)]);
    expect((await post(PAGE, { slug: anchor.slug })).headers.get('x-cache')).toBe('MISS');
  });

  it('evicts the cached page when a refresh recomputes its also-bought list, through the event bus', async () => {
    await post(PAGE, { slug: anchor.slug });
    expect((await post(PAGE, { slug: anchor.slug })).headers.get('x-cache')).toBe('HIT');
    // What an order queues for the anchor; the refresh recomputes its rules and records recommendation.refreshed.
    await stack.sql(`INSERT INTO reco.refresh_queue (kind, key) VALUES ('product', $1::uuid) ON CONFLICT (kind, key) DO NOTHING`, anchor.id);
    const summary = await createRecommendationParts(stack.deps.recommendation).refresher.run();
    expect(summary.products).toBe(1);
    await eventually(async () => (await post(PAGE, { slug: anchor.slug })).headers.get('x-cache') === 'MISS', 'the product page to be evicted');
  });

  it('answers trending within a category with catalog fields, evicted as a listing', async () => {
    const [root] = await stack.sql<{ id: string; name: string }>(`SELECT id::text, name FROM catalog.category WHERE parent_id IS NULL ORDER BY position LIMIT 1`);
    const query = `query($category: ID) { trending(category: $category, first: 5) { score reason { kind category } product { name category { name ancestors { id } } } } }`;
    const { json } = await post(query, { category: root!.id });
    expect(json.errors).toBeUndefined();
    expect(json.data.trending.length).toBeGreaterThan(0);
    for (const t of json.data.trending) {
      expect(t.reason).toEqual({ kind: 'TRENDING_IN_CATEGORY', category: root!.name });
      expect(t.product.category.ancestors.map((a: { id: string }) => a.id)).toContain(root!.id);
    }
    expect((await post(query, { category: root!.id })).headers.get('x-cache')).toBe('HIT');
    await stack.gateway.responseCache!.evict([ResponseTag.productList]);
    expect((await post(query, { category: root!.id })).headers.get('x-cache')).toBe('MISS');
  });

  it("serves recommendedForMe only to a signed-in customer, privately, never from or into the shared cache", async () => {
    const query = `{ recommendedForMe(first: 5) { score reason { kind product { name } category } product { id name } } }`;
    const anonymous = await post(query);
    expect(anonymous.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const mine = await post(query, {}, await asCustomer(customer));
    expect(mine.json.errors).toBeUndefined();
    expect(mine.json.data.recommendedForMe).toHaveLength(5);
    for (const r of mine.json.data.recommendedForMe) expect(typeof r.product.name).toBe('string');
    expect(mine.headers.get('cache-control')).toBe('private, no-store');
    expect(mine.headers.get('x-cache')).toBe('BYPASS');
    const stored = await stack.sql<{ id: string }>(
      `SELECT product_id::text AS id FROM reco.customer_recommendation WHERE customer_id = $1::uuid ORDER BY rank LIMIT 5`,
      customer,
    );
    expect(mine.json.data.recommendedForMe.map((r: { product: { id: string } }) => r.product.id)).toEqual(stored.map((s) => s.id));
  });

  it('records a product view through the gateway', async () => {
    const track = `mutation($id: ID!, $session: String) { trackProductView(productId: $id, sessionId: $session) }`;
    expect((await post(track, { id: anchor.id, session: 'e2e-visit-001' })).json.data).toEqual({ trackProductView: true });
    expect((await post(track, { id: anchor.id }, await asCustomer(customer))).json.data).toEqual({ trackProductView: true });
    const missing = await post(track, { id: anchor.id });
    expect(missing.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sessionId' });
  });
});
