import { createHash, randomUUID } from 'node:crypto';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, type DomainEvent, type Identity } from '@shopgraph/kit';
import { eventually, postGraphQL, TEST_JWT_SECRET, testIdentities, useTestSubgraph, type GraphQLResponse } from '@shopgraph/kit/testing';
import { createOrderSubgraph, orderRuntimes } from '../src/server.js';

// Settings the subgraph reads when it is built (README "Accounts and sign-in").
process.env.CHECKOUT_RECOVERY_INTERVAL_SECONDS = '0';
process.env.JWT_SECRET = TEST_JWT_SECRET;
process.env.PASSWORD_RESET_MAX_REQUESTS_PER_EMAIL = '3';
process.env.PASSWORD_RESET_MAX_REQUESTS_PER_IP = '6';
// A path and a trailing slash: the link keeps the path and adds one segment.
process.env.STOREFRONT_URL = 'https://shop.example.test/eu/';
process.env.SESSION_SWEEP_INTERVAL_SECONDS = '0';

// The real Redis counts reset requests (as it counts sign-in failures).
const subgraph = useTestSubgraph(createOrderSubgraph, { redis: true });
const { sql, one } = subgraph;

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { id } }`;
const SIGN_IN = `mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { refreshToken } }`;
const REFRESH = `mutation($token: String!) { refreshSession(refreshToken: $token) { refreshToken } }`;
const CHANGE_PASSWORD = `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { refreshToken } }`;
const REQUEST = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) {
  accessToken refreshToken customer { id email } cartMerge { status } } }`;

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';

type Answer = GraphQLResponse<Record<string, any>>;

/** A request signed as the gateway signs it, from `address` (what per-address throttling keys on). */
function call(query: string, variables: Record<string, unknown>, address: string, identity: Identity = ANONYMOUS): Promise<Answer> {
  const running = subgraph.running;
  return postGraphQL(running.url, query, variables, {}, { signAs: { signer: running.signer, identity, clientAddress: address } });
}

/** A fresh client address per call site, so the per-address limit only bites where a test means it to. */
let addresses = 0;
const anAddress = () => `198.51.100.${++addresses}`;

const uniqueEmail = () => `reset-${randomUUID().slice(0, 8)}@example.com`;
const codeOf = (res: Answer) => res.errors?.[0]?.extensions?.code;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

async function registered(email = uniqueEmail()) {
  const res = await call(REGISTER, { input: { email, password: PASSWORD, name: 'Ada' } }, anAddress());
  expect(res.errors).toBeUndefined();
  return { id: res.data!.register.id as string, email };
}

async function signedIn(email: string, password = PASSWORD): Promise<string> {
  const res = await call(SIGN_IN, { email, password }, anAddress());
  expect(res.errors).toBeUndefined();
  return res.data!.signIn.refreshToken as string;
}

const resetLinks = (customerId: string) =>
  sql<{ url: string; body: string; title: string }>(
    `SELECT data->>'resetUrl' AS url, body, title FROM ordering.notification WHERE recipient = $1 AND kind = 'PASSWORD_RESET' ORDER BY created_at, id`,
    customerId,
  );

/** Asks for a reset and waits for its notification (the n-th for this customer); the token in its link. */
async function requestedToken(customer: { id: string; email: string }): Promise<string> {
  const before = (await resetLinks(customer.id)).length;
  const res = await call(REQUEST, { email: customer.email }, anAddress());
  expect(res).toEqual({ data: { requestPasswordReset: true } });
  await eventually(async () => (await resetLinks(customer.id)).length === before + 1, 'the reset notification');
  const url = new URL((await resetLinks(customer.id)).at(-1)!.url);
  return url.searchParams.get('token')!;
}

const count = async (query: string, ...values: unknown[]) => (await one<{ n: number }>(query, ...values)).n;

