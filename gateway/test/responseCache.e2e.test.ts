import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseTag } from '@shopgraph/kit';
import { eventually } from '@shopgraph/kit/testing';
import { createCatalogCaches } from '../../subgraphs/product/src/caches.js';
import { PricingService } from '../../subgraphs/product/src/services/pricingService.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/** The gateway's response cache over the real supergraph, with the machine's real Redis. */
let stack: RunningSupergraph;
let products: Array<{ id: string; slug: string }>;

const PAGE = `query Page($slug: String) { product(slug: $slug) { id name priceRange { min { amount currency } } stock { available } variants { sku price { amount } } } }`;

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as { data?: any; errors?: any[] }) : undefined };
}
const page = (slug: string, headers?: Record<string, string>) => post({ query: PAGE, variables: { slug } }, headers);
const subgraphCalls = () => Object.values(stack.subgraphRequests).reduce((a, b) => a + b, 0);

beforeAll(async () => {
  stack = await startSupergraph({ redis: true });
  products = await stack.sql(`SELECT id::text, slug FROM catalog.product WHERE status = 'ACTIVE' ORDER BY sku LIMIT 3`);
});
afterAll(async () => {
  await stack?.stop();
});

describe('response cache at the gateway', () => {
  it('answers a repeated anonymous query from stored bytes, with shareable Cache-Control, ETag and Age', async () => {
    const slug = products[0]!.slug;
    stack.resetCounters();
    const first = await page(slug);
    expect(first.json!.errors).toBeUndefined();
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(subgraphCalls()).toBeGreaterThan(0);

    stack.resetCounters();
    const second = await page(slug);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.text).toBe(first.text);
    expect(subgraphCalls()).toBe(0);
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
    // The smallest hint is stock's 60 s; a CDN gets at most 30 s since it cannot be evicted by events.
    expect(second.headers.get('cache-control')).toMatch(/^public, max-age=(\d|[12]\d|30)$/);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(0);
    expect(second.headers.get('vary')).toContain('Authorization');
  });

  it('answers 304 Not Modified to a conditional request whose ETag still matches', async () => {
    const slug = products[0]!.slug;
    const { headers } = await page(slug);
    const conditional = await page(slug, { 'if-none-match': headers.get('etag')! });
    expect(conditional.status).toBe(304);
    expect(conditional.text).toBe('');
    const stale = await page(slug, { 'if-none-match': '"something-else"' });
    expect(stale.status).toBe(200);
  });

  it('evicts exactly the responses that show the product a write names', async () => {
    const listing = `{ products(first: 3) { edges { node { id slug name } } } }`;
    const shown = (await post({ query: listing })).json!.data.products.edges.map((e: any) => e.node as { id: string; slug: string });
    const p = shown[0]!;
    const q = products.find((candidate) => !shown.some((s: { id: string }) => s.id === candidate.id))!;
    await page(p.slug);
    await page(q.slug);
    expect((await page(p.slug)).headers.get('x-cache')).toBe('HIT');
    expect((await post({ query: listing })).headers.get('x-cache')).toBe('HIT');

    // What a price change event of product p names (see the event consumer).
    await stack.gateway.responseCache!.evict([ResponseTag.product(p.id)]);

    stack.resetCounters();
    expect((await page(p.slug)).headers.get('x-cache')).toBe('MISS');
    expect(stack.subgraphRequests.product).toBeGreaterThan(0);
    expect((await page(q.slug)).headers.get('x-cache')).toBe('HIT');
    // The listing showed p too.
    expect((await post({ query: listing })).headers.get('x-cache')).toBe('MISS');
  });

  it('a price change, through its event, evicts the pages and listings that show that product and nothing else', async () => {
    const listing = `{ products(first: 3, sort: PRICE_DESC) { edges { node { id slug } } } }`;
    const shown = (await post({ query: listing })).json!.data.products.edges.map((e: any) => e.node as { id: string; slug: string });
    const p = shown[0]!;
    const q = products.find((candidate) => !shown.some((s: { id: string }) => s.id === candidate.id))!;
    for (const slug of [p.slug, q.slug]) await page(slug);
    expect((await page(p.slug)).headers.get('x-cache')).toBe('HIT');
    expect((await page(q.slug)).headers.get('x-cache')).toBe('HIT');
    expect((await post({ query: listing })).headers.get('x-cache')).toBe('HIT');

    // The product subgraph's own price service (as its admin mutation runs it): commit, outbox, relay, bus, gateway.
    const [variant] = await stack.sql<{ id: string }>(`SELECT id::text FROM catalog.product_variant WHERE product_id = $1::uuid ORDER BY position LIMIT 1`, p.id);
    const pricing = new PricingService(stack.databases.product.prisma, createCatalogCaches(stack.deps.product.caches));
    await pricing.setPrice({ subject: 'admin-1' }, { variantId: variant!.id, price: '0.01' });

    await eventually(async () => (await page(p.slug)).headers.get('x-cache') === 'MISS', 'the product page of p to be evicted');
    const fresh = await page(p.slug);
    expect(fresh.json!.data.product.priceRange.min.amount).toBe('0.01');
    expect((await page(q.slug)).headers.get('x-cache')).toBe('HIT');
    const listed = await post({ query: listing });
    expect(listed.headers.get('x-cache')).toBe('MISS'); // listings order by price
    expect(listed.json!.data.products.edges.map((e: any) => e.node.id)).not.toContain(p.id); // p is now the cheapest
  });

  it('never answers a caller with an identity from the cache, and never stores for one', async () => {
    const slug = products[1]!.slug;
    await page(slug);
    expect((await page(slug)).headers.get('x-cache')).toBe('HIT');
    stack.resetCounters();
    const personal = await page(slug, { authorization: `Bearer ${await testToken('CUSTOMER')}` });
    expect(personal.headers.get('x-cache')).toBe('BYPASS');
    expect(personal.headers.get('cache-control')).toBe('private, no-store');
    expect(subgraphCalls()).toBeGreaterThan(0);

    // A token the gateway refuses gets 401, never the stored page.
    const forged = await page(slug, { authorization: 'Bearer some-token' });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('x-cache')).toBeNull();

    const other = products[2]!.slug;
    await page(other, { cookie: 'session=abc' });
    expect((await page(other)).headers.get('x-cache')).toBe('MISS'); // nothing was stored for the cookie caller
  });

  it('never stores personal data, errors or anything with a zero maxAge', async () => {
    const cart = `query($token: ID!) { cart(token: $token) { id } }`;
    for (let i = 0; i < 2; i++) {
      const res = await post({ query: cart, variables: { token: 'no-such-cart' } });
      expect(res.headers.get('x-cache')).toBe('MISS');
      expect(res.headers.get('cache-control')).toBe('private, no-store');
    }
    const missing = `{ product(id: "00000000-0000-4000-8000-000000000000") { id } }`;
    await post({ query: missing });
    stack.resetCounters();
    const again = await post({ query: missing });
    expect(again.json!.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(again.headers.get('x-cache')).toBe('MISS');
    expect(stack.subgraphRequests.product).toBe(1);
  });

  it('shares stored responses between gateway instances through Redis', async () => {
    const slug = products[2]!.slug;
    await page(slug);
    stack.gateway.responseCache!.clearLocal(); // as a second instance: nothing in its process
    stack.resetCounters();
    const fromRedis = await page(slug);
    expect(fromRedis.headers.get('x-cache')).toBe('HIT');
    expect(subgraphCalls()).toBe(0);
  });

  it('counts hits, misses and bypasses on /metrics', async () => {
    const text = await (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text();
    for (const result of ['hit', 'miss', 'bypass', 'uncacheable']) {
      expect(text).toMatch(new RegExp(`response_cache_requests_total\\{[^}]*result="${result}"[^}]*\\} [1-9]`));
    }
  });
});
