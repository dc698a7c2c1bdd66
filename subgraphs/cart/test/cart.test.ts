import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { serviceIdentity } from '@shopgraph/kit';
import { testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { tokenKey } from '../src/caches.js';
import { createCartSubgraph } from '../src/server.js';

const subgraph = useTestSubgraph(createCartSubgraph);
const { gql, sql } = subgraph;

const CART = `query($token: ID!) { cart(token: $token) { id currency totalQuantity expiresAt items { quantity unitPriceAtAdd { amount currency } variant { id } } } }`;

async function insertCart(token: string, expiresInHours: number): Promise<{ cartId: string; variants: string[] }> {
  const [cart] = await sql<{ id: string }>(
    `INSERT INTO cart.cart (token_hash, currency, expires_at) VALUES ($1, 'USD', now() + make_interval(hours => $2::int)) RETURNING id::text`,
    tokenKey(token),
    expiresInHours,
  );
  const variants = await sql<{ id: string; product_id: string; sku: string }>(
    `SELECT id::text, product_id::text, sku FROM catalog.product_variant ORDER BY sku LIMIT 2`,
  );
  for (const [i, v] of variants.entries()) {
    await sql(
      `INSERT INTO cart.cart_item (cart_id, product_id, variant_id, sku, quantity, unit_price_at_add, added_at)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6::numeric, now() + make_interval(secs => $7::int))`,
      cart!.id, v.product_id, v.id, v.sku, i + 2, i === 0 ? '19.90' : '5.05', i,
    );
    // The cart's price projection knows the variant (no call to the product subgraph).
    await sql(
      `INSERT INTO cart.price (variant_id, product_id, sku, price, currency) VALUES ($1::uuid, $2::uuid, $3, $4::numeric, 'USD') ON CONFLICT DO NOTHING`,
      v.id, v.product_id, v.sku, i === 0 ? '19.90' : '5.05',
    );
  }
  return { cartId: cart!.id, variants: variants.map((v) => v.id) };
}

describe('cart by token', () => {
  it('reads a cart with its items in the order they were added and exact prices', async () => {
    const token = randomUUID();
    const { cartId, variants } = await insertCart(token, 24);
    const res = await gql(CART, { token });
    expect(res.errors).toBeUndefined();
    expect(res.data!.cart).toMatchObject({ id: cartId, currency: 'USD', totalQuantity: 5 });
    expect(res.data!.cart.items).toEqual([
      { quantity: 2, unitPriceAtAdd: { amount: '19.90', currency: 'USD' }, variant: { id: variants[0] } },
      { quantity: 3, unitPriceAtAdd: { amount: '5.05', currency: 'USD' }, variant: { id: variants[1] } },
    ]);
  });

  it('treats an expired or unknown cart as not found, without echoing the token', async () => {
    const token = randomUUID();
    await insertCart(token, -1);
    for (const t of [token, randomUUID()]) {
      const res = await gql(CART, { token: t });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'token' });
      expect(res.errors?.[0]?.message).not.toContain(t);
    }
  });

  it('refuses an empty or oversized token before any SQL', async () => {
    for (const token of ['', ' ', 'x'.repeat(201)]) {
      subgraph.database.queries.reset();
      const res = await gql(CART, { token });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
      expect(subgraph.database.queries.count).toBe(0);
    }
  });
});

describe('mergeGuestCartForCustomer (service-only, the order subgraph\'s signIn)', () => {
  const MERGE = `mutation($customerId: ID!, $token: String!) { mergeGuestCartForCustomer(customerId: $customerId, cartToken: $token) { id } }`;

  it('answers only a service identity', async () => {
    const token = randomUUID();
    await insertCart(token, 24);
    const customerId = randomUUID();
    for (const caller of [testIdentities.anonymous, testIdentities.customer(customerId), testIdentities.admin()]) {
      const res = await subgraph.gqlAs(caller, MERGE, { customerId, token });
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(caller)).toMatch(/^(UNAUTHENTICATED|FORBIDDEN)$/);
    }
    // Nothing moved: the guest cart is still open and the customer has no cart.
    expect(await sql(`SELECT status::text AS status FROM cart.cart WHERE token_hash = $1`, tokenKey(token))).toEqual([{ status: 'OPEN' }]);
    expect(await sql(`SELECT id::text FROM cart.cart WHERE customer_id::text = $1`, customerId)).toEqual([]);
  });

  it('is NOT_FOUND for an unknown token and BAD_USER_INPUT for a customer id that is not one', async () => {
    const service = serviceIdentity('order');
    const unknown = await subgraph.gqlAs(service, MERGE, { customerId: randomUUID(), token: randomUUID() });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const bad = await subgraph.gqlAs(service, MERGE, { customerId: 'customer-1', token: randomUUID() });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customerId' });
  });
});
