import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANONYMOUS,
  createInternalAuth,
  IDENTITY_HEADER,
  identityFor,
  InternalSigner,
  loadServiceConfig,
  SIGNATURE_MAX_AGE_MS,
  SUBGRAPH_NAMES,
  type Identity,
} from '@shopgraph/kit';
import { sendGraphQL, startTestSubgraph, TEST_INTERNAL_SIGNING_SECRET, TEST_JWT_SECRET } from '@shopgraph/kit/testing';
import { createInventorySubgraph } from '../../subgraphs/inventory/src/server.js';
import { createJwtVerifier, InvalidTokenError, KeysUnavailableError } from '../src/auth/jwtVerifier.js';
import { startSupergraph, testGatewayAuth, testToken, type RunningSupergraph } from './supergraphHarness.js';

// The webhook worker's poll would be SQL on the order subgraph that no request made; the
// refusals below must run none. New deliveries still wake the worker without it.
process.env.WEBHOOK_POLL_INTERVAL_MS = '600000';

/**
 * The security suite: who may call what, through the gateway and around it. Five real
 * subgraphs and the real gateway over HTTP; tokens signed with jose; a JWKS endpoint served
 * by a real HTTP server.
 */
let stack: RunningSupergraph;
/** Moves the subgraphs' clock, to age signatures without waiting. */
let clockOffsetMs = 0;

beforeAll(async () => {
  stack = await startSupergraph({ subgraphAuth: { now: () => Date.now() + clockOffsetMs } });
});

afterAll(async () => {
  await stack?.stop();
});

const LOW_STOCK = `{ lowStock(first: 5) { sku available lowStockThreshold warehouse { code } variant { sku name } } }`;
const asBearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const codesOf = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (body.errors ?? []).map((e) => e.extensions?.code);

