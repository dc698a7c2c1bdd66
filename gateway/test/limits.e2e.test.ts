import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from '@shopgraph/kit';
import { sendGraphQL, type HttpGraphQLResponse } from '@shopgraph/kit/testing';
import { DEFAULT_GATEWAY_LIMITS } from '../src/limits/gatewayLimits.js';
import { loadSafelist, parseSafelistManifest } from '../src/limits/safelist.js';
import { createRecommendationParts } from '../../subgraphs/recommendation/src/server.js';
import type { GatewayServerOptions } from '../src/server.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/**
 * The gateway under abusive traffic: everything here is refused (or served) before any
 * subgraph does work, and the tests count subgraph requests to show it.
 */
let stack: RunningSupergraph;
let redis: Redis;

beforeAll(async () => {
  stack = await startSupergraph();
  redis = await stack.redis();
});

afterAll(async () => {
  await stack?.stop();
});

type Response = HttpGraphQLResponse<Record<string, any>>;
const codeOf = (res: Response) => res.body.errors?.[0]?.extensions?.code;
const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => sendGraphQL(url, payload, { headers });
/** A fresh gateway over the same subgraphs; its rate-limit counters are its own unless told to share. */
const gatewayWith = async (options: Partial<GatewayServerOptions>) => (await stack.startGateway(options)).url;
const uniquePrefix = () => `test:ratelimit:${randomBytes(6).toString('hex')}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('operation limits, before any subgraph is called', () => {
  it('refuses a query 30 levels deep', async () => {
    const query = `{ categories { ${'children { '.repeat(28)}name${' }'.repeat(28)} } }`;
    stack.resetCounters();
    const res = await post(stack.gatewayUrl, { query });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', limit: DEFAULT_GATEWAY_LIMITS.maxDepth, found: 30 });
    expect(stack.subgraphRequests).toEqual({});
  });

  it('refuses 500 aliases', async () => {
    const query = `{ ${Array.from({ length: 500 }, (_, i) => `w${i}: warehouses { code }`).join(' ')} }`;
    stack.resetCounters();
    const res = await post(stack.gatewayUrl, { query });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', found: 500 });
    expect(stack.subgraphRequests).toEqual({});
  });

  it('refuses an operation whose estimated cost is over the limit, reading list sizes from variables', async () => {
    const url = await gatewayWith({ limits: { maxCost: 10_000 } });
    const query = 'query($n: Int) { products(first: $n) { edges { node { variants { stock { warehouses { warehouse { code } } } } } } } }';
    stack.resetCounters();
    const refused = await post(url, { query, variables: { n: 100 } });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 10_000, found: 22_202 });
    expect(stack.subgraphRequests).toEqual({});
    const served = await post(url, { query, variables: { n: 20 } });
    expect(served.body.errors).toBeUndefined();
    expect(served.body.data!.products.edges).toHaveLength(20);
  });

  it("serves GraphiQL's introspection query, and refuses introspection that fans out", async () => {
    const graphiql = await post(stack.gatewayUrl, { query: getIntrospectionQuery() });
    expect(graphiql.body.errors).toBeUndefined();
    expect(graphiql.body.data!.__schema.queryType.name).toBe('Query');
    const fanOut = await post(stack.gatewayUrl, { query: '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }' });
    // graphql-js's own MaxIntrospectionDepthRule, among the validation rules every request passes.
    expect(fanOut.body.errors?.[0]).toMatchObject({ message: 'Maximum introspection depth exceeded', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });

  it('refuses batched requests', async () => {
    stack.resetCounters();
    const res = await post(stack.gatewayUrl, [{ query: '{ warehouses { code } }' }, { query: '{ warehouses { name } }' }]);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('BATCHED_REQUESTS_NOT_SUPPORTED');
    expect(stack.subgraphRequests).toEqual({});
  });

  it('refuses a body over the size limit with 413, with or without a Content-Length', async () => {
    const big = JSON.stringify({ query: `{ warehouses { code } } # ${'x'.repeat(DEFAULT_GATEWAY_LIMITS.maxBodyBytes)}` });
    const res = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: DEFAULT_GATEWAY_LIMITS.maxBodyBytes });
    // Chunked: the limit is counted while reading.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => resolve({ status: r.statusCode!, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write(big.slice(i * 10_000, (i + 1) * 10_000));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(chunked.body).toContain('PAYLOAD_TOO_LARGE');
  });
});

