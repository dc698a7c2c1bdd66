import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@shopgraph/kit/testing';
import { CUSTOMER_PASSWORD as PASSWORD, registerCustomer, signInCustomer } from './customerSessions.js';
import { startSupergraph, type RunningSupergraph } from './supergraphHarness.js';

// Accounts' settings for this file (the order subgraph reads them when the harness builds it).
process.env.CHECKOUT_RECOVERY_INTERVAL_SECONDS = '0';
process.env.LOGIN_MAX_FAILURES_PER_EMAIL_IP = '3';

/**
 * A customer's way through the real gateway: a guest cart, registration, sign-in that merges
 * the guest cart, the access token in use, an address saved and used by checkout, sessions
 * refreshed and ended, failed sign-ins throttled by the address the gateway saw, a forgotten
 * password reset with the link the notification carried.
 */
let sg: RunningSupergraph;

beforeAll(async () => {
  sg = await startSupergraph({ redis: true });
}, 180_000);

afterAll(async () => {
  await sg?.stop();
});

const ADDRESS = { name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', postalCode: '94105', region: 'US-CA', country: 'US', phone: '+1 415 555 0100' };

type Gql = { data?: any; errors?: any[] };

/** GraphQL through the gateway, with the customer's access token when given. */
function gql(query: string, variables: Record<string, unknown> = {}, accessToken?: string): Promise<Gql> {
  return sg.gql(query, variables, accessToken ? { authorization: `Bearer ${accessToken}` } : {});
}

/** The data of an answer that must have no errors. */
function dataOf(res: Gql): any {
  expect(res.errors).toBeUndefined();
  return res.data;
}

const codeOf = (res: Gql): unknown => res.errors?.[0]?.extensions?.code;

/** A variant with plenty of sellable stock (nothing reserved), so the cart can hold it. */
async function stockedVariant(): Promise<{ variantId: string; sku: string }> {
  const [row] = await sg.sql<{ variantId: string; sku: string }>(
    `SELECT v.id::text AS "variantId", v.sku FROM catalog.product_variant v JOIN catalog.product p ON p.id = v.product_id
     JOIN inventory.inventory_item i ON i.sku = v.sku WHERE p.status = 'ACTIVE' AND v.currency = 'USD' ORDER BY v.sku LIMIT 1`,
  );
  await sg.sql(`UPDATE inventory.stock_level SET on_hand = 1000, reserved = 0 WHERE sku = $1`, row!.sku);
  return row!;
}

/** An anonymous shopper's cart with `quantity` of a variant: its id and the token that is its credential. */
async function guestCart(variantId: string, quantity: number): Promise<{ cartId: string; token: string }> {
  const created = dataOf(await gql(`mutation { createCart(currency: "USD") { cart { id } token } }`)).createCart;
  dataOf(
    await gql(`mutation($cartId: ID!, $token: String, $variantId: ID!, $quantity: Int!) { addCartItem(cartId: $cartId, cartToken: $token, variantId: $variantId, quantity: $quantity) { id } }`, {
      cartId: created.cart.id,
      token: created.token,
      variantId,
      quantity,
    }),
  );
  return { cartId: created.cart.id, token: created.token };
}

const register = () => registerCustomer(sg);

const SIGN_IN = `mutation($email: String!, $password: String!, $guestCartToken: String) {
  signIn(email: $email, password: $password, guestCartToken: $guestCartToken) { accessToken refreshToken customer { id email } cartMerge { status cartId message } } }`;

function signIn(email: string, password = PASSWORD, guestCartToken?: string): Promise<Gql> {
  return gql(SIGN_IN, { email, password, ...(guestCartToken && { guestCartToken }) });
}

/** A new customer, signed in: their id, email and tokens. */
async function signedInCustomer(): Promise<{ id: string; email: string; accessToken: string; refreshToken: string }> {
  const { id, email } = await register();
  const { accessToken, refreshToken } = await signInCustomer(sg, email);
  return { id, email, accessToken, refreshToken };
}

/** Saves an address in the customer's book; its id. */
async function addAddress(accessToken: string, input: Record<string, unknown> = ADDRESS): Promise<string> {
  return dataOf(await gql(`mutation($input: CustomerAddressInput!) { addAddress(input: $input) { id } }`, { input }, accessToken)).addAddress.id;
}

describe('a customer through the gateway', () => {
  it('registers, signs in merging the guest cart, saves an address and checks out with it', async () => {
    const { variantId, sku } = await stockedVariant();
    const guest = await guestCart(variantId, 2);
    const { id, email } = await register();

    const session = dataOf(await signIn(email.toUpperCase(), PASSWORD, guest.token)).signIn;
    expect(session.customer).toEqual({ id, email });
    expect(session.cartMerge).toMatchObject({ status: 'MERGED', message: null });
    const cartId: string = session.cartMerge.cartId;

    // The access token works at the gateway: the customer's own cart holds the guest's items.
    const cart = dataOf(await gql(`{ myCart { id totalQuantity items { sku quantity } } }`, {}, session.accessToken)).myCart;
    expect(cart).toEqual({ id: cartId, totalQuantity: 2, items: [{ sku, quantity: 2 }] });
    // The guest cart is spent: its token no longer opens a cart.
    expect(codeOf(await gql(`query($token: ID) { cart(token: $token) { id } }`, { token: guest.token }))).toBe('NOT_FOUND');

    const address = dataOf(await gql(`mutation($input: CustomerAddressInput!) { addAddress(input: $input) { id isDefaultShipping } }`, { input: ADDRESS }, session.accessToken)).addAddress;
    expect(address.isDefaultShipping).toBe(true);
    const me = dataOf(await gql(`{ me { email defaultShippingAddress { id city } } }`, {}, session.accessToken)).me;
    expect(me).toEqual({ email, defaultShippingAddress: { id: address.id, city: 'San Francisco' } });

    const order = dataOf(
      await gql(
        `mutation($input: CheckoutInput!, $key: String!) { checkout(input: $input, idempotencyKey: $key) {
          status customerId tax { amount } shippingAddress { name line1 city postalCode region country } billingAddress { line1 } lines { sku quantity } } }`,
        { input: { cartId, shippingAddressId: address.id, paymentMethod: { cardToken: 'tok_approve' } }, key: randomUUID() },
        session.accessToken,
      ),
    ).checkout;
    const { phone: _phone, ...snapshot } = ADDRESS;
    expect(order).toMatchObject({ status: 'CONFIRMED', customerId: id, shippingAddress: snapshot, billingAddress: { line1: ADDRESS.line1 }, lines: [{ sku, quantity: 2 }] });
    // The destination's region set the tax (US-CA is taxed in the demo store).
    expect(Number(order.tax.amount)).toBeGreaterThan(0);

    // The order keeps its copy when the book changes.
    dataOf(await gql(`mutation($id: ID!) { removeAddress(id: $id) }`, { id: address.id }, session.accessToken));
    const [row] = await sg.sql<{ city: string }>(`SELECT shipping_address->>'city' AS city FROM ordering."order" WHERE customer_id = $1::uuid`, id);
    expect(row!.city).toBe('San Francisco');
  });

  it('checks out only with the caller\'s own addresses', async () => {
    const owner = await signedInCustomer();
    const addressId = await addAddress(owner.accessToken);
    const other = await signedInCustomer();
    const res = await gql(
      `mutation($input: CheckoutInput!) { checkout(input: $input, idempotencyKey: "theirs") { id } }`,
      { input: { cartId: randomUUID(), shippingAddressId: addressId, paymentMethod: { cardToken: 'tok_approve' } } },
      other.accessToken,
    );
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.shippingAddressId' });
  });

  it('signs in even when the guest cart cannot be merged, and says so', async () => {
    const { email } = await register();
    const session = dataOf(await signIn(email, PASSWORD, 'no-such-cart-token')).signIn;
    expect(session.cartMerge).toMatchObject({ status: 'FAILED', cartId: null });
    expect(session.cartMerge.message).toMatch(/not found/i);
    expect(dataOf(await gql(`{ me { email } }`, {}, session.accessToken)).me.email).toBe(email);
  });

  it('refreshes, detects a reused refresh token and signs out', async () => {
    const REFRESH = `mutation($token: String!) { refreshSession(refreshToken: $token) { accessToken refreshToken } }`;
    const first = await signedInCustomer();
    const { email } = first;
    const second = dataOf(await gql(REFRESH, { token: first.refreshToken })).refreshSession;
    expect(dataOf(await gql(`{ me { email } }`, {}, second.accessToken)).me.email).toBe(email);
    expect(codeOf(await gql(REFRESH, { token: first.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await gql(REFRESH, { token: second.refreshToken }))).toBe('UNAUTHENTICATED');

    const third = dataOf(await signIn(email)).signIn;
    expect(dataOf(await gql(`mutation($token: String!) { signOut(refreshToken: $token) }`, { token: third.refreshToken })).signOut).toBe(true);
    expect(codeOf(await gql(REFRESH, { token: third.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  it('throttles failed sign-ins by the address the gateway saw (LOGIN_MAX_FAILURES_PER_EMAIL_IP=3)', async () => {
    const { email } = await register();
    for (let i = 0; i < 3; i++) expect(codeOf(await signIn(email, `wrong password ${i}`))).toBe('UNAUTHENTICATED');
    const blocked = await signIn(email);
    expect(blocked.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    // The subgraph counted the gateway's caller, not an unknown one.
    const redis = await sg.redis();
    const keys = await redis.keys(`*login-attempts:email-address*${email}*`);
    expect(keys.some((k) => k.includes('|127.0.0.1'))).toBe(true);
  });
});

describe('a forgotten password through the gateway', () => {
  const REQUEST = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
  const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) { accessToken refreshToken customer { id } } }`;
  const NOTIFICATIONS = `{ myNotifications(first: 10) { edges { node { kind title body } } } }`;

  it('asks for a link with no token (an unknown email answers alike), and the link resets once: old sessions end, the new one works', async () => {
    const customer = await signedInCustomer();
    const known = await gql(REQUEST, { email: customer.email });
    const unknown = await gql(REQUEST, { email: `nobody-${randomUUID().slice(0, 8)}@example.com` });
    expect(known).toEqual({ data: { requestPasswordReset: true } });
    expect(unknown).toEqual(known);
    // Counted against the caller the gateway saw.
    const redis = await sg.redis();
    expect(await redis.get(`${sg.deps.order.namespace}:password-reset-requests:address:127.0.0.1`)).toBe('2');

    // The event went through the notification consumer: the customer's messages hold the link.
    let link: string | undefined;
    await eventually(async () => {
      const edges: { node: { kind: string; body: string } }[] = dataOf(await gql(NOTIFICATIONS, {}, customer.accessToken)).myNotifications.edges;
      link = edges.find((e) => e.node.kind === 'PASSWORD_RESET')?.node.body.match(/http:\/\/localhost:3000\/reset-password\?token=[\w-]+/)?.[0];
      return link !== undefined;
    }, 'the reset notification');
    const token = new URL(link!).searchParams.get('token')!;

    const reset = dataOf(await gql(RESET, { token, password: 'a brand new passphrase' })).resetPassword;
    expect(reset.customer.id).toBe(customer.id);
    expect(dataOf(await gql(`{ me { email } }`, {}, reset.accessToken)).me.email).toBe(customer.email);
    expect(codeOf(await gql(`mutation($token: String!) { refreshSession(refreshToken: $token) { accessToken } }`, { token: customer.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await signIn(customer.email))).toBe('UNAUTHENTICATED');
    dataOf(await signIn(customer.email, 'a brand new passphrase'));

    const again = await gql(RESET, { token, password: 'yet another passphrase' });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
  });
});
