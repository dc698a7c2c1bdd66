import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendGraphQL } from '@shopgraph/kit/testing';
import { EXAMPLE_OPERATIONS } from '../src/playground/exampleOperations.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/**
 * The playground's example tabs run against the real supergraph as a visitor would run them:
 * their own variables, with the placeholders filled from the seeded store. (Validity against
 * the schema is checked in playground.test.ts; the subscriptions in the browser test and
 * liveAdminFlow.e2e.test.ts.)
 */
let stack: RunningSupergraph;
let sample: { slug: string; variantId: string; sku: string };

const example = (operationName: string) => {
  const found = EXAMPLE_OPERATIONS.find((e) => new RegExp(`\\b(query|mutation|subscription) ${operationName}\\b`).test(e.query));
  if (!found) throw new Error(`no example operation ${operationName}`);
  return found;
};

async function run(operationName: string, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const tab = example(operationName);
  const variables = { ...(tab.variables ? (JSON.parse(tab.variables) as Record<string, unknown>) : {}), ...overrides };
  const res = await sendGraphQL(stack.gatewayUrl, { query: tab.query, operationName, variables }, { headers });
  expect(res.body.errors, operationName).toBeUndefined();
  return res.body.data!;
}

beforeAll(async () => {
  stack = await startSupergraph({ redis: true });
  const [row] = await stack.sql<{ slug: string; variant_id: string; sku: string }>(
    `SELECT p.slug, v.id::text AS variant_id, v.sku FROM catalog.product p JOIN catalog.product_variant v ON v.product_id = p.id
       JOIN inventory.stock_level s ON s.sku = v.sku
      WHERE p.status = 'ACTIVE' GROUP BY p.slug, v.id, v.sku HAVING sum(s.on_hand - s.reserved) >= 5 ORDER BY v.sku LIMIT 1`,
  );
  sample = { slug: row!.slug, variantId: row!.variant_id, sku: row!.sku };
});
afterAll(async () => {
  await stack?.stop();
});

describe('the playground example tabs', () => {
  it('browse a category, open a product page and search, as shipped', async () => {
    const browsed = await run('BrowseCategory');
    expect(browsed.category.path).toBe('women/dresses');
    expect(browsed.category.products.edges.length).toBeGreaterThan(0);
    expect(browsed.categories.length).toBeGreaterThan(0);

    const page = await run('ProductPage', { slug: sample.slug });
    expect(page.product.variants.map((v: { sku: string }) => v.sku)).toContain(sample.sku);

    const found = await run('Search');
    expect(found.search.engine).toBe('POSTGRES');
    expect(found.search.facets).toHaveProperty('categories');
    expect(Array.isArray(found.suggest)).toBe(true);
  });

  it('cart and checkout: CreateCart, AddItem and Checkout place a paid order for a customer', async () => {
    const customer = { authorization: `Bearer ${await testToken('CUSTOMER', { subject: randomUUID() })}` };
    const created = await run('CreateCart', {}, customer);
    const cartId = created.createCart.cart.id as string;
    expect(created.createCart.token).toBeNull(); // a signed-in customer's cart needs no token

    const added = await run('AddItem', { cartId, cartToken: null, variantId: sample.variantId }, customer);
    expect(added.addCartItem.items).toMatchObject([{ sku: sample.sku, quantity: 1 }]);

    const ordered = await run('Checkout', { cartId, cartToken: null, key: `playground-${randomUUID()}` }, customer);
    expect(ordered.checkout).toMatchObject({ status: 'CONFIRMED', lines: [{ sku: sample.sku, quantity: 1 }] });
    expect(ordered.checkout.total.amount).toBe(added.addCartItem.totals.grandTotal.amount);
  });

  it("an admin's price change", async () => {
    const admin = { authorization: `Bearer ${await testToken('ADMIN')}` };
    const changed = await run('ChangePrice', { variantId: sample.variantId }, admin);
    expect(changed.setPrice).toMatchObject({ sku: sample.sku, price: { amount: '19.99' } });
    const [row] = await stack.sql<{ price: string }>(`SELECT price::text FROM catalog.product_variant WHERE id = $1::uuid`, sample.variantId);
    expect(row!.price).toBe('19.99');
  });

  it('trending and recommendations answer', async () => {
    expect(Array.isArray((await run('Trending')).trending)).toBe(true);
    const recommended = await run('Recommendations', { slug: sample.slug });
    expect(Array.isArray(recommended.product.alsoBought)).toBe(true);
  });
});
