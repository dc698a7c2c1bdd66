import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, createLogger, createServiceMetrics, type EventBus } from '@shopgraph/kit';
import { eventually } from '@shopgraph/kit/testing';
import { createCatalogCaches } from '../../subgraphs/product/src/caches.js';
import { PricingService } from '../../subgraphs/product/src/services/pricingService.js';
import { Feed, liveClient } from './liveClient.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

const PRICE_FEED = `subscription Prices($ids: [ID!]!) {
  priceChanged(productIds: $ids) {
    productId
    newPrice { amount currency }
    product { name variants { id price { amount } } stock { available } unitsSold(days: 365) }
  }
}`;

describe('subscriptions through the gateway (graphql-ws)', () => {
  let stack: RunningSupergraph;
  let pricing: PricingService;
  let product: { id: string; variantId: string; name: string };
  const clients: { dispose(): Promise<void> | void }[] = [];
  const buses: EventBus[] = [];

  const client = (token?: string, url = stack.gatewayUrl) => {
    const c = liveClient(url, token);
    clients.push(c);
    return c;
  };
  let price = 10;
  /** A real write: the product subgraph's price service, as its admin mutation runs it. */
  const setPrice = async (variantId = product.variantId) => {
    price += 1;
    await pricing.setPrice({ subject: 'admin-1' }, { variantId, price: `${price}.00` });
    return `${price}.00`;
  };
  const priceOf = (data: any) => data.priceChanged.product.variants.find((v: { id: string }) => v.id === product.variantId)?.price.amount;
  const subscribers = (gateway = stack.gateway) => gateway.live.hub.size;

  beforeAll(async () => {
    stack = await startSupergraph({ responseCache: true });
    pricing = new PricingService(stack.databases.product.prisma, createCatalogCaches(stack.deps.product.caches));
    const [row] = await stack.sql<{ id: string; variant_id: string; name: string }>(
      `SELECT p.id::text, v.id::text AS variant_id, p.name FROM catalog.product p JOIN catalog.product_variant v ON v.product_id = p.id
       WHERE p.status = 'ACTIVE' ORDER BY p.created_at, v.position LIMIT 1`,
    );
    product = { id: row!.id, variantId: row!.variant_id, name: row!.name };
  });

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    for (const bus of buses) await bus.close();
    await stack?.stop();
  });

  it('delivers a committed price change with fields from three subgraphs, read fresh for the event', async () => {
    const feed = new Feed(client(), PRICE_FEED, { ids: [product.id] });
    await eventually(() => subscribers() === 1, 'the subscription to be registered');
    const amount = await setPrice();
    const { data, errors } = await feed.result(1);
    expect(errors).toBeUndefined();
    expect(data.priceChanged.productId).toBe(product.id);
    expect(data.priceChanged.newPrice).toEqual({ amount, currency: expect.any(String) });
    // product subgraph (name, price), inventory (stock), order (unitsSold)
    expect(data.priceChanged.product.name).toBe(product.name);
    expect(priceOf(data)).toBe(amount);
    expect(typeof data.priceChanged.product.stock.available).toBe('number');
    expect(typeof data.priceChanged.product.unitsSold).toBe('number');
    feed.stop();
    await eventually(() => subscribers() === 0, 'the subscription to end');
  });

  it('delivers one product’s events in commit order', async () => {
    const feed = new Feed(client(), PRICE_FEED, { ids: [product.id] });
    await eventually(() => subscribers() === 1, 'the subscription to be registered');
    const amounts = [await setPrice(), await setPrice(), await setPrice()];
    await feed.result(3);
    expect(feed.results.map((r) => r.data.priceChanged.newPrice.amount)).toEqual(amounts);
    // Each result was read after its own event committed (a later one may already show).
    feed.results.forEach((r, i) => expect(Number(priceOf(r.data))).toBeGreaterThanOrEqual(Number(amounts[i])));
    feed.stop();
    await eventually(() => subscribers() === 0, 'the subscription to end');
  });

  it('resolves one event once for every anonymous subscriber with the same selection', async () => {
    const completions = () => stack.gateway.metrics.registry.getSingleMetric('gateway_live_completions_total')!.get().then((m) => m.values[0]?.value ?? 0);
    const fetches = () => ({ ...stack.subgraphRequests });

    // One subscriber: the fetches one completion takes.
    const one = new Feed(client(), PRICE_FEED, { ids: [product.id] });
    await eventually(() => subscribers() === 1, 'one subscription');
    stack.resetCounters();
    const before = await completions();
    await setPrice();
    await one.result(1);
    const single = fetches();
    expect(await completions()).toBe(before + 1);
    expect(single.product).toBeGreaterThan(0);

    // Five more on other connections, same selection and variables: still one completion.
    const many = Array.from({ length: 5 }, () => new Feed(client(), PRICE_FEED, { ids: [product.id] }));
    await eventually(() => subscribers() === 6, 'six subscriptions');
    stack.resetCounters();
    await setPrice();
    for (const feed of [one, ...many]) await feed.result(feed === one ? 2 : 1);
    expect(fetches()).toEqual(single);
    expect(await completions()).toBe(before + 2);

    // A signed-in subscriber is completed as itself: one more completion.
    const personal = new Feed(client(await testToken('CUSTOMER', { subject: '00000000-0000-4000-8000-000000000001' })), PRICE_FEED, { ids: [product.id] });
    await eventually(() => subscribers() === 7, 'seven subscriptions');
    await setPrice();
    await personal.result(1);
    expect(await completions()).toBe(before + 4);
    for (const feed of [one, ...many, personal]) feed.stop();
    await eventually(() => subscribers() === 0, 'the subscriptions to end');
  });

  it('two gateway instances both deliver one event published once', async () => {
    const metrics = createServiceMetrics('gateway');
    const bus = createEventBus({ databaseUrl: stack.testDatabase.url, logger: createLogger('e2e', 'silent'), registry: metrics.registry });
    buses.push(bus);
    const second = await stack.startGateway({ events: bus, metrics });
    await second.gateway.eventsReady;
    const a = new Feed(client(), PRICE_FEED, { ids: [product.id] });
    const b = new Feed(client(undefined, second.url), PRICE_FEED, { ids: [product.id] });
    await eventually(() => subscribers() === 1 && subscribers(second.gateway) === 1, 'a subscription on each instance');
    const [{ n: outboxBefore }] = (await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.outbox_event WHERE topic = 'product.price_changed'`)) as [{ n: number }];
    const amount = await setPrice();
    expect((await a.result(1)).data.priceChanged.newPrice.amount).toBe(amount);
    expect((await b.result(1)).data.priceChanged.newPrice.amount).toBe(amount);
    const [{ n: outboxAfter }] = (await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.outbox_event WHERE topic = 'product.price_changed'`)) as [{ n: number }];
    expect(outboxAfter - outboxBefore).toBe(1);
    a.stop();
    b.stop();
    await eventually(() => subscribers() === 0 && subscribers(second.gateway) === 0, 'the subscriptions to end');
  });
});
