import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, type ServiceName } from '@shopgraph/kit';
import { captureLogger, eventually, sendGraphQL, type CapturedLogger } from '@shopgraph/kit/testing';
import { photoJpeg } from '../../subgraphs/product/test/imageFixtures.js';
import { Feed, liveClient } from './liveClient.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/**
 * Issue 9, observability, through the real gateway and subgraphs (Redis and PostgreSQL on
 * this machine): one request id from the gateway to every subgraph log, the event row and
 * its consumers; /ready per dependency; and /metrics after real traffic.
 */
let stack: RunningSupergraph;
let product: { id: string; variantId: string };
let adminToken: string;
const logs = {} as Record<ServiceName, CapturedLogger>;
const clients: { dispose(): Promise<void> | void }[] = [];

beforeAll(async () => {
  stack = await startSupergraph({ redis: true, logger: (service) => (logs[service] ??= captureLogger(service, 'debug')).logger });
  const [row] = await stack.sql<{ id: string; variant_id: string }>(
    `SELECT p.id::text, v.id::text AS variant_id FROM catalog.product p JOIN catalog.product_variant v ON v.product_id = p.id
      WHERE p.status = 'ACTIVE' ORDER BY v.sku LIMIT 1`,
  );
  product = { id: row!.id, variantId: row!.variant_id };
  adminToken = await testToken('ADMIN', { subject: 'admin-obs', scopes: ['catalog', 'inventory'] });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await stack?.stop();
});

const origin = () => new URL(stack.gatewayUrl).origin;
const serviceOrigin = (name: ServiceName) => (name === 'gateway' ? origin() : new URL(stack.subgraphUrls[name]).origin);
const SET_PRICE = `mutation ObsSetPrice($v: ID!, $price: Decimal!) { setPrice(variantId: $v, price: $price, reason: "observability e2e") { id } }`;

/** One JPEG of `width` x `height` uploaded to the product as the admin: the upload ticket, then the PUT (201), whose answer this is. */
async function uploadImage(width: number, height: number, headers: Record<string, string> = {}): Promise<Response> {
  const ticket = await sendGraphQL(
    stack.gatewayUrl,
    { query: `mutation ($productId: ID!) { createProductImageUpload(productId: $productId) { uploadUrl } }`, variables: { productId: product.id } },
    { headers: { authorization: `Bearer ${adminToken}` } },
  );
  expect(ticket.body.errors).toBeUndefined();
  const put = await fetch(`${origin()}${ticket.body.data!.createProductImageUpload.uploadUrl}`, {
    method: 'PUT',
    body: await photoJpeg(width, height),
    headers: { 'content-type': 'image/jpeg', ...headers },
  });
  expect(put.status).toBe(201);
  return put;
}

