import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@shopgraph/kit/testing';
import { registerCustomer, signInCustomer } from './customerSessions.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/**
 * Reviews end to end, through the real gateway and the event bus: a customer registers, signs
 * in, saves an address and checks out with it (the real saga: cart, stock hold, payment), the
 * order events make them a verified buyer in the catalog, they review the product, a catalog admin approves it, and Product.rating as
 * the gateway serves it changes (the rating event evicts the cached response). The rating
 * then reaches search (RATING sort) and recommendations (a good review as trending activity).
 * A customer who did not buy is refused.
 */
let stack: RunningSupergraph;

const ADDRESS = { name: 'Ada Lovelace', line1: '1 Main St', city: 'San Francisco', postalCode: '94105', region: 'US-CA', country: 'US' };
const CREATE_CART = `mutation { createCart(currency: "USD") { cart { id } } }`;
const ADD = `mutation($cart: ID!, $variant: ID!) { addCartItem(cartId: $cart, variantId: $variant, quantity: 1) { id } }`;
const CHECKOUT = `mutation($input: CheckoutInput!, $key: String!) { checkout(input: $input, idempotencyKey: $key) { id status } }`;
const CREATE_REVIEW = `mutation($productId: ID!) { createReview(productId: $productId, rating: 5, title: "Lovely", body: "Exactly as pictured, and it arrived quickly.") { id status } }`;
const MODERATE = `mutation($id: ID!) { moderateReview(id: $id, status: APPROVED) { id status } }`;
const PRODUCT = `query($id: ID!) { product(id: $id) { name rating { average count distribution { stars count } } reviews(first: 5) { totalCount edges { node { id rating title } } } myReview { id status } } }`;