describe('rate limits', () => {
  const ask = (url: string, headers: Record<string, string> = {}) => post(url, { query: '{ warehouses { code } }' }, headers);

  async function expectLimited(res: Response) {
    expect(res.status).toBe(429);
    expect(codeOf(res)).toBe('RATE_LIMITED');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(res.body.errors?.[0]?.extensions?.retryAfter).toBe(retryAfter);
    return retryAfter;
  }

  it('limits an address without a token, leaves /health and /metrics alone, and recovers after Retry-After', async () => {
    const url = await gatewayWith({ limits: { rateLimit: { windowSeconds: 1, perIp: 3, keyPrefix: uniquePrefix() } } });
    for (let i = 0; i < 3; i++) expect((await ask(url)).status).toBe(200);
    stack.resetCounters();
    const retryAfter = await expectLimited(await ask(url));
    expect(stack.subgraphRequests).toEqual({});
    for (const route of ['/health', '/metrics']) expect((await fetch(url.replace('/graphql', route))).status).toBe(200);
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 50));
    expect((await ask(url)).status).toBe(200);
  });

  it('limits each token subject on its own budget, apart from other users and from anonymous callers', async () => {
    const url = await gatewayWith({ limits: { rateLimit: { windowSeconds: 60, perUser: 2, perIp: 5, keyPrefix: uniquePrefix() } } });
    const alice = { authorization: `Bearer ${await testToken('CUSTOMER', { subject: 'alice' })}` };
    const bob = { authorization: `Bearer ${await testToken('CUSTOMER', { subject: 'bob' })}` };
    expect((await ask(url, alice)).status).toBe(200);
    expect((await ask(url, alice)).status).toBe(200);
    await expectLimited(await ask(url, alice));
    // A new token for the same subject does not reset the budget.
    await expectLimited(await ask(url, { authorization: `Bearer ${await testToken('CUSTOMER', { subject: 'alice', ttl: '5m' })}` }));
    expect((await ask(url, bob)).status).toBe(200);
    expect((await ask(url)).status).toBe(200);
  });

  it('counts refused tokens against the address, so guessing tokens is limited too', async () => {
    const url = await gatewayWith({ limits: { rateLimit: { windowSeconds: 60, perIp: 3, keyPrefix: uniquePrefix() } } });
    for (let i = 0; i < 3; i++) expect((await ask(url, { authorization: 'Bearer not.a.token' })).status).toBe(401);
    await expectLimited(await ask(url, { authorization: 'Bearer not.a.token' }));
  });

  it('believes X-Forwarded-For only from as many proxies as it is told', async () => {
    const trusting = await gatewayWith({ limits: { trustProxyHops: 1, rateLimit: { windowSeconds: 60, perIp: 1, keyPrefix: uniquePrefix() } } });
    expect((await ask(trusting, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(200);
    await expectLimited(await ask(trusting, { 'x-forwarded-for': '203.0.113.1' }));
    expect((await ask(trusting, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(200);
    // Without trusted proxies a forged header buys nothing: the socket's address is counted.
    const direct = await gatewayWith({ limits: { rateLimit: { windowSeconds: 60, perIp: 1, keyPrefix: uniquePrefix() } } });
    expect((await ask(direct, { 'x-forwarded-for': '203.0.113.3' })).status).toBe(200);
    await expectLimited(await ask(direct, { 'x-forwarded-for': '203.0.113.4' }));
  });

  it('shares budgets in Redis between gateway instances, and recovers', async () => {
    const keyPrefix = uniquePrefix();
    const limits = { rateLimit: { windowSeconds: 1, perIp: 3, keyPrefix } };
    const first = await gatewayWith({ limits, redis });
    const second = await gatewayWith({ limits, redis });
    expect((await ask(first)).status).toBe(200);
    expect((await ask(second)).status).toBe(200);
    expect((await ask(first)).status).toBe(200);
    expect(await redis.keys(`${keyPrefix}*`)).toHaveLength(1);
    const retryAfter = await expectLimited(await ask(second));
    await expectLimited(await ask(first));
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 50));
    expect((await ask(second)).status).toBe(200);
  });
});

describe('automatic persisted queries', () => {
  const query = '{ warehouses { code name } }';
  const persisted = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

  it('round trip through the gateway: unknown hash, then registered with its text, then by hash alone (GET too)', async () => {
    // A text no earlier run registered (the default cache is per gateway, but be sure).
    const unique = `${query} # ${randomBytes(4).toString('hex')}`;
    const id = sha256(unique);
    expect(codeOf(await post(stack.gatewayUrl, persisted(id)))).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(stack.gatewayUrl, { query: unique, ...persisted(id) });
    expect(registered.body.data!.warehouses).toHaveLength(2);
    stack.resetCounters();
    const byHash = await post(stack.gatewayUrl, persisted(id));
    expect(byHash.body.data).toEqual(registered.body.data);
    expect(stack.subgraphRequests).toEqual({ inventory: 1 });
    const get = await fetch(`${stack.gatewayUrl}?extensions=${encodeURIComponent(JSON.stringify(persisted(id).extensions))}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(((await get.json()) as any).data).toEqual(registered.body.data);
  });

  it('keeps them in Redis when the gateway has Redis, so another instance knows them', async () => {
    const first = await gatewayWith({ redis });
    const second = await gatewayWith({ redis });
    const unique = `${query} # ${randomBytes(4).toString('hex')}`;
    const id = sha256(unique);
    expect((await post(first, { query: unique, ...persisted(id) })).body.errors).toBeUndefined();
    expect(await redis.exists(`shopgraph:apq:${id}`)).toBe(1);
    expect((await post(second, persisted(id))).body.data!.warehouses).toHaveLength(2);
  });

  it('applies the limits to persisted queries, and does not register a refused one', async () => {
    const deep = `{ categories { ${'children { '.repeat(28)}name${' }'.repeat(28)} } }`;
    const id = sha256(deep);
    expect(codeOf(await post(stack.gatewayUrl, { query: deep, ...persisted(id) }))).toBe('QUERY_TOO_DEEP');
    expect(codeOf(await post(stack.gatewayUrl, persisted(id)))).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('safelist mode', () => {
  const registered = 'query Warehouses { warehouses { code } }';
  const id = sha256(registered);
  let url: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shopgraph-safelist-'));
    const file = path.join(dir, 'persisted-query-manifest.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [
          { id, name: 'Warehouses', type: 'query', body: registered },
          { id: 'trending-v1', name: 'Trending', type: 'query', body: 'query Trending { trending(first: 2) { score } }' },
        ],
      }),
    );
    url = await gatewayWith({ safelist: loadSafelist(file) });
    // Trending is precomputed: reco.trending_score stays empty until a refresh has run.
    const refreshed = await createRecommendationParts(stack.deps.recommendation).refresher.run({ trending: true });
    expect(refreshed.trending).toBeGreaterThanOrEqual(2);
  });

  it('runs a registered operation by id, by documentId and by its exact text', async () => {
    const byId = await post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: id } } });
    expect(byId.body.data!.warehouses).toHaveLength(2);
    const trending = await post(url, { documentId: 'trending-v1' });
    expect(trending.body.errors).toBeUndefined();
    expect(trending.body.data!.trending).toHaveLength(2);
    expect(trending.body.data!.trending.every((t: { score: number }) => t.score > 0)).toBe(true);
    expect((await post(url, { query: registered, operationName: 'Warehouses' })).body.data!.warehouses).toHaveLength(2);
    const get = await fetch(`${url}?documentId=trending-v1`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(((await get.json()) as any).data.trending).toHaveLength(2);
  });

  it('refuses anything else before a subgraph is called', async () => {
    stack.resetCounters();
    const unregistered = await post(url, { query: '{ warehouses { code name } }' });
    expect(unregistered.status).toBe(400);
    expect(codeOf(unregistered)).toBe('QUERY_NOT_IN_SAFELIST');
    // Same operation, other whitespace: not the registered text.
    expect(codeOf(await post(url, { query: registered.replace(' {', '{') }))).toBe('QUERY_NOT_IN_SAFELIST');
    expect(codeOf(await post(url, { documentId: 'nope' }))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    // Automatic persisted queries cannot register new operations here.
    const apq = '{ trending(first: 1) { score } }';
    expect(codeOf(await post(url, { query: apq, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(apq) } } }))).toBe(
      'PERSISTED_QUERY_NOT_IN_LIST',
    );
    expect(stack.subgraphRequests).toEqual({});
  });

  it("reads GraphQL Codegen's persisted-documents.json as well", () => {
    const operations = parseSafelistManifest({ 'sha256:abc': 'query A { warehouses { code } }' });
    expect([...operations]).toEqual([['sha256:abc', 'query A { warehouses { code } }']]);
    expect(() => parseSafelistManifest({ format: 'apollo-persisted-query-manifest', version: 2, operations: [] })).toThrow(/not a persisted query manifest/);
    expect(() => parseSafelistManifest({ 'sha256:abc': 42 })).toThrow(/not a persisted query manifest/);
  });
});
