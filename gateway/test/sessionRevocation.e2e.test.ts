import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sendGraphQL, type HttpGraphQLResponse } from '@shopgraph/kit/testing';
import { Feed, liveClient } from './liveClient.js';
import { CUSTOMER_PASSWORD as PASSWORD, registerCustomer, signInCustomer } from './customerSessions.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

process.env.CHECKOUT_RECOVERY_INTERVAL_SECONDS = '0';

/**
 * Ending a session ends its access tokens at the gateway: signOut, refresh-token reuse and a
 * password change revoke session families in the order subgraph, customer.sessions_revoked
 * reaches every gateway over the bus, and tokens whose `sid` is one of them are refused over
 * HTTP and at graphql-ws connection_init; open subscriptions of such a session are closed. A
 * gateway started later loads the recent revocations from the order subgraph first.
 */
let sg: RunningSupergraph;

beforeAll(async () => {
  sg = await startSupergraph({ redis: true });
  await sg.gateway.revokedSessionsLoaded;
}, 180_000);

afterAll(async () => {
  await sg?.stop();
});

const ME = `query RevocationMe { me { id } }`;
const REFRESH = `mutation($token: String!) { refreshSession(refreshToken: $token) { accessToken refreshToken } }`;

function gql(query: string, variables: Record<string, unknown> = {}, accessToken?: string, url = sg.gatewayUrl): Promise<HttpGraphQLResponse<any>> {
  return sendGraphQL(url, { query, variables }, { headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} });
}

async function dataOf(answer: Promise<HttpGraphQLResponse<any>>): Promise<any> {
  const { body } = await answer;
  expect(body.errors).toBeUndefined();
  return body.data;
}

const newCustomer = () => registerCustomer(sg, 'revoked');
const signIn = (email: string) => signInCustomer(sg, email);

/** Whether the gateway at `url` lets the token through (`me` answers) or refuses it as an ended session. */
async function outcomeOf(accessToken: string, url = sg.gatewayUrl): Promise<'accepted' | 'ended'> {
  const { status, body } = await gql(ME, {}, accessToken, url);
  if (status === 200 && !body.errors) return 'accepted';
  expect(status).toBe(401);
  expect(body.errors?.[0]).toMatchObject({ message: expect.stringContaining('this session has ended; sign in again'), extensions: { code: 'UNAUTHENTICATED' } });
  return 'ended';
}

/** The revocation reaches the gateway through the outbox relay and the bus: moments after the mutation answered. */
async function refusedSoon(accessToken: string, url = sg.gatewayUrl): Promise<void> {
  await eventually(async () => (await outcomeOf(accessToken, url)) === 'ended', 'the revoked session\'s access token to be refused', 15_000);
}