describe('requestPasswordReset', () => {
  it('answers a known and an unknown email alike; only the known one gets a token and a message, never in clear outside it', async () => {
    const known = await registered();
    const events = `SELECT count(*)::int AS n FROM ordering.outbox_event WHERE topic = 'customer.password_reset_requested'`;
    const messages = `SELECT count(*)::int AS n FROM ordering.notification WHERE kind = 'PASSWORD_RESET'`;
    const [eventsBefore, messagesBefore] = [await count(events), await count(messages)];

    const unknownAnswer = await call(REQUEST, { email: uniqueEmail() }, anAddress());
    const knownAnswer = await call(REQUEST, { email: ` ${known.email.toUpperCase()} ` }, anAddress());
    expect(unknownAnswer).toEqual({ data: { requestPasswordReset: true } });
    expect(knownAnswer).toEqual(unknownAnswer);

    // The known customer's message arrives through the event and the consumer ...
    await eventually(async () => (await resetLinks(known.id)).length === 1, 'the reset notification');
    // ... and it is the only thing either request made (the unknown one went first).
    expect(await count(events)).toBe(eventsBefore + 1);
    expect(await count(messages)).toBe(messagesBefore + 1);

    const [message] = await resetLinks(known.id);
    expect(message!.title).toBe('Reset your password');
    const link = new URL(message!.url);
    expect(`${link.origin}${link.pathname}`).toBe('https://shop.example.test/eu/reset-password');
    const token = link.searchParams.get('token')!;
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(message!.body).toContain(message!.url);

    // Stored: its hash only. Recorded: sealed, not in clear.
    const row = await one<{ token_hash: string; ttl_minutes: number }>(
      `SELECT token_hash, round(extract(epoch FROM expires_at - created_at) / 60)::int AS ttl_minutes FROM ordering.password_reset_token WHERE customer_id = $1::uuid`,
      known.id,
    );
    expect(row).toEqual({ token_hash: sha256(token), ttl_minutes: 30 });
    const event = await one<{ payload: string; actor: string | null }>(
      `SELECT payload::text AS payload, actor FROM ordering.outbox_event WHERE topic = 'customer.password_reset_requested' AND aggregate_id = $1`,
      known.id,
    );
    expect(event.payload).not.toContain(token);
    expect(JSON.parse(event.payload)).toEqual({ customerId: known.id, resetId: expect.any(String), expiresAt: expect.any(String), sealedToken: expect.stringMatching(/^v1\./) });
    expect(event.actor).toBeNull();
  });

  it('names the field of a malformed email and records nothing', async () => {
    const res = await call(REQUEST, { email: 'not-an-email' }, anAddress());
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });

  it('throttles per email (known or not, from any address) and per address, with the same answers', async () => {
    const known = await registered();
    const unknown = uniqueEmail();
    for (const email of [known.email, unknown]) {
      for (let i = 0; i < 3; i++) expect(await call(REQUEST, { email }, anAddress())).toEqual({ data: { requestPasswordReset: true } });
    }
    const [knownRefused, unknownRefused] = [await call(REQUEST, { email: known.email }, anAddress()), await call(REQUEST, { email: unknown }, anAddress())];
    for (const refused of [knownRefused, unknownRefused]) {
      expect(refused.errors![0]!.extensions!.code).toBe('RATE_LIMITED');
      expect(refused.errors![0]!.extensions!.retryAfter).toBeGreaterThan(0);
    }
    expect(knownRefused.errors![0]!.message).toBe(unknownRefused.errors![0]!.message);
    // Three tokens were issued for the known email, the refused fourth made none.
    expect(await count(`SELECT count(*)::int AS n FROM ordering.password_reset_token WHERE customer_id = $1::uuid`, known.id)).toBe(3);

    // One address: 6 requests for 6 emails, then refused whatever the email.
    const from = anAddress();
    for (let i = 0; i < 6; i++) expect((await call(REQUEST, { email: uniqueEmail() }, from)).errors).toBeUndefined();
    expect(codeOf(await call(REQUEST, { email: uniqueEmail() }, from))).toBe('RATE_LIMITED');
  });

  it('replaces an unused token with a newer one', async () => {
    const customer = await registered();
    const older = await requestedToken(customer);
    const newer = await requestedToken(customer);
    expect(codeOf(await call(RESET, { token: older, password: NEW_PASSWORD }, anAddress()))).toBe('BAD_USER_INPUT');
    expect((await call(RESET, { token: newer, password: NEW_PASSWORD }, anAddress())).errors).toBeUndefined();
    const reasons = await sql<{ spent_reason: string }>(`SELECT spent_reason FROM ordering.password_reset_token WHERE customer_id = $1::uuid ORDER BY created_at`, customer.id);
    expect(reasons).toEqual([{ spent_reason: 'SUPERSEDED' }, { spent_reason: 'USED' }]);
  });
});

