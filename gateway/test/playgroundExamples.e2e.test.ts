import { Kind, OperationTypeNode, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sendGraphQL, TEST_JWT_SECRET } from '@shopgraph/kit/testing';
import { chainedEditors, jsonObject } from '../src/playground/client/exampleChain.js';
import { developmentTokenIssuer } from '../src/playground/developmentToken.js';
import type { ServedExample } from '../src/playground/exampleValues.js';
import { createPlaygroundRoutes } from '../src/playground/playgroundRoutes.js';
import { Feed, liveClient } from './liveClient.js';
import { playgroundConfigOf, type PlaygroundPageConfig } from './playgroundPage.js';
import { startSupergraph, type RunningSupergraph } from './supergraphHarness.js';

/**
 * The playground's example tabs, exactly as the gateway serves them on the seeded store (the
 * variables it filled from live data included), run through the real supergraph the way a
 * visitor runs them: each operation of a tab in order, with the values the page copies from
 * one answer to the next (client/exampleChain.ts, the page's own rule), and the development
 * admin token the page carries for the admin tab. No tab may answer an error. (Validity
 * against the schema: playground.test.ts; the page itself in Chromium: the browser test.)
 */
let stack: RunningSupergraph;

async function openPage(): Promise<PlaygroundPageConfig> {
  const html = await (await fetch(new URL('/', stack.gatewayUrl))).text();
  return playgroundConfigOf(html)!;
}