beforeAll(async () => {
  stack = await startSupergraph({ redis: true });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const bearer = async (role: 'CUSTOMER' | 'ADMIN', subject: string, scopes?: string[]) => ({
  authorization: `Bearer ${await testToken(role, { subject, ...(scopes && { scopes }) })}`,
});

/** A new customer, registered and signed in through the gateway: their id and the headers carrying their access token. */
async function signedInCustomer(): Promise<{ id: string; headers: Record<string, string> }> {
  const { email } = await registerCustomer(stack, 'reviewer');
  const session = await signInCustomer(stack, email);
  return { id: session.customerId, headers: { authorization: `Bearer ${session.accessToken}` } };
}

/** An active USD product (the cart's currency) with a variant that has stock to sell, that nobody has reviewed. */
async function sellableProduct(): Promise<{ productId: string; variantId: string }> {
  const [row] = await stack.sql<{ productId: string; variantId: string }>(
    `SELECT i.product_id::text AS "productId", i.variant_id::text AS "variantId"
       FROM inventory.inventory_item i JOIN inventory.stock_level l ON l.sku = i.sku JOIN catalog.product p ON p.id = i.product_id
      WHERE p.status = 'ACTIVE' AND p.currency = 'USD' AND NOT EXISTS (SELECT 1 FROM catalog.review r WHERE r.product_id = p.id)
      GROUP BY i.product_id, i.variant_id HAVING sum(l.on_hand - l.reserved) >= 2 ORDER BY i.product_id LIMIT 1`,
  );
  expect(row, 'a product in stock').toBeDefined();
  return row!;
}

describe('reviews through the gateway', () => {
  it('a buyer reviews what they bought, an admin approves, the rating changes everywhere; a non-buyer is refused', async () => {
    const { productId, variantId } = await sellableProduct();
    const { id: buyerId, headers: buyer } = await signedInCustomer();

    // Before: no rating (and the gateway caches this response).
    const before = await stack.gql(PRODUCT, { id: productId }, buyer);
    expect(before.errors).toBeUndefined();
    expect(before.data!.product.rating).toMatchObject({ average: null, count: 0 });
    expect(before.data!.product.myReview).toBeNull();

    // A real checkout, to an address from the customer's book.
    const address = await stack.gql(`mutation($input: CustomerAddressInput!) { addAddress(input: $input) { id } }`, { input: ADDRESS }, buyer);
    expect(address.errors, JSON.stringify(address.errors)).toBeUndefined();
    const cart = await stack.gql(CREATE_CART, {}, buyer);
    expect(cart.errors).toBeUndefined();
    const cartId = cart.data!.createCart.cart.id as string;
    expect((await stack.gql(ADD, { cart: cartId, variant: variantId }, buyer)).errors).toBeUndefined();
    const order = await stack.gql(CHECKOUT, { input: { cartId, shippingAddressId: address.data!.addAddress.id, paymentMethod: { cardToken: 'tok_approve' } }, key: `k-${randomUUID()}` }, buyer);
    expect(order.errors, JSON.stringify(order.errors)).toBeUndefined();
    expect(order.data!.checkout.status).toBe('CONFIRMED');

    // The catalog learns the purchase from order.placed and order.status_changed (CONFIRMED).
    await eventually(
      async () => (await stack.sql(`SELECT 1 FROM catalog.verified_purchase WHERE customer_id = $1 AND product_id = $2::uuid AND confirmed_at IS NOT NULL`, buyerId, productId)).length === 1,
      'the catalog to hear of the paid order',
    );

    // Someone who did not buy it is refused, with a reason.
    const stranger = await stack.gql(CREATE_REVIEW, { productId }, (await signedInCustomer()).headers);
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(stranger.errors?.[0]?.message).toMatch(/only customers who bought this product/i);

    const created = await stack.gql(CREATE_REVIEW, { productId }, buyer);
    expect(created.errors, JSON.stringify(created.errors)).toBeUndefined();
    expect(created.data!.createReview.status).toBe('PENDING');
    const reviewId = created.data!.createReview.id as string;

    // Customers do not moderate; catalog admins do.
    expect((await stack.gql(MODERATE, { id: reviewId }, buyer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const approved = await stack.gql(MODERATE, { id: reviewId }, await bearer('ADMIN', 'moderator-e2e', ['catalog']));
    expect(approved.errors, JSON.stringify(approved.errors)).toBeUndefined();
    expect(approved.data!.moderateReview.status).toBe('APPROVED');

    // The rating as the gateway serves it: the rating event evicts the cached response.
    await eventually(async () => (await stack.gql(PRODUCT, { id: productId })).data?.product.rating.count === 1, 'the served rating to change');
    const after = await stack.gql(PRODUCT, { id: productId }, buyer);
    expect(after.data!.product.rating).toEqual({
      average: '5.00',
      count: 1,
      distribution: [5, 4, 3, 2, 1].map((stars) => ({ stars, count: stars === 5 ? 1 : 0 })),
    });
    expect(after.data!.product.reviews).toEqual({ totalCount: 1, edges: [{ node: { id: reviewId, rating: 5, title: 'Lovely' } }] });
    expect(after.data!.product.myReview).toEqual({ id: reviewId, status: 'APPROVED' });

    // Search ranks by it: the only rated product comes first in a RATING sort of its own words.
    const name = before.data!.product.name as string;
    const word = name.split(/\s+/).find((w) => /^[a-z]{4,}$/i.test(w)) ?? name;
    await eventually(async () => {
      const res = await stack.gql(`query($q: String!) { search(query: $q, sort: RATING, first: 1) { edges { node { id } } } }`, { q: word });
      return res.data?.search.edges[0]?.node.id === productId;
    }, 'search to rank the rated product first');

    // Recommendations hear it: a good new review is trending activity for the day.
    await eventually(
      async () => (await stack.sql(`SELECT 1 FROM reco.product_daily_signal WHERE product_id = $1::uuid AND good_reviews = 1`, productId)).length === 1,
      'recommendations to count the good review',
    );
  });

  it('lets only customers write reviews and only catalog admins moderate, refusing everyone else before any SQL runs', async () => {
    const id = randomUUID();
    const customerOnly: Array<[string, string]> = [
      ['createReview', `mutation { createReview(productId: "${id}", rating: 5, title: "t", body: "b") { id } }`],
      ['updateReview', `mutation { updateReview(id: "${id}", rating: 4) { id } }`],
      ['deleteReview', `mutation { deleteReview(id: "${id}") }`],
      ['markReviewHelpful', `mutation { markReviewHelpful(reviewId: "${id}") { id } }`],
    ];
    const adminOnly: Array<[string, string]> = [
      ['moderateReview', `mutation { moderateReview(id: "${id}", status: APPROVED) { id } }`],
      ['reviewModerationQueue', `{ reviewModerationQueue { totalCount } }`],
    ];
    const customer = await bearer('CUSTOMER', randomUUID());
    const catalogAdmin = await bearer('ADMIN', 'moderator-e2e', ['catalog']);
    const inventoryAdmin = await bearer('ADMIN', 'admin-9', ['inventory']);
    const refused = async (query: string, headers: Record<string, string> | undefined, code: string, what: string) => {
      stack.databases.product.queries.reset();
      const res = await stack.gql(query, {}, headers);
      expect(res.errors?.map((e) => e.extensions?.code), what).toEqual([code]);
      expect(stack.databases.product.queries.count, `${what}: SQL ran for a refused caller`).toBe(0);
    };
    for (const [name, query] of customerOnly) {
      await refused(query, undefined, 'UNAUTHENTICATED', `${name} anonymous`);
      await refused(query, catalogAdmin, 'FORBIDDEN', `${name} admin`);
    }
    for (const [name, query] of adminOnly) {
      await refused(query, undefined, 'UNAUTHENTICATED', `${name} anonymous`);
      await refused(query, customer, 'FORBIDDEN', `${name} customer`);
      await refused(query, inventoryAdmin, 'FORBIDDEN', `${name} admin without catalog`);
    }
  });
});
