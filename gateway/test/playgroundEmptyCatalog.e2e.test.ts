import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendGraphQL } from '@shopgraph/kit/testing';
import { EXAMPLE_OPERATIONS } from '../src/playground/exampleOperations.js';
import { lookupExampleProduct } from '../src/playground/exampleValues.js';
import { createPlaygroundRoutes } from '../src/playground/playgroundRoutes.js';
import { playgroundConfigOf } from './playgroundPage.js';
import { startSupergraph, type RunningSupergraph } from './supergraphHarness.js';

/**
 * The playground over a catalog with no product (its rows emptied before any request, so no
 * cache holds one): the page loads, each tab that needs a product says why its ids find
 * nothing, and the tabs that need none still answer.
 */
let stack: RunningSupergraph;

beforeAll(async () => {
  stack = await startSupergraph({ gatewayRoutes: await createPlaygroundRoutes({ graphqlPath: '/graphql' }) });
  await stack.databases.product.prisma.$executeRawUnsafe('TRUNCATE catalog.product CASCADE');
});
afterAll(async () => {
  await stack?.stop();
});

describe('the playground with no product in the catalog', () => {
  it('loads, and each tab that needs a product says so above its query', async () => {
    const res = await fetch(new URL('/', stack.gatewayUrl));
    expect(res.status).toBe(200);
    const html = await res.text();
    const tabs = playgroundConfigOf(html)!.exampleOperations;
    expect(tabs.map((t) => t.name)).toEqual(EXAMPLE_OPERATIONS.map((e) => e.name));
    for (const [i, tab] of tabs.entries()) {
      expect(tab.query, tab.name).toBe(EXAMPLE_OPERATIONS[i]!.query);
      if (EXAMPLE_OPERATIONS[i]!.needsProduct) expect(tab.note, tab.name).toMatch(/^# The playground found no product in stock to fill this tab's ids with .*npm run seed/s);
      else expect(tab.note, tab.name).toBeUndefined();
    }

    // Because the catalog answered "none", not because the lookup failed.
    await expect(lookupExampleProduct(stack.gatewayUrl)).resolves.toBeNull();

    // The tabs that need no product run as served, and answer that there is nothing.
    const browse = tabs.find((t) => t.query.includes('query BrowseCategory'))!;
    const browsed = await sendGraphQL(stack.gatewayUrl, { query: browse.query, variables: JSON.parse(browse.variables!) as unknown });
    expect(browsed.body.errors).toBeUndefined();
    expect(browsed.body.data!.category.products.totalCount).toBe(0);
    const search = tabs.find((t) => t.query.includes('query Search'))!;
    const found = await sendGraphQL(stack.gatewayUrl, { query: search.query, variables: JSON.parse(search.variables!) as unknown });
    expect(found.body.errors).toBeUndefined();
    expect(found.body.data!.search.totalCount).toBe(0);
  });
});