const operationsOf = (tab: ServedExample) =>
  parse(tab.query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

const tabRunning = (page: PlaygroundPageConfig, operationName: string) => {
  const tab = page.exampleOperations.find((e) => operationsOf(e).some((o) => o.name?.value === operationName));
  if (!tab) throw new Error(`no example tab runs ${operationName}`);
  return tab;
};

/** What the tab's editors hold as the visitor runs it; the admin tab gets the page's token, as its toolbar button sets it. */
function editorsOf(page: PlaygroundPageConfig, tab: ServedExample) {
  const admin = /admin token/i.test(tab.name);
  return { variables: tab.variables ?? '', headers: admin ? JSON.stringify({ Authorization: `Bearer ${page.developmentToken}` }) : '{}' };
}

/** Runs one operation of a tab with its editors' variables and headers, then hands values on as the page does. */
async function runOperation(tab: ServedExample, editors: { variables: string; headers: string }, operationName: string) {
  const variables = jsonObject(editors.variables) ?? {};
  const headers = jsonObject(editors.headers) as Record<string, string>;
  const res = await sendGraphQL(stack.gatewayUrl, { query: tab.query, operationName, variables }, { headers });
  expect(res.body.errors, `${operationName}: ${JSON.stringify(res.body.errors)}`).toBeUndefined();
  Object.assign(editors, chainedEditors(tab.chain ?? [], operationName, res.body, editors));
  return res.body.data!;
}

beforeAll(async () => {
  const developmentToken = developmentTokenIssuer({ development: true, jwtSecret: TEST_JWT_SECRET, issuer: undefined, audience: undefined });
  stack = await startSupergraph({ redis: true, gatewayRoutes: await createPlaygroundRoutes({ graphqlPath: '/graphql', developmentToken }) });
});
afterAll(async () => {
  await stack?.stop();
});

describe('the playground example tabs, as served', () => {
  it('names a live product in stock, looked up once and cached: later page views cost no subgraph fetch', async () => {
    stack.resetCounters();
    const first = await openPage();
    // One query through the supergraph: the products, then their stock.
    expect(stack.subgraphRequests).toEqual({ product: 1, inventory: 1 });
    const again = await openPage();
    await openPage();
    expect(stack.subgraphRequests).toEqual({ product: 1, inventory: 1 });

    const { variantId } = JSON.parse(tabRunning(first, 'ChangePrice').variables!) as { variantId: string };
    const [row] = await stack.sql<{ status: string; available: number; slug: string; product_id: string }>(
      `SELECT p.status::text, p.slug, p.id::text AS product_id, (SELECT sum(s.on_hand - s.reserved)::int FROM inventory.stock_level s WHERE s.sku = v.sku) AS available
         FROM catalog.product_variant v JOIN catalog.product p ON p.id = v.product_id WHERE v.id = $1::uuid`,
      variantId,
    );
    expect(row).toMatchObject({ status: 'ACTIVE', available: expect.any(Number) });
    expect(row!.available).toBeGreaterThan(0);
    expect(JSON.parse(tabRunning(first, 'ProductPage').variables!)).toEqual({ slug: row!.slug });
    expect(JSON.parse(tabRunning(first, 'LiveStock').variables!)).toEqual({ ids: [row!.product_id] });
    // Nothing is left to paste, and no tab says the catalog is empty.
    for (const tab of first.exampleOperations) {
      expect(tab.note, tab.name).toBeUndefined();
      expect(`${tab.query}\n${tab.variables ?? ''}`, tab.name).not.toMatch(/paste|from-the-|no-product-in-stock/i);
    }
    // Each view has its own account address and checkout key around the same cached product.
    const cart = (page: PlaygroundPageConfig) => JSON.parse(tabRunning(page, 'Checkout').variables!) as { email: string; key: string; variantId: string };
    expect(cart(again).variantId).toBe(variantId);
    expect(cart(again).email).not.toBe(cart(first).email);
    expect(cart(again).key).not.toBe(cart(first).key);
  });

  it('runs every operation of every tab with no error: subscriptions hear the cart and the price change', async () => {
    const page = await openPage();
    expect(page.developmentToken).toMatch(/^eyJ/);
    const ran: string[] = [];
    const subscriptions: Feed[] = [];
    const client = liveClient(stack.gatewayUrl);
    try {
      // Subscription tabs first, as a visitor would open them beside the others.
      for (const tab of page.exampleOperations.filter((t) => operationsOf(t).some((o) => o.operation === OperationTypeNode.SUBSCRIPTION))) {
        expect(operationsOf(tab)).toHaveLength(1);
        subscriptions.push(new Feed(client, tab.query, jsonObject(tab.variables ?? '')));
        ran.push(operationsOf(tab)[0]!.name!.value);
      }
      await eventually(() => stack.gateway.live.hub.size === subscriptions.length, 'the subscriptions to start');

      const answers: Record<string, any> = {};
      for (const tab of page.exampleOperations) {
        const editors = editorsOf(page, tab);
        for (const operation of operationsOf(tab).filter((o) => o.operation !== OperationTypeNode.SUBSCRIPTION)) {
          const name = operation.name!.value;
          answers[name] = await runOperation(tab, editors, name);
          ran.push(name);
        }
      }
      expect(ran.sort()).toEqual(
        ['AddItem', 'BrowseCategory', 'ChangePrice', 'Checkout', 'CreateCart', 'ForMe', 'LivePrices', 'LiveStock', 'ProductPage', 'Recommendations', 'Register', 'Search', 'SignIn', 'Trending'].sort(),
      );

      // What they answered: the served product, a guest cart merged at sign-in and paid for.
      const { variantId } = JSON.parse(tabRunning(page, 'Checkout').variables!) as { variantId: string };
      const [variant] = await stack.sql<{ sku: string }>(`SELECT sku FROM catalog.product_variant WHERE id = $1::uuid`, variantId);
      expect(answers.BrowseCategory.category.products.edges.length).toBeGreaterThan(0);
      expect(answers.ProductPage.product.variants.map((v: { sku: string }) => v.sku)).toContain(variant!.sku);
      expect(answers.CreateCart.createCart.token).toEqual(expect.any(String)); // a guest's cart
      expect(answers.AddItem.addCartItem.items).toMatchObject([{ sku: variant!.sku, quantity: 1 }]);
      expect(answers.SignIn.signIn.cartMerge).toMatchObject({ status: 'MERGED', cartId: expect.any(String) });
      expect(answers.Checkout.checkout).toMatchObject({ status: 'CONFIRMED', lines: [{ sku: variant!.sku, quantity: 1 }] });
      expect(answers.Checkout.checkout.total.amount).toBe(answers.AddItem.addCartItem.totals.grandTotal.amount);
      expect(Array.isArray(answers.ForMe.recommendedForMe)).toBe(true);
      expect(answers.ChangePrice.setPrice).toMatchObject({ sku: variant!.sku, price: { amount: '19.99' } });

      // The live tabs heard the cart's hold (stock) and the admin's change (price) on their product.
      const [stock, prices] = subscriptions;
      expect((await stock!.result(1, 'a stock event')).data!.stockChanged).toMatchObject({ sku: variant!.sku });
      expect((await prices!.result(1, 'a price event')).data!.priceChanged).toMatchObject({ sku: variant!.sku, newPrice: { amount: '19.99' } });
      for (const feed of subscriptions) expect(feed.results.flatMap((r) => r.errors ?? [])).toEqual([]);
    } finally {
      for (const feed of subscriptions) feed.stop();
      await client.dispose();
    }
  });

  it('the cart tab runs again on the same page: CreateCart makes a new checkout key, so the second order is a new one', async () => {
    const page = await openPage();
    const tab = tabRunning(page, 'Checkout');
    const editors = editorsOf(page, tab);
    for (const name of ['CreateCart', 'AddItem', 'Register', 'SignIn', 'Checkout']) await runOperation(tab, editors, name);
    const firstKey = (jsonObject(editors.variables) as { key: string }).key;
    // Signed in now (the tab's Authorization header): the customer's own cart, no guest token.
    const created = await runOperation(tab, editors, 'CreateCart');
    expect(created.createCart.token).toBeNull();
    expect((jsonObject(editors.variables) as { cartId: string }).cartId).toBe(created.createCart.cart.id);
    await runOperation(tab, editors, 'AddItem');
    const second = await runOperation(tab, editors, 'Checkout');
    expect((jsonObject(editors.variables) as { key: string }).key).not.toBe(firstKey);
    expect(second.checkout.status).toBe('CONFIRMED');
    const orders = await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ordering."order" WHERE idempotency_key LIKE 'playground-checkout-%'`);
    expect(orders[0]!.n).toBe(3); // the earlier test's, and this tab's two
  });
});