describe('ending a session ends its access tokens', () => {
  it('signOut: that session\'s token is refused, another session of the same customer still works', async () => {
    const { email } = await newCustomer();
    const [ended, other] = [await signIn(email), await signIn(email)];
    expect(decodeJwt(ended.accessToken).sid).toEqual(expect.any(String));
    expect(await outcomeOf(ended.accessToken)).toBe('accepted');

    expect((await dataOf(gql(`mutation($token: String!) { signOut(refreshToken: $token) }`, { token: ended.refreshToken }))).signOut).toBe(true);
    await refusedSoon(ended.accessToken);
    expect(await outcomeOf(other.accessToken)).toBe('accepted');
  });

  it('changePassword: the old sessions\' tokens are refused, the new session\'s token works', async () => {
    const { email } = await newCustomer();
    const [a, b] = [await signIn(email), await signIn(email)];
    const NEXT = 'a brand new passphrase';
    const changed = (await dataOf(gql(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken } }`, { c: PASSWORD, n: NEXT }, a.accessToken))).changePassword;
    await refusedSoon(a.accessToken);
    await refusedSoon(b.accessToken);
    expect(await outcomeOf(changed.accessToken)).toBe('accepted');
  });

  it('refresh-token reuse: that family\'s access tokens are refused, the rotated one too', async () => {
    const { email } = await newCustomer();
    const first = await signIn(email);
    const rotated = (await dataOf(gql(REFRESH, { token: first.refreshToken }))).refreshSession;
    expect(decodeJwt(rotated.accessToken).sid).toBe(decodeJwt(first.accessToken).sid);
    expect((await gql(REFRESH, { token: first.refreshToken })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await refusedSoon(first.accessToken);
    expect(await outcomeOf(rotated.accessToken)).toBe('ended');
  });

  it('admin and other tokens without a sid are unaffected', async () => {
    const admin = await testToken('ADMIN', { scopes: ['orders'] });
    const { status, body } = await gql(`query RevocationAdmin { orders(first: 1) { totalCount } }`, {}, admin);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it('checks the token against memory: no order subgraph fetch (so no session SQL) per request', async () => {
    const { email } = await newCustomer();
    const session = await signIn(email);
    // A revoked session in the list, so a lookup has something to miss.
    await dataOf(gql(`mutation($token: String!) { signOut(refreshToken: $token) }`, { token: (await signIn(email)).refreshToken }));
    await eventually(() => sg.gateway.revokedSessions.size > 0, 'a revocation to reach the gateway');
    const PRODUCTS = `query RevocationProducts { products(first: 1) { totalCount } }`;
    sg.resetCounters();
    for (let i = 0; i < 5; i++) expect((await gql(PRODUCTS, {}, session.accessToken)).body.errors).toBeUndefined();
    // Only the product subgraph, once per request: the order subgraph, owner of the sessions and the
    // only way to their SQL, is never asked (its database's own counter also sees its background jobs).
    expect(sg.subgraphRequests).toEqual({ product: 5 });
  });
});

describe('over WebSocket', () => {
  const PRICES = `subscription RevocationPrices($ids: [ID!]!) { priceChanged(productIds: $ids) { productId } }`;

  it('refuses a revoked session at connection_init, and closes its open subscriptions when it is revoked', async () => {
    const { email } = await newCustomer();
    const session = await signIn(email);
    const closes: number[] = [];
    const client = liveClient(sg.gatewayUrl, session.accessToken, { onClose: (code) => closes.push(code) });
    const feed = new Feed(client, PRICES, { ids: [randomUUID()] });
    await eventually(() => sg.gateway.live.hub.size >= 1, 'the subscription to be registered');

    await dataOf(gql(`mutation($token: String!) { signOut(refreshToken: $token) }`, { token: session.refreshToken }));
    await eventually(() => closes.includes(4401), 'the revoked session\'s socket to be closed (4401)');
    expect(feed.results).toEqual([]);
    await client.dispose();

    const again = liveClient(sg.gatewayUrl, session.accessToken, { onClose: (code) => closes.push(code) });
    const refused = new Feed(again, PRICES, { ids: [randomUUID()] });
    expect(await refused.refusal()).toMatchObject({ code: 4401, reason: expect.stringContaining('this session has ended') });
    await again.dispose();
  });
});

describe('a gateway started after the revocation', () => {
  it('loads the recent revocations before it serves tokens with a sid, and reports /ready meanwhile', async () => {
    const { email } = await newCustomer();
    const [ended, live] = [await signIn(email), await signIn(email)];
    await dataOf(gql(`mutation($token: String!) { signOut(refreshToken: $token) }`, { token: ended.refreshToken }));
    await refusedSoon(ended.accessToken);

    const later = await sg.startGateway();
    await later.gateway.revokedSessionsLoaded;
    expect(await outcomeOf(ended.accessToken, later.url)).toBe('ended');
    expect(await outcomeOf(live.accessToken, later.url)).toBe('accepted');
    const ready = await fetch(new URL('/ready', later.url));
    expect(((await ready.json()) as { checks: Record<string, { state: string }> }).checks.sessions).toMatchObject({ state: 'up' });
  });

  it('fails closed while the order subgraph cannot be asked: tokens with a sid get 503, others pass, /ready names "sessions"', async () => {
    const { email } = await newCustomer();
    const session = await signIn(email);
    const blind = await sg.startGateway({ subgraphUrls: { ...sg.subgraphUrls, order: 'http://127.0.0.1:9/graphql' } });
    const refused = await gql(`query RevocationBlind { products(first: 1) { totalCount } }`, {}, session.accessToken, blind.url);
    expect(refused.status).toBe(503);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    const admin = await gql(`query RevocationBlind { products(first: 1) { totalCount } }`, {}, await testToken('ADMIN'), blind.url);
    expect(admin.status).toBe(200);
    const ready = await fetch(new URL('/ready', blind.url));
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, { state: string }> }).checks.sessions).toMatchObject({ state: 'down' });
  });
});
