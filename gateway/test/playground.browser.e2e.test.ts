import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@shopgraph/kit';
import { eventually, TEST_JWT_SECRET } from '@shopgraph/kit/testing';
import { developmentTokenIssuer } from '../src/playground/developmentToken.js';
import { createPlaygroundRoutes } from '../src/playground/playgroundRoutes.js';
import { startSupergraph, type RunningSupergraph } from './supergraphHarness.js';

/**
 * The playground in a real browser (Debian's Chromium through playwright-core) against the
 * real supergraph: a query and its result pane, a live stock subscription, and an admin's
 * stock change made in a second tab with the development token, arriving in the first tab.
 */
const CHROMIUM = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = path.join(REPO_ROOT, 'gateway', 'test', 'artifacts');
const SCREENSHOT = path.join(ARTIFACTS, 'playground.png');

let stack: RunningSupergraph;
let context: BrowserContext;
let profileDir: string;
let playgroundUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does), or set CHROMIUM_PATH. This test is never skipped.`);
  }
  const developmentToken = developmentTokenIssuer({ development: true, jwtSecret: TEST_JWT_SECRET, issuer: undefined, audience: undefined });
  stack = await startSupergraph({ redis: true, gatewayRoutes: await createPlaygroundRoutes({ graphqlPath: '/graphql', developmentToken }) });
  playgroundUrl = new URL('/', stack.gatewayUrl).toString();
  // A fresh profile per run: no tabs, headers or history left from an earlier one.
  profileDir = await mkdtemp(path.join(tmpdir(), 'shopgraph-playground-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 900 },
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
  await stack?.stop();
});

/** The page's CodeMirror 5 editors, reached the way GraphiQL itself holds them. */
type EditorName = 'query' | 'variables' | 'headers' | 'response';
const EDITOR_SELECTORS: Record<EditorName, string> = {
  query: '.graphiql-query-editor .CodeMirror',
  variables: '.graphiql-editor-tool .graphiql-editor:nth-of-type(1) .CodeMirror',
  headers: '.graphiql-editor-tool .graphiql-editor:nth-of-type(2) .CodeMirror',
  response: '.graphiql-response .CodeMirror',
};

function readEditor(page: Page, editor: EditorName): Promise<string> {
  return page.$eval(EDITOR_SELECTORS[editor], (el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
}

async function writeEditor(page: Page, editor: EditorName, text: string): Promise<void> {
  await page.$eval(EDITOR_SELECTORS[editor], (el, value) => (el as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(value), text);
}

/** Errors thrown in or logged by any page (a CSP refusal shows here). */
const problems: string[] = [];

async function openPlayground(): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  await page.goto(playgroundUrl);
  await page.locator('.graphiql-container').waitFor();
  await page.locator(EDITOR_SELECTORS.query).waitFor();
  // The schema explorer's data: GraphiQL introspects through the gateway on load.
  await page.locator('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]').click();
  await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().waitFor();
  expect(problems, 'errors in the page (a CSP refusal shows here)').toEqual([]);
  return page;
}

/**
 * GraphiQL runs the operation the query editor last parsed, a moment after each change (a
 * tab switch included): wait for it before pressing run.
 */
async function waitForOperation(page: Page, name: string): Promise<void> {
  await expect
    .poll(() => page.$eval(EDITOR_SELECTORS.query, (el) => (el as unknown as { CodeMirror: { operationName?: string | null } }).CodeMirror.operationName))
    .toBe(name);
}

async function selectTab(page: Page, operationName: string): Promise<void> {
  await page.locator('.graphiql-tab-button', { hasText: operationName }).first().click();
  await waitForOperation(page, operationName);
}

/** The response pane parsed, once it shows something. */
async function responseOf(page: Page): Promise<{ data?: any; errors?: any[] }> {
  let text = '';
  await expect.poll(async () => (text = await readEditor(page, 'response')), { timeout: 20_000 }).not.toBe('');
  return JSON.parse(text) as { data?: any; errors?: any[] };
}

describe('the playground in Chromium', () => {
  it('runs a query, a live stock subscription and an admin mutation from a second tab, and shows the event', async () => {
    const [category] = await stack.sql<{ name: string; products: number }>(
      `SELECT c.name, (SELECT count(*)::int FROM catalog.product p JOIN catalog.category pc ON pc.id = p.category_id
                        WHERE p.status = 'ACTIVE' AND (pc.path = c.path OR pc.path LIKE c.path || '/%')) AS products
         FROM catalog.category c WHERE c.path = 'women/dresses'`,
    );
    expect(category!.products).toBeGreaterThan(0);

    // 1. A query from the first example tab, and its answer in the result pane.
    const shopper = await openPlayground();
    await selectTab(shopper, 'BrowseCategory');
    expect(JSON.parse(await readEditor(shopper, 'variables'))).toEqual({ path: 'women/dresses' });
    await shopper.locator('.graphiql-execute-button').click();
    const browsed = await responseOf(shopper);
    expect(browsed.errors).toBeUndefined();
    expect(browsed.data.category.name).toBe(category!.name);
    expect(browsed.data.category.products.edges.length).toBeGreaterThan(0);

    // 2. The live stock tab as opened: the gateway filled in a product in stock; over graphql-ws from the page.
    await selectTab(shopper, 'LiveStock');
    const { ids } = JSON.parse(await readEditor(shopper, 'variables')) as { ids: string[] };
    const [product] = await stack.sql<{ id: string; name: string; sku: string }>(
      `SELECT p.id::text, p.name, min(v.sku) AS sku FROM catalog.product p JOIN catalog.product_variant v ON v.product_id = p.id WHERE p.id = $1::uuid AND p.status = 'ACTIVE' GROUP BY p.id`,
      ids[0],
    );
    expect(ids).toEqual([product!.id]);
    await shopper.locator('.graphiql-execute-button').click();
    await eventually(async () => {
      // A refused subscription shows its errors in the pane: fail with them rather than wait.
      const pane = await readEditor(shopper, 'response');
      if (pane.includes('"errors"')) throw new Error(`the subscription was refused: ${pane}`);
      return stack.gateway.live.hub.size === 1;
    }, 'the page to subscribe');

    // 3. A second tab: the development admin token in one click, then adjustStock.
    const admin = await openPlayground();
    await admin.locator('.playground-dev-token').click();
    const headers = JSON.parse(await readEditor(admin, 'headers')) as Record<string, string>;
    expect(headers.Authorization).toMatch(/^Bearer eyJ/);
    const [level] = await stack.sql<{ sku: string; warehouse: string; version: number; on_hand: number }>(
      `SELECT s.sku, w.code AS warehouse, s.version, s.on_hand FROM inventory.stock_level s JOIN inventory.warehouse w ON w.id = s.warehouse_id
        WHERE s.sku = $1 ORDER BY w.code LIMIT 1`,
      product!.sku,
    );
    await writeEditor(
      admin,
      'query',
      `mutation Restock($input: AdjustStockInput!) {\n  adjustStock(input: $input) { sku onHand available version }\n}`,
    );
    await writeEditor(
      admin,
      'variables',
      JSON.stringify({ input: { sku: level!.sku, warehouse: level!.warehouse, delta: 11, expectedVersion: level!.version, reason: 'playground browser test' } }),
    );
    await waitForOperation(admin, 'Restock');
    await admin.locator('.graphiql-execute-button').click();
    const restocked = await responseOf(admin);
    expect(restocked.errors).toBeUndefined();
    expect(restocked.data.adjustStock).toMatchObject({ sku: level!.sku, onHand: level!.on_hand + 11, version: level!.version + 1 });

    // 4. The event arrives in the first tab's result pane.
    await shopper.bringToFront();
    let event: any;
    await expect
      .poll(async () => {
        const text = await readEditor(shopper, 'response');
        event = text ? (JSON.parse(text) as { data?: any }).data?.stockChanged : undefined;
        return event?.reason;
      }, { timeout: 20_000 })
      .toBeDefined();
    const [after] = await stack.sql<{ available: number }>(
      `SELECT sum(s.on_hand - s.reserved)::int AS available FROM inventory.stock_level s JOIN inventory.inventory_item i ON i.sku = s.sku WHERE i.product_id = $1::uuid`,
      product!.id,
    );
    expect(event).toMatchObject({ sku: level!.sku, available: after!.available, product: { name: product!.name } });

    mkdirSync(ARTIFACTS, { recursive: true });
    await shopper.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);

    // GraphiQL runs one operation at a time: the execute button stops the subscription.
    await shopper.locator('.graphiql-execute-button').click();
    await eventually(() => stack.gateway.live.hub.size === 0, 'the page to unsubscribe');

    // Nothing went wrong in either page so far (GraphiQL logs the refusal below as an error).
    expect(problems, 'errors in the pages').toEqual([]);

    // 5. The headers editor's token reaches a subscription's connection_init, no reload needed:
    // an order's status is for its customer or an admin only.
    const [order] = await stack.sql<{ id: string }>(`SELECT id::text FROM ordering."order" ORDER BY placed_at LIMIT 1`);
    await writeEditor(shopper, 'query', 'subscription WatchOrder($id: ID!) {\n  orderStatusChanged(orderId: $id) { status }\n}');
    await writeEditor(shopper, 'variables', JSON.stringify({ id: order!.id }));
    await waitForOperation(shopper, 'WatchOrder');
    await shopper.locator('.graphiql-execute-button').click();
    await expect.poll(() => readEditor(shopper, 'response'), { timeout: 20_000 }).toContain('UNAUTHENTICATED');
    await shopper.locator('.playground-dev-token').click();
    await shopper.locator('.graphiql-execute-button').click();
    await eventually(async () => {
      const pane = await readEditor(shopper, 'response');
      if (pane.includes('"errors"') && !pane.includes('UNAUTHENTICATED')) throw new Error(`the admin subscription was refused: ${pane}`);
      return stack.gateway.live.hub.size === 1;
    }, "the admin's order subscription");
    await shopper.locator('.graphiql-execute-button').click();
    await eventually(() => stack.gateway.live.hub.size === 0, 'the page to unsubscribe');
  }, 120_000);

  it("runs the cart tab's six operations in order as opened: the page hands the cart's id, token and SignIn's access token on", async () => {
    problems.length = 0; // the test above ends on a refusal GraphiQL logs as an error, on purpose
    const page = await openPlayground();
    await selectTab(page, 'CreateCart');
    /** With several operations in the tab, the run button opens a menu of them, as a visitor sees it. */
    const run = async (operationName: string) => {
      const before = await readEditor(page, 'response');
      await page.locator('.graphiql-execute-button').click();
      await page.getByRole('menuitem', { name: operationName, exact: true }).click();
      await expect.poll(() => readEditor(page, 'response'), { timeout: 20_000 }).not.toBe(before);
      const answer = await responseOf(page);
      expect(answer.errors, `${operationName}: ${JSON.stringify(answer.errors)}`).toBeUndefined();
      return answer.data;
    };
    const variables = async () => JSON.parse(await readEditor(page, 'variables')) as Record<string, unknown>;
    expect(await variables()).toMatchObject({ cartId: 'set-by-CreateCart', cartToken: null, variantId: expect.any(String) });

    const created = await run('CreateCart');
    await expect.poll(variables).toMatchObject({ cartId: created.createCart.cart.id, cartToken: created.createCart.token, key: `playground-checkout-${created.createCart.cart.id}` });
    const added = await run('AddItem');
    expect(added.addCartItem.totalQuantity).toBe(1);
    await run('Register');
    const signedIn = await run('SignIn');
    expect(signedIn.signIn.cartMerge.status).toBe('MERGED');
    await expect.poll(async () => JSON.parse(await readEditor(page, 'headers')) as unknown).toEqual({ Authorization: `Bearer ${signedIn.signIn.accessToken}` });
    await expect.poll(variables).toMatchObject({ cartId: signedIn.signIn.cartMerge.cartId });
    const ordered = await run('Checkout');
    expect(ordered.checkout).toMatchObject({ status: 'CONFIRMED', lines: [{ quantity: 1 }] });
    expect(Array.isArray((await run('ForMe')).recommendedForMe)).toBe(true);
    expect(problems, 'errors in the page').toEqual([]);

    // A later visit opens the stored tabs, and the example ones start afresh with this page's
    // values: no expired customer token left in Headers, no spent cart, no tab added.
    const tabCount = await page.locator('.graphiql-tab').count();
    const { email } = await variables();
    await page.reload();
    await page.locator(EDITOR_SELECTORS.query).waitFor();
    await selectTab(page, 'CreateCart');
    await expect.poll(variables).toMatchObject({ cartId: 'set-by-CreateCart', cartToken: null });
    expect((await variables()).email).not.toBe(email);
    expect(await readEditor(page, 'headers')).toBe('');
    expect(await page.locator('.graphiql-tab').count()).toBe(tabCount);
    expect(problems, 'errors in the page').toEqual([]);
  }, 120_000);
});