describe('admin-only fields, through the gateway', () => {
  it('keeps public fields public', async () => {
    const res = await sendGraphQL(stack.gatewayUrl, { query: '{ warehouses { code } }' });
    expect(res.status).toBe(200);
    expect(res.body.data!.warehouses.map((w: { code: string }) => w.code)).toEqual(['EU-AMS', 'US-NYC']);
  });

  it('refuses an anonymous caller with UNAUTHENTICATED and a customer with FORBIDDEN', async () => {
    const anonymous = await sendGraphQL(stack.gatewayUrl, { query: LOW_STOCK });
    expect(codesOf(anonymous.body)).toEqual(['UNAUTHENTICATED']);
    expect(anonymous.body.data).toBeNull();
    const customer = await sendGraphQL(stack.gatewayUrl, { query: LOW_STOCK }, asBearer(await testToken('CUSTOMER')));
    expect(codesOf(customer.body)).toEqual(['FORBIDDEN']);
    // An admin whose token grants only the catalog scope is no inventory admin.
    const catalogAdmin = await sendGraphQL(stack.gatewayUrl, { query: LOW_STOCK }, asBearer(await testToken('ADMIN', { scopes: ['catalog'] })));
    expect(codesOf(catalogAdmin.body)).toEqual(['FORBIDDEN']);
  });

  it('answers an admin, across subgraphs, as SQL does', async () => {
    await stack.databases.inventory.prisma.$executeRawUnsafe(
      `UPDATE inventory.stock_level SET reserved = on_hand WHERE sku IN (SELECT sku FROM inventory.stock_level ORDER BY sku LIMIT 3)`,
    );
    const expected = await stack.databases.inventory.prisma.$queryRawUnsafe<{ sku: string; available: number; code: string }[]>(
      `SELECT l.sku, (l.on_hand - l.reserved) AS available, w.code FROM inventory.stock_level l JOIN inventory.warehouse w ON w.id = l.warehouse_id
       WHERE l.on_hand - l.reserved <= l.low_stock_threshold ORDER BY l.on_hand - l.reserved, l.sku, l.warehouse_id LIMIT 5`,
    );
    for (const token of [await testToken('ADMIN'), await testToken('ADMIN', { scopes: ['inventory'] })]) {
      const res = await sendGraphQL(stack.gatewayUrl, { query: LOW_STOCK }, asBearer(token));
      expect(res.body.errors).toBeUndefined();
      const rows = res.body.data!.lowStock;
      expect(rows.map((r: any) => [r.sku, r.available, r.warehouse.code])).toEqual(expected.map((e) => [e.sku, e.available, e.code]));
      // The variant's name comes from the product subgraph: identity and plan work together.
      for (const r of rows) expect(r.variant.sku).toBe(r.sku);
    }
  });

  it('still validates an admin\'s input', async () => {
    const res = await sendGraphQL(stack.gatewayUrl, { query: '{ lowStock(first: 500) { sku } }' }, asBearer(await testToken('ADMIN')));
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('tokens at the gateway', () => {
  const secret = new TextEncoder().encode(TEST_JWT_SECRET);
  const now = () => Math.floor(Date.now() / 1000);
  const signed = (claims: Record<string, unknown>, key: Uint8Array = secret) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('admin-1').sign(key);

  it('serves a caller without a token as anonymous, and a valid token as its identity', async () => {
    expect((await sendGraphQL(stack.gatewayUrl, { query: '{ warehouses { code } }' })).status).toBe(200);
    const res = await sendGraphQL(stack.gatewayUrl, { query: LOW_STOCK }, asBearer(await signed({ role: 'admin', exp: now() + 60 })));
    expect(res.body.errors).toBeUndefined();
  });

  it.each([
    ['expired', async () => signed({ role: 'ADMIN', exp: now() - 60 })],
    ['signed with another secret', async () => signed({ role: 'ADMIN', exp: now() + 60 }, new TextEncoder().encode(`${TEST_JWT_SECRET}-not`))],
    ['unsigned (alg none)', async () => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'admin-1', role: 'ADMIN', exp: now() + 60 })).toString('base64url')}.`],
    ['without exp', async () => signed({ role: 'ADMIN' })],
    ['with a role we do not have', async () => signed({ role: 'ROOT', exp: now() + 60 })],
    ['not a JWT', async () => 'not-a-token'],
  ])('refuses a token %s with 401 UNAUTHENTICATED, never as anonymous', async (_, make) => {
    const res = await sendGraphQL(stack.gatewayUrl, { query: '{ warehouses { code } }' }, asBearer(await make()));
    expect(res.status).toBe(401);
    expect(codesOf(res.body)).toEqual(['UNAUTHENTICATED']);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    expect(res.body.data).toBeUndefined();
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    for (const authorization of ['Basic YWRtaW46YWRtaW4=', 'Bearer', '']) {
      const res = await sendGraphQL(stack.gatewayUrl, { query: '{ warehouses { code } }' }, { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
    }
  });

  it('allows a few seconds of clock difference, no more', async () => {
    const justExpired = await signed({ role: 'ADMIN', exp: now() - 2 });
    expect((await sendGraphQL(stack.gatewayUrl, { query: LOW_STOCK }, asBearer(justExpired))).body.errors).toBeUndefined();
    const longExpired = await signed({ role: 'ADMIN', exp: now() - 30 });
    expect((await sendGraphQL(stack.gatewayUrl, { query: LOW_STOCK }, asBearer(longExpired))).status).toBe(401);
  });

  it('checks issuer and audience when configured', async () => {
    const verifier = createJwtVerifier({ secret: TEST_JWT_SECRET, jwksUrl: undefined, issuer: 'https://id.shop.example', audience: 'shopgraph' });
    const good = await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setIssuer('https://id.shop.example').setAudience('shopgraph').setExpirationTime('1m').sign(secret);
    expect(await verifier.identify(`Bearer ${good}`)).toMatchObject({ role: 'ADMIN', subject: 'a' });
    const noAudience = await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setIssuer('https://id.shop.example').setExpirationTime('1m').sign(secret);
    await expect(verifier.identify(`Bearer ${noAudience}`)).rejects.toThrow(InvalidTokenError);
  });

  it('reads a token without a role as a customer, and an admin scope claim as its grants', async () => {
    const verifier = testGatewayAuth().verifier;
    expect(await verifier.identify(`Bearer ${await signed({ exp: now() + 60 })}`)).toEqual(identityFor('admin-1', 'CUSTOMER'));
    expect(await verifier.identify(`Bearer ${await signed({ role: 'ADMIN', scope: 'orders openid', exp: now() + 60 })}`)).toEqual(
      identityFor('admin-1', 'ADMIN', ['orders']),
    );
  });
});

describe('tokens from a JWKS endpoint (RS256 and ES256)', () => {
  let jwksServer: Server;
  let jwksUrl: string;
  let keyRequests = 0;
  const keys = {} as Record<'rs' | 'es' | 'stranger', Awaited<ReturnType<typeof generateKeyPair>>>;

  beforeAll(async () => {
    keys.rs = await generateKeyPair('RS256');
    keys.es = await generateKeyPair('ES256');
    keys.stranger = await generateKeyPair('RS256');
    const jwks = { keys: [{ ...(await exportJWK(keys.rs.publicKey)), kid: 'rs-1', alg: 'RS256', use: 'sig' }, { ...(await exportJWK(keys.es.publicKey)), kid: 'es-1', alg: 'ES256', use: 'sig' }] };
    jwksServer = createServer((_req, res) => {
      keyRequests += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(() => new Promise<void>((resolve) => jwksServer?.close(() => resolve())));

  const token = (alg: 'RS256' | 'ES256', kid: string, key: Parameters<SignJWT['sign']>[0], role = 'ADMIN') =>
    new SignJWT({ role }).setProtectedHeader({ alg, kid }).setSubject('idp-admin').setExpirationTime('5m').sign(key);

  it('accepts tokens signed by the keys it publishes, fetching the key set once', async () => {
    const verifier = createJwtVerifier({ secret: undefined, jwksUrl, issuer: undefined, audience: undefined });
    expect(await verifier.identify(`Bearer ${await token('RS256', 'rs-1', keys.rs.privateKey)}`)).toEqual(identityFor('idp-admin', 'ADMIN'));
    expect(await verifier.identify(`Bearer ${await token('ES256', 'es-1', keys.es.privateKey, 'customer')}`)).toEqual(identityFor('idp-admin', 'CUSTOMER'));
    expect(keyRequests).toBe(1);
  });

  it('refuses a token from an unknown key, and an HS256 token when only the JWKS is configured', async () => {
    const verifier = createJwtVerifier({ secret: undefined, jwksUrl, issuer: undefined, audience: undefined });
    await expect(verifier.identify(`Bearer ${await token('RS256', 'rs-1', keys.stranger.privateKey)}`)).rejects.toThrow(InvalidTokenError);
    await expect(verifier.identify(`Bearer ${await token('RS256', 'rs-9', keys.stranger.privateKey)}`)).rejects.toThrow(InvalidTokenError);
    const hs = await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime('1m').sign(new TextEncoder().encode(TEST_JWT_SECRET));
    await expect(verifier.identify(`Bearer ${hs}`)).rejects.toThrow(InvalidTokenError);
  });

  it('says the keys are unavailable (503), not that the token is bad, when the endpoint is down', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/jwks.json`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const verifier = createJwtVerifier({ secret: undefined, jwksUrl: deadUrl, issuer: undefined, audience: undefined });
    await expect(verifier.identify(`Bearer ${await token('RS256', 'rs-1', keys.rs.privateKey)}`)).rejects.toThrow(KeysUnavailableError);
  });

  it('lets an identity provider\'s admin through the gateway', async () => {
    const { url, gateway } = await stack.startGateway({
      auth: { verifier: createJwtVerifier({ secret: undefined, jwksUrl, issuer: undefined, audience: undefined }), signer: testGatewayAuth().signer },
    });
    const res = await sendGraphQL(url, { query: LOW_STOCK }, asBearer(await token('ES256', 'es-1', keys.es.privateKey)));
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.lowStock.length).toBeGreaterThan(0);
    await gateway.stop();
  });
});