describe('resetPassword', () => {
  it('sets the new password once, ends every old session and answers a fresh one', async () => {
    const customer = await registered();
    const oldSessions = [await signedIn(customer.email), await signedIn(customer.email)];
    const token = await requestedToken(customer);

    const reset = await call(RESET, { token, password: NEW_PASSWORD }, anAddress());
    expect(reset.errors).toBeUndefined();
    const session = reset.data!.resetPassword;
    expect(session).toMatchObject({ customer: { id: customer.id, email: customer.email }, cartMerge: { status: 'NOT_REQUESTED' } });
    const { payload } = await jwtVerify(session.accessToken as string, new TextEncoder().encode(TEST_JWT_SECRET));
    expect(payload).toMatchObject({ sub: customer.id, role: 'CUSTOMER' });

    for (const old of oldSessions) expect(codeOf(await call(REFRESH, { token: old }, anAddress()))).toBe('UNAUTHENTICATED');
    const revoked = await sql<{ revoked_reason: string | null }>(`SELECT DISTINCT revoked_reason FROM ordering.session_family WHERE customer_id = $1::uuid ORDER BY 1`, customer.id);
    // The two old sessions ended for the reset; the fresh one lives.
    expect(revoked).toEqual([{ revoked_reason: 'PASSWORD_RESET' }, { revoked_reason: null }]);
    expect((await call(REFRESH, { token: session.refreshToken }, anAddress())).errors).toBeUndefined();
    expect(codeOf(await call(SIGN_IN, { email: customer.email, password: PASSWORD }, anAddress()))).toBe('UNAUTHENTICATED');
    await signedIn(customer.email, NEW_PASSWORD);

    const topics = await sql(`SELECT topic FROM ordering.outbox_event WHERE aggregate_id = $1 ORDER BY position`, customer.id);
    expect(topics).toEqual([
      { topic: 'customer.registered' },
      { topic: 'customer.password_reset_requested' },
      { topic: 'customer.sessions_revoked' },
      { topic: 'customer.password_changed' },
    ]);
    // The reset's revocation names both old sessions and not the fresh one (its token's sid).
    const [revocation] = await sql<{ payload: { familyIds: string[]; reason: string } }>(
      `SELECT payload FROM ordering.outbox_event WHERE topic = 'customer.sessions_revoked' AND aggregate_id = $1`,
      customer.id,
    );
    expect(revocation!.payload).toMatchObject({ customerId: customer.id, reason: 'PASSWORD_RESET' });
    expect(revocation!.payload.familyIds).toHaveLength(2);
    expect(revocation!.payload.familyIds).not.toContain(payload.sid);
    expect(typeof payload.sid).toBe('string');

    // The token is spent: a second use fails like an unknown token, and changes nothing.
    const again = await call(RESET, { token, password: 'yet another passphrase' }, anAddress());
    const unknown = await call(RESET, { token: 'x'.repeat(43), password: 'yet another passphrase' }, anAddress());
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    expect(again.errors![0]).toEqual(unknown.errors![0]);
    await signedIn(customer.email, NEW_PASSWORD);
  });

  it('lifts the sign-in block of the address the reset came from', async () => {
    const customer = await registered();
    const from = anAddress();
    // LOGIN_MAX_FAILURES_PER_EMAIL_IP is 5 by default: the 6th attempt is refused, right password or not.
    for (let i = 0; i < 5; i++) expect(codeOf(await call(SIGN_IN, { email: customer.email, password: `forgotten ${i}!` }, from))).toBe('UNAUTHENTICATED');
    expect(codeOf(await call(SIGN_IN, { email: customer.email, password: PASSWORD }, from))).toBe('RATE_LIMITED');
    const token = await requestedToken(customer);
    expect((await call(RESET, { token, password: NEW_PASSWORD }, from)).errors).toBeUndefined();
    expect((await call(SIGN_IN, { email: customer.email, password: NEW_PASSWORD }, from)).errors).toBeUndefined();
  });

  it('refuses an expired token with the same error, changing nothing', async () => {
    const customer = await registered();
    const token = await requestedToken(customer);
    await sql(`UPDATE ordering.password_reset_token SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, sha256(token));
    const expired = await call(RESET, { token, password: NEW_PASSWORD }, anAddress());
    const unknown = await call(RESET, { token: 'y'.repeat(43), password: NEW_PASSWORD }, anAddress());
    expect(expired.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    expect(expired.errors![0]).toEqual(unknown.errors![0]);
    await signedIn(customer.email, PASSWORD);
  });

  it('lets exactly one of concurrent resets with one token win', async () => {
    const customer = await registered();
    const session = await signedIn(customer.email);
    const token = await requestedToken(customer);
    const passwords = Array.from({ length: 5 }, (_, i) => `racing passphrase ${i}`);
    const answers = await Promise.all(passwords.map((password) => call(RESET, { token, password }, anAddress())));
    const winners = answers.flatMap((answer, i) => (answer.errors === undefined ? [passwords[i]!] : []));
    expect(winners).toHaveLength(1);
    expect(answers.filter((a) => codeOf(a) === 'BAD_USER_INPUT' && a.errors![0]!.extensions!.field === 'token')).toHaveLength(4);
    // One password change, one new session, the winner's password in force.
    expect(await count(`SELECT count(*)::int AS n FROM ordering.outbox_event WHERE topic = 'customer.password_changed' AND aggregate_id = $1`, customer.id)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM ordering.session_family WHERE customer_id = $1::uuid AND revoked_at IS NULL`, customer.id)).toBe(1);
    expect(codeOf(await call(REFRESH, { token: session }, anAddress()))).toBe('UNAUTHENTICATED');
    await signedIn(customer.email, winners[0]);
  });

  it('holds the new password to changePassword\'s rules, naming the field, and leaves the token usable', async () => {
    const customer = await registered();
    const token = await requestedToken(customer);
    const short = await call(RESET, { token, password: 'short' }, anAddress());
    expect(short.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
    const email = await call(RESET, { token, password: customer.email.toUpperCase() }, anAddress());
    expect(email.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
    expect(await count(`SELECT count(*)::int AS n FROM ordering.password_reset_token WHERE token_hash = $1 AND spent_at IS NULL`, sha256(token))).toBe(1);
    await signedIn(customer.email, PASSWORD);
    expect((await call(RESET, { token, password: NEW_PASSWORD }, anAddress())).errors).toBeUndefined();
  });

  it('is not undone by a link still in the inbox after changePassword', async () => {
    const customer = await registered();
    const token = await requestedToken(customer);
    const changed = await call(CHANGE_PASSWORD, { current: PASSWORD, next: NEW_PASSWORD }, anAddress(), testIdentities.customer(customer.id));
    expect(changed.errors).toBeUndefined();
    expect(codeOf(await call(RESET, { token, password: 'an attacker passphrase' }, anAddress()))).toBe('BAD_USER_INPUT');
    await signedIn(customer.email, NEW_PASSWORD);
  });
});

describe('the reset message and its tokens', () => {
  const consumer = () => orderRuntimes.get(subgraph.running.server)!.notifier;
  const resetEvent = (payload: DomainEvent<'customer.password_reset_requested'>['payload']): DomainEvent<'customer.password_reset_requested'> => ({
    id: randomUUID(),
    topic: 'customer.password_reset_requested',
    source: 'ordering',
    aggregateType: 'customer',
    aggregateId: payload.customerId,
    payload,
    occurredAt: new Date().toISOString(),
    sequence: 1,
  });

  it('sends nothing for an event past its expiry, or whose token does not open for its row', async () => {
    const customer = await registered();
    await requestedToken(customer);
    const recorded = await one<{ payload: DomainEvent<'customer.password_reset_requested'>['payload'] }>(
      `SELECT payload FROM ordering.outbox_event WHERE topic = 'customer.password_reset_requested' AND aggregate_id = $1`,
      customer.id,
    );
    // The recorded payload under a new event id makes a message: the consumer accepts it as recorded ...
    expect(await consumer().handle(resetEvent(recorded.payload))).toBe(1);
    // ... and nothing once expired, or for another row, or tampered with.
    expect(await consumer().handle(resetEvent({ ...recorded.payload, expiresAt: new Date(Date.now() - 1000).toISOString() }))).toBe(0);
    expect(await consumer().handle(resetEvent({ ...recorded.payload, resetId: randomUUID() }))).toBe(0);
    expect(await consumer().handle(resetEvent({ ...recorded.payload, sealedToken: 'v1.AAAA.BBBB.CCCC' }))).toBe(0);
  });

  it('sweeps reset tokens expired or spent over a day ago and keeps the others', async () => {
    const customer = await registered();
    const live = await requestedToken(customer);
    await sql(
      `INSERT INTO ordering.password_reset_token (customer_id, token_hash, created_at, expires_at, spent_at, spent_reason) VALUES
       ($1::uuid, $2, now() - interval '3 days', now() - interval '2 days', NULL, NULL),
       ($1::uuid, $3, now() - interval '3 days', now() + interval '1 hour', now() - interval '2 days', 'SUPERSEDED')`,
      customer.id,
      sha256(randomUUID()),
      sha256(randomUUID()),
    );
    const sweep = orderRuntimes.get(subgraph.running.server)!.account.sessionSweep;
    expect(await sweep.runOnce()).toBeGreaterThanOrEqual(2);
    const left = await sql<{ token_hash: string }>(`SELECT token_hash FROM ordering.password_reset_token WHERE customer_id = $1::uuid`, customer.id);
    expect(left).toEqual([{ token_hash: sha256(live) }]);
  });
});

describe('metrics', () => {
  const outcomes = ['requested', 'unknown_email', 'rate_limited', 'completed', 'invalid_token'] as const;
  async function counts(): Promise<Record<(typeof outcomes)[number], number>> {
    const text = await (await fetch(subgraph.running.url.replace(/\/graphql$/, '/metrics'))).text();
    const of = (outcome: string) =>
      Number(text.split('\n').find((line) => line.startsWith('account_password_resets_total{') && line.includes(`outcome="${outcome}"`))?.split(' ').pop() ?? 0);
    return Object.fromEntries(outcomes.map((o) => [o, of(o)])) as Record<(typeof outcomes)[number], number>;
  }

  it('counts each outcome on /metrics, the unknown emails callers cannot tell apart included', async () => {
    const customer = await registered();
    const before = await counts();
    const token = await requestedToken(customer);
    await call(REQUEST, { email: uniqueEmail() }, anAddress());
    await call(RESET, { token: 'z'.repeat(43), password: NEW_PASSWORD }, anAddress());
    await call(RESET, { token, password: NEW_PASSWORD }, anAddress());
    const after = await counts();
    expect(Object.fromEntries(outcomes.map((o) => [o, after[o] - before[o]]))).toEqual({ requested: 1, unknown_email: 1, rate_limited: 0, completed: 1, invalid_token: 1 });
  });
});
