import { randomUUID } from 'node:crypto';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, serviceIdentity, type Identity } from '@shopgraph/kit';
import { postGraphQL, TEST_JWT_SECRET, testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createOrderSubgraph, orderRuntimes } from '../src/server.js';

// Settings the subgraph reads when it is built (accounts: README "Accounts and sign-in").
process.env.CHECKOUT_RECOVERY_INTERVAL_SECONDS = '0';
process.env.JWT_SECRET = TEST_JWT_SECRET;
process.env.ACCESS_TOKEN_TTL = '600';
process.env.LOGIN_MAX_FAILURES_PER_EMAIL_IP = '3';
process.env.LOGIN_MAX_FAILURES_PER_IP = '8';
// The session sweep runs when a test says so.
process.env.SESSION_SWEEP_INTERVAL_SECONDS = '0';

// The real Redis counts sign-in failures (the memory limiter is the no-Redis path).
const subgraph = useTestSubgraph(createOrderSubgraph, { redis: true });
const { sql, one } = subgraph;

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { id email name } }`;
const SIGN_IN = `mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) {
  accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt customer { id email } cartMerge { status } } }`;
const REFRESH = `mutation($token: String!) { refreshSession(refreshToken: $token) { accessToken refreshToken customer { id } } }`;
const SIGN_OUT = `mutation($token: String!) { signOut(refreshToken: $token) }`;
const CHANGE_PASSWORD = `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { accessToken refreshToken customer { id } } }`;
const ME = `{ me { id email name addresses { id country isDefaultShipping isDefaultBilling } defaultShippingAddress { id } defaultBillingAddress { id } } }`;
const ADD_ADDRESS = `mutation($input: CustomerAddressInput!) { addAddress(input: $input) { id name postalCode region country phone isDefaultShipping isDefaultBilling } }`;
const UPDATE_ADDRESS = `mutation($id: ID!, $input: CustomerAddressInput!) { updateAddress(id: $id, input: $input) { id city } }`;
const REMOVE_ADDRESS = `mutation($id: ID!) { removeAddress(id: $id) }`;
const SET_DEFAULT = `mutation($id: ID!, $kind: AddressKind!) { setDefaultAddress(id: $id, kind: $kind) { defaultShippingAddress { id } defaultBillingAddress { id } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input, idempotencyKey: "k-1") { id } }`;

const PASSWORD = 'correct horse battery';
const ADDRESS = { name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', postalCode: '94105', region: 'US-CA', country: 'US', phone: '+1 415 555 0100' };

/** A request signed as the gateway signs it, from `address` (what per-IP throttling keys on). */
function call(query: string, variables: Record<string, unknown>, identity: Identity = ANONYMOUS, address = '198.51.100.7') {
  const running = subgraph.running;
  return postGraphQL(running.url, query, variables, {}, { signAs: { signer: running.signer, identity, clientAddress: address } });
}

const uniqueEmail = () => `shopper-${randomUUID().slice(0, 8)}@example.com`;

async function registered(email = uniqueEmail()) {
  const res = await call(REGISTER, { input: { email, password: PASSWORD, name: 'Ada' } });
  expect(res.errors).toBeUndefined();
  return { id: res.data!.register.id as string, email, as: testIdentities.customer(res.data!.register.id as string) };
}

async function signedIn(email: string, password = PASSWORD) {
  const res = await call(SIGN_IN, { email, password });
  expect(res.errors).toBeUndefined();
  return res.data!.signIn as { accessToken: string; refreshToken: string; customer: { id: string } };
}

const codeOf = (res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => res.errors?.[0]?.extensions?.code;

describe('registration', () => {
  it('stores the email lower-cased with an argon2id hash, never the password', async () => {
    const res = await call(REGISTER, { input: { email: '  Grace.Hopper@Example.COM ', password: PASSWORD, name: ' Grace ' } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.register).toMatchObject({ email: 'grace.hopper@example.com', name: 'Grace' });
    const row = await one<{ password_hash: string }>(`SELECT password_hash FROM ordering.customer WHERE id = $1::uuid`, res.data!.register.id);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
    // customer.registered went out in the same transaction, with no email in it.
    const events = await sql<{ payload: Record<string, unknown>; actor: string }>(
      `SELECT payload, actor FROM ordering.outbox_event WHERE topic = 'customer.registered' AND aggregate_id = $1`,
      res.data!.register.id,
    );
    expect(events).toEqual([{ payload: { customerId: res.data!.register.id, registeredAt: expect.any(String) }, actor: res.data!.register.id }]);
  });

  it('refuses an email taken in any letter case with CONFLICT', async () => {
    const { email } = await registered();
    const again = await call(REGISTER, { input: { email: email.toUpperCase(), password: PASSWORD, name: 'Other' } });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors![0]!.extensions!.field).toBe('input.email');
  });

  it('lets exactly one of concurrent registrations of one address through', async () => {
    const email = uniqueEmail();
    const spellings = [email, email.toUpperCase(), `${email[0]!.toUpperCase()}${email.slice(1)}`, ` ${email}`, email];
    const results = await Promise.all(spellings.map((e) => call(REGISTER, { input: { email: e, password: PASSWORD, name: 'Racer' } })));
    expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'CONFLICT')).toHaveLength(spellings.length - 1);
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM ordering.customer WHERE email = $1`, email)).n).toBe(1);
  });

  it('holds passwords to the policy and names the field', async () => {
    const email = uniqueEmail();
    const short = await call(REGISTER, { input: { email, password: 'too-short', name: 'A' } });
    expect(short.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.password' });
    const sameAsEmail = await call(REGISTER, { input: { email, password: email.toUpperCase(), name: 'A' } });
    expect(sameAsEmail.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.password' });
    const badEmail = await call(REGISTER, { input: { email: 'not-an-email', password: PASSWORD, name: 'A' } });
    expect(badEmail.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM ordering.customer WHERE email IN ($1, 'not-an-email')`, email)).n).toBe(0);
  });
});

describe('sign-in and sessions', () => {
  it('issues an access token the gateway accepts: HS256 with its secret, role CUSTOMER, sub = the customer, ACCESS_TOKEN_TTL long', async () => {
    const { id, email } = await registered();
    const session = await signedIn(email.toUpperCase());
    expect(session.customer.id).toBe(id);
    const { payload, protectedHeader } = await jwtVerify(session.accessToken, new TextEncoder().encode(TEST_JWT_SECRET));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: id, role: 'CUSTOMER' });
    expect(payload.exp! - payload.iat!).toBe(600);
    // Only the refresh token's hash is stored.
    const rows = await sql<{ token_hash: string }>(
      `SELECT t.token_hash FROM ordering.refresh_token t JOIN ordering.session_family f ON f.id = t.family_id WHERE f.customer_id = $1::uuid`,
      id,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(session.refreshToken);
  });

  it('answers a wrong password, an unknown email and an account without a password alike', async () => {
    const { email } = await registered();
    const seeded = await one<{ email: string }>(`SELECT email FROM ordering.customer WHERE password_hash IS NULL LIMIT 1`);
    const answers = await Promise.all([
      call(SIGN_IN, { email, password: 'wrong password!' }, ANONYMOUS, '198.51.100.20'),
      call(SIGN_IN, { email: uniqueEmail(), password: PASSWORD }, ANONYMOUS, '198.51.100.21'),
      call(SIGN_IN, { email: seeded.email, password: PASSWORD }, ANONYMOUS, '198.51.100.22'),
    ]);
    for (const answer of answers) expect(answer.errors![0]).toMatchObject({ message: 'Wrong email or password', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('rotates the refresh token, and a spent one revokes the whole family', async () => {
    const { email } = await registered();
    const first = await signedIn(email);
    const second = await call(REFRESH, { token: first.refreshToken });
    expect(second.errors).toBeUndefined();
    const next = second.data!.refreshSession.refreshToken as string;
    expect(next).not.toBe(first.refreshToken);

    const reused = await call(REFRESH, { token: first.refreshToken });
    expect(codeOf(reused)).toBe('UNAUTHENTICATED');
    // The successor was not spent, yet the family is over.
    expect(codeOf(await call(REFRESH, { token: next }))).toBe('UNAUTHENTICATED');
    const family = await one<{ revoked_reason: string }>(
      `SELECT f.revoked_reason FROM ordering.session_family f JOIN ordering.refresh_token t ON t.family_id = f.id WHERE t.token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
      next,
    );
    expect(family.revoked_reason).toBe('REUSE_DETECTED');
    // Another sign-in of the same customer is another family, untouched.
    const other = await signedIn(email);
    expect((await call(REFRESH, { token: other.refreshToken })).errors).toBeUndefined();
  });

  it('lets one of two concurrent refreshes with the same token win, and the other revokes the family', async () => {
    const { email } = await registered();
    const session = await signedIn(email);
    const both = await Promise.all([call(REFRESH, { token: session.refreshToken }), call(REFRESH, { token: session.refreshToken })]);
    const winners = both.filter((r) => r.errors === undefined);
    expect(winners).toHaveLength(1);
    expect(codeOf(both.find((r) => r.errors !== undefined)!)).toBe('UNAUTHENTICATED');
    expect(codeOf(await call(REFRESH, { token: winners[0]!.data!.refreshSession.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  it('refuses an unknown and an expired refresh token without revoking anything', async () => {
    const { email } = await registered();
    const session = await signedIn(email);
    expect(codeOf(await call(REFRESH, { token: 'x'.repeat(43) }))).toBe('UNAUTHENTICATED');
    await sql(`UPDATE ordering.refresh_token SET expires_at = now() - interval '1 second' WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`, session.refreshToken);
    expect(codeOf(await call(REFRESH, { token: session.refreshToken }))).toBe('UNAUTHENTICATED');
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM ordering.session_family WHERE customer_id = $1::uuid AND revoked_at IS NOT NULL`, session.customer.id)).n).toBe(0);
  });

  it('sweeps dead sessions (every token expired, or revoked over a day ago) and keeps live ones', async () => {
    const { id, email } = await registered();
    const [live, expired, revoked, fresh] = [await signedIn(email), await signedIn(email), await signedIn(email), await signedIn(email)];
    const byToken = `(SELECT family_id FROM ordering.refresh_token WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex'))`;
    await sql(`UPDATE ordering.session_family SET created_at = now() - interval '2 days' WHERE customer_id = $1::uuid`, id);
    await sql(`UPDATE ordering.refresh_token SET expires_at = now() - interval '1 minute' WHERE family_id = ${byToken}`, expired.refreshToken);
    await sql(`UPDATE ordering.session_family SET revoked_at = now() - interval '25 hours' WHERE id = ${byToken}`, revoked.refreshToken);
    // Signed out just now: kept a day for the record.
    await call(SIGN_OUT, { token: fresh.refreshToken });
    const sweep = orderRuntimes.get(subgraph.running.server)!.account.sessionSweep;
    expect(await sweep.runOnce()).toBeGreaterThanOrEqual(2);
    const left = await one<{ n: number }>(`SELECT count(*)::int AS n FROM ordering.session_family WHERE customer_id = $1::uuid`, id);
    expect(left.n).toBe(2);
    expect((await call(REFRESH, { token: live.refreshToken })).errors).toBeUndefined();
  });

  it('signs out: the family ends, and signing out again is fine', async () => {
    const { email } = await registered();
    const session = await signedIn(email);
    expect((await call(SIGN_OUT, { token: session.refreshToken })).data!.signOut).toBe(true);
    expect(codeOf(await call(REFRESH, { token: session.refreshToken }))).toBe('UNAUTHENTICATED');
    expect((await call(SIGN_OUT, { token: session.refreshToken })).data!.signOut).toBe(true);
    // A token that cannot be one (empty, over-long) ends nothing and is no error either.
    for (const token of ['', 'x'.repeat(201)]) expect(await call(SIGN_OUT, { token })).toEqual({ data: { signOut: true } });
    // One customer.sessions_revoked, naming the access token's session (sid); the second sign-out ended nothing.
    const { payload: claims } = await jwtVerify(session.accessToken, new TextEncoder().encode(TEST_JWT_SECRET));
    const revoked = await sql<{ payload: { familyIds: string[]; reason: string } }>(
      `SELECT payload FROM ordering.outbox_event WHERE topic = 'customer.sessions_revoked' AND aggregate_id = $1`,
      claims.sub,
    );
    expect(revoked).toEqual([{ payload: expect.objectContaining({ customerId: claims.sub, familyIds: [claims.sid], reason: 'SIGNED_OUT' }) }]);
  });

  it('lists the sessions revoked within ACCESS_TOKEN_TTL to services only (the gateways\' backfill)', async () => {
    const REVOKED = `{ revokedSessions { accessTokenTtlSeconds sessions { familyId revokedAt } } }`;
    const { email, as } = await registered();
    const [ended, live, old] = [await signedIn(email), await signedIn(email), await signedIn(email)];
    await call(SIGN_OUT, { token: ended.refreshToken });
    await call(SIGN_OUT, { token: old.refreshToken });
    const sidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string };
    // Revoked longer ago than ACCESS_TOKEN_TTL (600 s here): its tokens have expired, the gateways need not know it.
    await sql(`UPDATE ordering.session_family SET revoked_at = now() - interval '601 seconds' WHERE id = $1::uuid`, sidOf(old.accessToken).sid);

    const answer = await call(REVOKED, {}, serviceIdentity('gateway'));
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.revokedSessions.accessTokenTtlSeconds).toBe(600);
    const listed = (answer.data!.revokedSessions.sessions as { familyId: string }[]).map((s) => s.familyId);
    expect(listed).toContain(sidOf(ended.accessToken).sid);
    expect(listed).not.toContain(sidOf(live.accessToken).sid);
    expect(listed).not.toContain(sidOf(old.accessToken).sid);
    for (const caller of [ANONYMOUS, as, testIdentities.admin()]) expect(codeOf(await call(REVOKED, {}, caller))).toMatch(/^(UNAUTHENTICATED|FORBIDDEN)$/);
  });

  it('changes the password: the current one is checked, every session ends, a fresh one starts', async () => {
    const { email, as } = await registered();
    const a = await signedIn(email);
    const b = await signedIn(email);
    const wrong = await call(CHANGE_PASSWORD, { current: 'not my password', next: 'a brand new passphrase' }, as);
    expect(wrong.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
    const weak = await call(CHANGE_PASSWORD, { current: PASSWORD, next: 'short' }, as);
    expect(weak.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });

    const changed = await call(CHANGE_PASSWORD, { current: PASSWORD, next: 'a brand new passphrase' }, as);
    expect(changed.errors).toBeUndefined();
    for (const old of [a, b]) expect(codeOf(await call(REFRESH, { token: old.refreshToken }))).toBe('UNAUTHENTICATED');
    expect((await call(REFRESH, { token: changed.data!.changePassword.refreshToken })).errors).toBeUndefined();
    expect(codeOf(await call(SIGN_IN, { email, password: PASSWORD }))).toBe('UNAUTHENTICATED');
    await signedIn(email, 'a brand new passphrase');
    const events = await sql(`SELECT topic FROM ordering.outbox_event WHERE aggregate_id = $1 ORDER BY position`, as.subject);
    expect(events).toEqual([{ topic: 'customer.registered' }, { topic: 'customer.sessions_revoked' }, { topic: 'customer.password_changed' }]);
    // The revocation names the old sessions (a and b), never the fresh one the change answered.
    const sidOf = async (token: string) => (await jwtVerify(token, new TextEncoder().encode(TEST_JWT_SECRET))).payload.sid;
    const [revoked] = await sql<{ payload: { familyIds: string[]; reason: string } }>(
      `SELECT payload FROM ordering.outbox_event WHERE topic = 'customer.sessions_revoked' AND aggregate_id = $1 ORDER BY position LIMIT 1`,
      as.subject,
    );
    expect(revoked!.payload.reason).toBe('PASSWORD_CHANGED');
    expect([...revoked!.payload.familyIds].sort()).toEqual([await sidOf(a.accessToken), await sidOf(b.accessToken)].sort());
    expect(revoked!.payload.familyIds).not.toContain(await sidOf(changed.data!.changePassword.accessToken));
  });
});

describe('sign-in throttling (LOGIN_MAX_FAILURES_PER_EMAIL_IP=3, LOGIN_MAX_FAILURES_PER_IP=8)', () => {
  it('refuses the 4th attempt for one email from one address, right password or not, with retryAfter', async () => {
    const { email } = await registered();
    const from = '203.0.113.10';
    for (let i = 0; i < 3; i++) expect(codeOf(await call(SIGN_IN, { email, password: `wrong password ${i}` }, ANONYMOUS, from))).toBe('UNAUTHENTICATED');
    const blocked = await call(SIGN_IN, { email, password: PASSWORD }, ANONYMOUS, from);
    expect(blocked.errors![0]!.extensions!.code).toBe('RATE_LIMITED');
    expect(blocked.errors![0]!.extensions!.retryAfter).toBeGreaterThan(0);
    // The same email from another address is not blocked.
    await signedIn(email);
  });

  it('counts concurrent wrong guesses exactly: of 6 at once, 3 are checked and 3 refused', async () => {
    const { email } = await registered();
    const from = '203.0.113.11';
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => call(SIGN_IN, { email, password: `guess number ${i}` }, ANONYMOUS, from)));
    expect(answers.filter((a) => codeOf(a) === 'UNAUTHENTICATED')).toHaveLength(3);
    expect(answers.filter((a) => codeOf(a) === 'RATE_LIMITED')).toHaveLength(3);
  });

  it('a success clears the email\'s count', async () => {
    const { email } = await registered();
    const from = '203.0.113.12';
    for (let i = 0; i < 2; i++) await call(SIGN_IN, { email, password: 'wrong password!' }, ANONYMOUS, from);
    expect((await call(SIGN_IN, { email, password: PASSWORD }, ANONYMOUS, from)).errors).toBeUndefined();
    for (let i = 0; i < 2; i++) expect(codeOf(await call(SIGN_IN, { email, password: 'wrong password!' }, ANONYMOUS, from))).toBe('UNAUTHENTICATED');
  });

  it('blocks an address spraying many emails once its own count is used up', async () => {
    const from = '203.0.113.13';
    const emails = [uniqueEmail(), uniqueEmail(), uniqueEmail(), uniqueEmail(), uniqueEmail()];
    let refused = 0;
    for (const email of emails) {
      for (let i = 0; i < 2; i++) if (codeOf(await call(SIGN_IN, { email, password: 'wrong password!' }, ANONYMOUS, from)) === 'RATE_LIMITED') refused++;
    }
    // 10 attempts, 8 allowed per address.
    expect(refused).toBe(2);
    expect(codeOf(await call(SIGN_IN, { email: uniqueEmail(), password: 'x'.repeat(12) }, ANONYMOUS, '203.0.113.14'))).toBe('UNAUTHENTICATED');
  });
});

describe('the address book', () => {
  it('checks every field and names each bad one', async () => {
    const { as } = await registered();
    const res = await call(ADD_ADDRESS, { input: { ...ADDRESS, country: 'usa', region: 'California', postalCode: '#', phone: 'call me', name: ' ' } }, as);
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const fields = (res.errors![0]!.extensions!.fieldErrors as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['input.country', 'input.name', 'input.phone', 'input.postalCode', 'input.region']);
    const mismatch = await call(ADD_ADDRESS, { input: { ...ADDRESS, region: 'DE' } }, as);
    expect(mismatch.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.region' });
    expect((await call(ME, {}, as)).data!.me.addresses).toEqual([]);
  });

  it('makes the first address both defaults, and moves a default on request', async () => {
    const { as } = await registered();
    const first = (await call(ADD_ADDRESS, { input: ADDRESS }, as)).data!.addAddress;
    expect(first).toMatchObject({ isDefaultShipping: true, isDefaultBilling: true, country: 'US', region: 'US-CA', phone: '+1 415 555 0100' });
    const second = (await call(ADD_ADDRESS, { input: { ...ADDRESS, line1: '2 Main St', country: 'de', region: 'de', postalCode: '10115' } }, as)).data!.addAddress;
    expect(second).toMatchObject({ isDefaultShipping: false, isDefaultBilling: false, country: 'DE', region: 'DE' });
    const moved = await call(SET_DEFAULT, { id: second.id, kind: 'BILLING' }, as);
    expect(moved.data!.setDefaultAddress).toEqual({ defaultShippingAddress: { id: first.id }, defaultBillingAddress: { id: second.id } });
    const me = (await call(ME, {}, as)).data!.me;
    expect(me.addresses.map((a: { id: string }) => a.id)).toEqual([first.id, second.id]);
    expect(me.addresses.filter((a: { isDefaultBilling: boolean }) => a.isDefaultBilling)).toHaveLength(1);
  });

  it('gives the default to exactly one of concurrent first addresses', async () => {
    const { id, as } = await registered();
    const added = await Promise.all(Array.from({ length: 4 }, (_, i) => call(ADD_ADDRESS, { input: { ...ADDRESS, line1: `${i} Race St` } }, as)));
    for (const res of added) expect(res.errors).toBeUndefined();
    const defaults = await one<{ shipping: number; billing: number }>(
      `SELECT count(*) FILTER (WHERE is_default_shipping)::int AS shipping, count(*) FILTER (WHERE is_default_billing)::int AS billing FROM ordering.customer_address WHERE customer_id = $1::uuid`,
      id,
    );
    expect(defaults).toEqual({ shipping: 1, billing: 1 });
  });

  it('keeps customers out of each other\'s books (NOT_FOUND, never FORBIDDEN)', async () => {
    const owner = await registered();
    const other = await registered();
    const address = (await call(ADD_ADDRESS, { input: ADDRESS }, owner.as)).data!.addAddress;
    expect(codeOf(await call(UPDATE_ADDRESS, { id: address.id, input: { ...ADDRESS, city: 'Oakland' } }, other.as))).toBe('NOT_FOUND');
    expect(codeOf(await call(SET_DEFAULT, { id: address.id, kind: 'SHIPPING' }, other.as))).toBe('NOT_FOUND');
    expect((await call(REMOVE_ADDRESS, { id: address.id }, other.as)).data!.removeAddress).toBe(false);
    // A checkout with someone else's address id stops before anything is priced or held.
    const checkout = await call(CHECKOUT, { input: { cartId: randomUUID(), shippingAddressId: address.id, paymentMethod: { cardToken: 'tok_approve' } } }, other.as);
    expect(checkout.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.shippingAddressId' });

    const updated = await call(UPDATE_ADDRESS, { id: address.id, input: { ...ADDRESS, city: 'Oakland' } }, owner.as);
    expect(updated.data!.updateAddress.city).toBe('Oakland');
    expect((await call(REMOVE_ADDRESS, { id: address.id }, owner.as)).data!.removeAddress).toBe(true);
    expect((await call(ME, {}, owner.as)).data!.me).toMatchObject({ addresses: [], defaultShippingAddress: null });
  });

  it('asks checkout for exactly one shipping address: written out or by id', async () => {
    const { as } = await registered();
    const neither = await call(CHECKOUT, { input: { cartId: randomUUID(), paymentMethod: { cardToken: 'tok_approve' } } }, as);
    expect(neither.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.shippingAddress' });
    const { phone: _phone, ...written } = ADDRESS;
    const both = await call(CHECKOUT, { input: { cartId: randomUUID(), shippingAddress: written, shippingAddressId: randomUUID(), paymentMethod: { cardToken: 'tok_approve' } } }, as);
    expect(both.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.shippingAddress' });
  });
});

describe('me and the profile', () => {
  it('needs a customer: anonymous is UNAUTHENTICATED, an admin has no account here', async () => {
    expect(codeOf(await call(ME, {}))).toBe('UNAUTHENTICATED');
    expect(codeOf(await call(ME, {}, testIdentities.admin()))).toBe('NOT_FOUND');
  });

  it('updates the name and checks it', async () => {
    const { as } = await registered();
    const UPDATE = `mutation($name: String) { updateProfile(input: { name: $name }) { name } }`;
    expect((await call(UPDATE, { name: ' Ada King ' }, as)).data!.updateProfile.name).toBe('Ada King');
    expect((await call(UPDATE, { name: '' }, as)).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
  });
});

describe('metrics', () => {
  it('counts sign-in outcomes and refresh-token reuse on /metrics', async () => {
    const { email } = await registered();
    const session = await signedIn(email);
    await call(REFRESH, { token: session.refreshToken });
    await call(REFRESH, { token: session.refreshToken });
    for (let i = 0; i < 4; i++) await call(SIGN_IN, { email, password: 'wrong password!' }, ANONYMOUS, '203.0.113.50');
    const text = await (await fetch(subgraph.running.url.replace(/\/graphql$/, '/metrics'))).text();
    const count = (name: string, outcome: string) =>
      Number(text.split('\n').find((line) => line.startsWith(`${name}{`) && line.includes(`outcome="${outcome}"`))?.split(' ').pop() ?? 0);
    expect(count('account_sign_ins_total', 'success')).toBeGreaterThanOrEqual(1);
    expect(count('account_sign_ins_total', 'rate_limited')).toBeGreaterThanOrEqual(1);
    expect(count('account_session_refreshes_total', 'reuse_detected')).toBeGreaterThanOrEqual(1);
  });
});