describe('the gateway signature, at every subgraph', () => {
  const signer = new InternalSigner(TEST_INTERNAL_SIGNING_SECRET);
  const probe = JSON.stringify({ query: '{ _service { sdl } }' });
  const post = (name: (typeof SUBGRAPH_NAMES)[number], headers: Record<string, string>, body = probe) =>
    fetch(stack.subgraphUrls[name], { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const sign = (identity: Identity, body = probe, by: InternalSigner = signer) => ({ [IDENTITY_HEADER]: by.sign(identity, { method: 'POST', search: '', body }) });
  const refusal = async (res: Response) => ({ status: res.status, ...((await res.json()) as { errors: [{ extensions: Record<string, unknown> }] }).errors[0].extensions });

  it.each(SUBGRAPH_NAMES)('%s accepts a valid signature and refuses missing, forged, tampered, expired and replayed ones', async (name) => {
    stack.resetCounters();
    stack.databases[name].queries.reset();
    const valid = sign(ANONYMOUS);
    const ok = await post(name, valid);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data: { _service: { sdl: string } } }).data._service.sdl).toContain('type');

    expect(await refusal(await post(name, {}))).toEqual({ status: 401, code: 'UNAUTHENTICATED', reason: 'missing' });
    expect(await refusal(await post(name, sign(identityFor('x', 'ADMIN'), probe, new InternalSigner(`${TEST_INTERNAL_SIGNING_SECRET}-forged`))))).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
      reason: 'forged',
    });
    // A real signature moved onto another operation.
    expect(await refusal(await post(name, sign(ANONYMOUS), JSON.stringify({ query: '{ __typename }' })))).toMatchObject({ status: 401, reason: 'forged' });
    const stale = new InternalSigner(TEST_INTERNAL_SIGNING_SECRET, { now: () => Date.now() - SIGNATURE_MAX_AGE_MS - 1_000 });
    expect(await refusal(await post(name, sign(ANONYMOUS, probe, stale)))).toMatchObject({ status: 401, reason: 'expired' });
    // The valid request, sent again: once is all a signature buys.
    expect(await refusal(await post(name, valid))).toMatchObject({ status: 401, reason: 'replayed' });
    // One captured and replayed after a minute: too old.
    const captured = sign(ANONYMOUS);
    clockOffsetMs = SIGNATURE_MAX_AGE_MS + 1_000;
    try {
      expect(await refusal(await post(name, captured))).toMatchObject({ status: 401, reason: 'expired' });
    } finally {
      clockOffsetMs = 0;
    }
    // Nothing ran for the refused requests: no SQL, and the counter says why.
    expect(stack.databases[name].queries.count).toBe(0);
    const metrics = await (await fetch(stack.subgraphUrls[name].replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/internal_signature_refusals_total\{reason="forged"[^}]*\} 2/);
  });

  it.each(SUBGRAPH_NAMES)('%s keeps /health, /ready and /metrics open', async (name) => {
    for (const path of ['/health', '/ready', '/metrics']) {
      expect((await fetch(stack.subgraphUrls[name].replace('/graphql', path))).status, path).toBe(200);
    }
  });

  it('carries the caller: the inventory subgraph answers an admin-signed request, and a customer-signed one is refused', async () => {
    const body = JSON.stringify({ query: '{ lowStock(first: 1) { sku } }' });
    const admin = await post('inventory', sign(identityFor('admin-1', 'ADMIN'), body), body);
    expect(((await admin.json()) as { data: unknown }).data).toEqual({ lowStock: [expect.objectContaining({ sku: expect.any(String) })] });
    const customer = await post('inventory', sign(identityFor('customer-1', 'CUSTOMER'), body), body);
    expect(((await customer.json()) as { errors: [{ extensions: { code: string } }] }).errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('SHOPGRAPH_INSECURE_SUBGRAPHS (development only)', () => {
  it('serves requests without a signature as anonymous: public fields answer, guarded ones still refuse', async () => {
    const running = await startTestSubgraph(createInventorySubgraph, { auth: { insecure: true } });
    try {
      const open = await sendGraphQL(running.url, { query: '{ warehouses { code } }' });
      expect(open.status).toBe(200);
      expect(open.body.data!.warehouses).toHaveLength(2);
      const guarded = await sendGraphQL(running.url, { query: '{ lowStock { sku } }' });
      expect(codesOf(guarded.body)).toEqual(['UNAUTHENTICATED']);
      // A valid signature still carries its caller.
      const admin = await sendGraphQL(running.url, { query: '{ lowStock(first: 1) { sku } }' }, { signAs: { signer: running.signer, identity: identityFor('a', 'ADMIN') } });
      expect(admin.body.errors).toBeUndefined();
    } finally {
      await running.stop();
    }
  });

  it('is the only way a service starts without INTERNAL_SIGNING_SECRET', () => {
    // What startSubgraphProcess and the gateway's index.ts do with the configuration.
    const authOf = (env: NodeJS.ProcessEnv) => {
      const config = loadServiceConfig('inventory', env);
      return createInternalAuth({ secret: config.internalSigningSecret, insecure: config.insecureSubgraphs });
    };
    expect(() => authOf({})).toThrow(/INTERNAL_SIGNING_SECRET is not set/);
    expect(() => authOf({ INTERNAL_SIGNING_SECRET: 'too-short' })).toThrow(/at least 32/);
    expect(authOf({ SHOPGRAPH_INSECURE_SUBGRAPHS: '1' })).toMatchObject({ insecure: true, signer: undefined });
    expect(authOf({ INTERNAL_SIGNING_SECRET: TEST_INTERNAL_SIGNING_SECRET }).insecure).toBe(false);
  });
});