/** Prometheus text -> samples, each with its name, labels and value. */
async function scrape(name: ServiceName): Promise<Array<{ name: string; labels: Record<string, string>; value: number }>> {
  const text = await (await fetch(`${serviceOrigin(name)}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a Prometheus sample: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The sum of every sample of `metric` whose labels include `labels`. */
function total(samples: Awaited<ReturnType<typeof scrape>>, metric: string, labels: Record<string, string> = {}): number | undefined {
  const matching = samples.filter((s) => s.name === metric && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return matching.length === 0 ? undefined : matching.reduce((sum, s) => sum + s.value, 0);
}

describe('request id', () => {
  it('follows one admin mutation from the gateway to the product subgraph log, the outbox event and the consumers that handle it', async () => {
    const requestId = `obs-${randomUUID()}`;
    const res = await sendGraphQL(
      stack.gatewayUrl,
      { query: SET_PRICE, variables: { v: product.variantId, price: '77.10' } },
      { headers: { authorization: `Bearer ${adminToken}`, 'x-request-id': requestId } },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.headers.get('x-request-id')).toBe(requestId);

    // The gateway's and the product subgraph's line for the operation, from the request's own logger.
    expect(logs.gateway.withRequestId(requestId)).toContainEqual(expect.objectContaining({ service: 'gateway', msg: 'graphql operation', operation: 'ObsSetPrice' }));
    expect(logs.product.withRequestId(requestId)).toContainEqual(expect.objectContaining({ service: 'product', msg: 'graphql operation', type: 'mutation' }));
    // No subgraph the plan did not call ran an operation for it (their consumers may log the event, below).
    for (const name of ['cart', 'order'] as const) expect(logs[name].withRequestId(requestId).filter((l) => l.msg === 'graphql operation')).toEqual([]);

    // The event the mutation recorded carries it, in the outbox row and on the bus.
    const rows = await stack.sql<{ topic: string; request_id: string }>(`SELECT topic, request_id FROM catalog.outbox_event WHERE request_id = $1`, requestId);
    expect(rows.map((r) => r.topic)).toContain('product.price_changed');

    // Consumers that handled it say so with the same id: the gateway (response cache eviction, live updates) and the subgraphs' projections.
    const handled = () => Object.values(logs).flatMap((log) => log.withRequestId(requestId).filter((l) => l.msg === 'event handled'));
    await eventually(() => handled().some((l) => l.service === 'gateway' && l.topic === 'product.price_changed'), 'the gateway to log the event it handled');
    await eventually(() => handled().some((l) => l.service === 'cart' && l.subscription === 'cart-prices'), 'the cart price book to log the event it handled');
    expect(handled().every((l) => typeof l.eventId === 'string' && typeof l.subscription === 'string')).toBe(true);
  });

  it('carries an image upload\'s id through the pg-boss job into the event it records when the image is ready', async () => {
    const requestId = `obs-upload-${randomUUID()}`;
    const put = await uploadImage(320, 240, { 'x-request-id': requestId });
    expect(put.headers.get('x-request-id')).toBe(requestId);
    const imageId = ((await put.json()) as { image: { imageId: string } }).image.imageId;
    // Two events of this request: the upload accepted (PENDING), then the rendering job's (READY).
    const events = () => stack.sql<{ topic: string }>(`SELECT topic FROM catalog.outbox_event WHERE request_id = $1 ORDER BY position`, requestId);
    await eventually(async () => (await events()).length === 2, 'the rendering job to record its event with the upload\'s request id', 30_000);
    expect((await events()).map((e) => e.topic)).toEqual(['product.changed', 'product.changed']);
    // The job logs just after its commit (and the cache eviction that follows it).
    await eventually(() => logs.product.withRequestId(requestId).some((l) => l.msg === 'image rendered' && l.imageId === imageId), 'the job to log the render with the id');
  });

  it('makes one for a request without it, and replaces a malformed one, the same id in every hop', async () => {
    for (const header of [undefined, 'not a valid id; with spaces']) {
      const res = await sendGraphQL(stack.gatewayUrl, { query: `query ObsListing { products(first: 3) { edges { node { id name stock { available } } } } }` }, {
        headers: { authorization: `Bearer ${adminToken}`, ...(header && { 'x-request-id': header }) },
      });
      expect(res.body.errors).toBeUndefined();
      const requestId = res.headers.get('x-request-id')!;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(logs.gateway.withRequestId(requestId).length).toBeGreaterThan(0);
      expect(logs.product.withRequestId(requestId)).toContainEqual(expect.objectContaining({ msg: 'graphql operation' }));
      expect(logs.inventory.withRequestId(requestId)).toContainEqual(expect.objectContaining({ msg: 'graphql operation' }));
    }
  });
});

describe('/health and /ready', () => {
  it('every service is alive and names each dependency with its state', async () => {
    const expected: Record<ServiceName, string[]> = {
      gateway: [...SUBGRAPH_NAMES, 'redis', 'events', 'sessions'],
      product: ['postgres', 'redis', 'events', 'image-jobs'],
      inventory: ['postgres', 'redis', 'events'],
      cart: ['postgres', 'redis', 'events'],
      order: ['postgres', 'redis', 'events'],
      recommendation: ['postgres', 'redis', 'events'],
    };
    for (const [name, dependencies] of Object.entries(expected) as [ServiceName, string[]][]) {
      expect((await fetch(`${serviceOrigin(name)}/health`)).status, name).toBe(200);
      const ready = await fetch(`${serviceOrigin(name)}/ready`);
      const report = (await ready.json()) as { ready: boolean; checks: Record<string, { state: string; required: boolean }> };
      expect(ready.status, name).toBe(200);
      expect(Object.keys(report.checks).sort(), name).toEqual([...dependencies].sort());
      for (const dependency of dependencies) expect(report.checks[dependency], `${name}: ${dependency}`).toMatchObject({ state: 'up', required: true });
    }
  });

  it('answers 503 naming the dependency that is down', async () => {
    // A second gateway whose order subgraph is a port nothing listens on.
    const { url } = await stack.startGateway({ subgraphUrls: { ...stack.subgraphUrls, order: 'http://127.0.0.1:9/graphql' } });
    const ready = await fetch(new URL('/ready', url));
    expect(ready.status).toBe(503);
    const report = (await ready.json()) as { ready: boolean; checks: Record<string, { state: string; error?: string }> };
    expect(report.ready).toBe(false);
    expect(report.checks.order).toMatchObject({ state: 'down', error: expect.any(String) });
    expect(report.checks.product).toMatchObject({ state: 'up' });
  });
});

describe('/metrics after traffic through the gateway', () => {
  it('shows latency by operation, subgraph fetches, cache hit ratios, loader batches, subscriptions and connections, job queues and events', async () => {
    const LISTING = `query ObsStorefront { products(first: 20) { edges { node { id name variants { sku price { amount } } stock { available } } } } }`;
    // Anonymous twice: the second is the gateway's response cache hit. Signed in twice: the subgraphs' own caches.
    for (let i = 0; i < 2; i++) expect((await stack.gql(LISTING)).errors).toBeUndefined();
    for (let i = 0; i < 2; i++) expect((await stack.gql(LISTING, {}, { authorization: `Bearer ${adminToken}` })).errors).toBeUndefined();
    expect((await stack.gql(`query ObsBroken { noSuchField }`)).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    // A live subscription held open while scraping.
    const client = liveClient(stack.gatewayUrl);
    clients.push(client);
    const prices = new Feed(client, `subscription ObsPrices($ids: [ID!]!) { priceChanged(productIds: $ids) { productId product { name } } }`, { ids: [product.id] });
    await eventually(() => stack.gateway.live.hub.size >= 1, 'the subscription to be registered');
    const writeId = `obs-live-${randomUUID()}`;
    const headers = { authorization: `Bearer ${adminToken}`, 'x-request-id': writeId };
    expect((await sendGraphQL(stack.gatewayUrl, { query: SET_PRICE, variables: { v: product.variantId, price: '81.20' } }, { headers })).body.errors).toBeUndefined();
    expect((await prices.result(1)).data?.priceChanged.product.name).toEqual(expect.any(String));
    // The live update's read of the product goes out under the write's request id.
    expect(logs.gateway.withRequestId(writeId)).toContainEqual(expect.objectContaining({ msg: 'graphql operation', cause: 'live-update' }));
    expect(logs.product.withRequestId(writeId).filter((l) => l.msg === 'graphql operation' && l.type === 'query').length).toBeGreaterThan(0);

    // One image through the pg-boss queue.
    await uploadImage(400, 300);
    await eventually(async () => (total(await scrape('product'), 'jobs_completed_total', { queue: 'product-image-render' }) ?? 0) > 0, 'the image job to complete', 30_000);

    const gateway = await scrape('gateway');
    const positive: Array<[string, Record<string, string>]> = [
      ['graphql_operation_duration_seconds_count', { operation: 'ObsStorefront', outcome: 'ok' }],
      ['graphql_operation_duration_seconds_count', { operation: 'ObsSetPrice' }],
      ['graphql_operation_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' }],
      ['gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'product', outcome: 'ok' }],
      ['gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'inventory', outcome: 'ok' }],
      ['response_cache_requests_total', { result: 'hit' }],
      ['response_cache_hit_ratio', {}],
      ['gateway_live_subscriptions', {}],
      ['gateway_live_connections', {}],
      ['gateway_live_deliveries_total', {}],
      ['http_open_connections', {}],
      ['events_handled_total', {}],
      ['events_commit_to_receive_seconds_count', {}],
    ];
    for (const [metric, labels] of positive) expect(total(gateway, metric, labels), `gateway ${metric} ${JSON.stringify(labels)}`).toBeGreaterThan(0);

    const productMetrics = await scrape('product');
    const productPositive: Array<[string, Record<string, string>]> = [
      ['graphql_operation_duration_seconds_count', {}],
      ['graphql_operation_sql_queries_count', {}],
      ['dataloader_batch_size_count', {}],
      ['dataloader_batch_size_sum', {}],
      ['cache_lookups_total', { result: 'hit' }],
      ['cache_hit_ratio', { layer: 'l1' }],
      ['jobs_completed_total', { queue: 'product-image-render' }],
      ['events_published_total', { source: 'catalog' }],
      ['events_commit_to_publish_seconds_count', {}],
    ];
    for (const [metric, labels] of productPositive) expect(total(productMetrics, metric, labels), `product ${metric} ${JSON.stringify(labels)}`).toBeGreaterThan(0);
    // Present (at zero when nothing waits or failed): queue depth of the work and dead-letter queues, failures.
    for (const queue of ['product-image-render', 'product-image-render-failed']) {
      expect(total(productMetrics, 'jobs_queue_depth', { queue }), queue).toBeGreaterThanOrEqual(0);
      expect(total(productMetrics, 'jobs_failures_total', { queue }), queue).toBeGreaterThanOrEqual(0);
    }
    expect(total(productMetrics, 'events_outbox_pending', { source: 'catalog' })).toBeGreaterThanOrEqual(0);

    // Every subgraph the listing reached timed its operations and batched its loads.
    const inventory = await scrape('inventory');
    for (const metric of ['graphql_operation_duration_seconds_count', 'dataloader_batch_size_count', 'cache_lookups_total']) {
      expect(total(inventory, metric), `inventory ${metric}`).toBeGreaterThan(0);
    }
  });
});
