import { tokenKey } from '../../subgraphs/cart/src/caches.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { createEventBus, createLogger, createServiceMetrics, recordEvents, type EventBus } from '@shopgraph/kit';
import { eventually } from '@shopgraph/kit/testing';
import { createCatalogCaches } from '../../subgraphs/product/src/caches.js';
import { PricingService } from '../../subgraphs/product/src/services/pricingService.js';
import { Feed, liveClient, liveUrl } from './liveClient.js';
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
  let product: { id: string; variantId: string; name: string; sku: string };
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
    const [row] = await stack.sql<{ id: string; variant_id: string; name: string; sku: string }>(
      `SELECT p.id::text, v.id::text AS variant_id, p.name, v.sku FROM catalog.product p JOIN catalog.product_variant v ON v.product_id = p.id
       WHERE p.status = 'ACTIVE' ORDER BY p.created_at, v.position LIMIT 1`,
    );
    product = { id: row!.id, variantId: row!.variant_id, name: row!.name, sku: row!.sku };
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

  it('lets only the owner or an admin watch an order; the owner hears its status change', async () => {
    const [order] = await stack.sql<{ id: string; customer_id: string; status: string }>(
      `SELECT id::text, customer_id::text, status::text FROM ordering."order" WHERE status = 'CONFIRMED' ORDER BY placed_at DESC LIMIT 1`,
    );
    const query = `subscription($id: ID!) { orderStatusChanged(orderId: $id) { orderId status previousStatus order { id status } } }`;
    const codeOf = async (token: string | undefined) => ((await new Feed(client(token), query, { id: order!.id }).refusal()) as { extensions: { code: string } }[])[0]!.extensions.code;
    expect(await codeOf(undefined)).toBe('UNAUTHENTICATED');
    expect(await codeOf(await testToken('CUSTOMER', { subject: randomUUID() }))).toBe('FORBIDDEN');
    expect(await codeOf(await testToken('ADMIN', { subject: randomUUID(), scopes: ['catalog'] }))).toBe('FORBIDDEN');
    expect(subscribers()).toBe(0);

    const owner = new Feed(client(await testToken('CUSTOMER', { subject: order!.customer_id })), query, { id: order!.id });
    const admin = new Feed(client(await testToken('ADMIN', { scopes: ['orders'] })), query, { id: order!.id });
    await eventually(() => subscribers() === 2, 'the owner and the admin to be admitted');
    // The order subgraph's write, as its status change runs it: the row and its event in one transaction.
    await stack.databases.order.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE ordering."order" SET status = 'SHIPPED' WHERE id = ${order!.id}::uuid`;
      await recordEvents(tx, 'ordering', [
        { topic: 'order.status_changed', payload: { orderId: order!.id, customerId: order!.customer_id, status: 'SHIPPED', previousStatus: 'CONFIRMED' } },
      ]);
    });
    for (const feed of [owner, admin]) {
      // The order itself is read for each subscriber, fresh: it shows the status the event announced.
      expect((await feed.result(1)).data).toEqual({
        orderStatusChanged: { orderId: order!.id, status: 'SHIPPED', previousStatus: 'CONFIRMED', order: { id: order!.id, status: 'SHIPPED' } },
      });
      feed.stop();
    }
    await eventually(() => subscribers() === 0, 'the subscriptions to end');
  });

  it('lets only a cart’s holder watch it, with the cart read through the supergraph', async () => {
    const prisma = stack.databases.cart.prisma;
    const customer = randomUUID();
    const expiresAt = new Date(Date.now() + 86_400_000);
    // Carts keep only a hash of their token (the token is the credential).
    const guestToken = `guest-${randomUUID()}`;
    const guest = { ...(await prisma.cart.create({ data: { tokenHash: tokenKey(guestToken), currency: 'USD', expiresAt } })), token: guestToken };
    const owned = await prisma.cart.create({ data: { customerId: customer, currency: 'USD', expiresAt } });
    const query = `subscription($cartId: ID!, $cartToken: String) { cartChanged(cartId: $cartId, cartToken: $cartToken) {
      cartId change cart { id totalQuantity items { quantity variant { sku product { name } } } } } }`;
    const codeOf = async (token: string | undefined, variables: { cartId: string; cartToken?: string }) =>
      ((await new Feed(client(token), query, variables).refusal()) as { extensions: { code: string } }[])[0]!.extensions.code;
    expect(await codeOf(undefined, { cartId: owned.id })).toBe('UNAUTHENTICATED');
    expect(await codeOf(await testToken('CUSTOMER', { subject: randomUUID() }), { cartId: owned.id })).toBe('FORBIDDEN');
    expect(await codeOf(undefined, { cartId: guest.id })).toBe('FORBIDDEN');
    expect(await codeOf(undefined, { cartId: guest.id, cartToken: 'not-its-token' })).toBe('FORBIDDEN');
    expect(await codeOf(undefined, { cartId: randomUUID() })).toBe('NOT_FOUND');

    const guestFeed = new Feed(client(), query, { cartId: guest.id, cartToken: guest.token });
    // A signed-in customer's cart has no token: their identity is what opens it.
    const ownerFeed = new Feed(client(await testToken('CUSTOMER', { subject: customer })), query, { cartId: owned.id });
    await eventually(() => subscribers() === 2, 'both holders to be admitted');
    // The cart subgraph's write: an item and its event in one transaction.
    await prisma.$transaction(async (tx) => {
      await tx.cartItem.create({ data: { cartId: guest.id, variantId: product.variantId, productId: product.id, sku: product.sku, quantity: 2, unitPriceAtAdd: '10.00' } });
      await recordEvents(tx, 'cart', [{ topic: 'cart.changed', payload: { cartId: guest.id, customerId: null, change: 'item_added' } }]);
    });
    const { data } = await guestFeed.result(1);
    expect(data.cartChanged).toMatchObject({ cartId: guest.id, change: 'ITEM_ADDED', cart: { id: guest.id, totalQuantity: 2 } });
    expect(data.cartChanged.cart.items[0].variant.product.name).toBe(product.name);
    // The other cart's holder heard nothing of it: its next result is its own cart's change.
    await prisma.$transaction(async (tx) => {
      await recordEvents(tx, 'cart', [{ topic: 'cart.changed', payload: { cartId: owned.id, customerId: customer, change: 'coupon' } }]);
    });
    expect((await ownerFeed.result(1)).data.cartChanged).toMatchObject({ cartId: owned.id, change: 'COUPON', cart: { id: owned.id, totalQuantity: 0 } });
    for (const feed of [guestFeed, ownerFeed]) feed.stop();
    await eventually(() => subscribers() === 0, 'the subscriptions to end');
  });

  it('bounds the subscriptions of one connection', async () => {
    const second = await stack.startGateway({ live: { maxSubscriptionsPerConnection: 2 } });
    const c = client(undefined, second.url);
    const feeds = [1, 2].map(() => new Feed(c, PRICE_FEED, { ids: [product.id] }));
    await eventually(() => subscribers(second.gateway) === 2, 'two subscriptions');
    const third = (await new Feed(c, PRICE_FEED, { ids: [product.id] }).refusal()) as { extensions: { code: string; limit: number } }[];
    expect(third[0]!.extensions).toEqual({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: 2 });
    // Another connection has its own bound; an ended subscription frees its place.
    new Feed(client(undefined, second.url), PRICE_FEED, { ids: [product.id] });
    feeds[0]!.stop();
    new Feed(c, PRICE_FEED, { ids: [product.id] });
    await eventually(() => subscribers(second.gateway) === 3, 'a subscription in the freed place and one on another connection');
    await second.gateway.stop();
  });

  it('refuses a bad token at connection_init, and queries over the socket', async () => {
    let closed: number | undefined;
    const c = liveClient(stack.gatewayUrl, 'not-a-token', { onClose: (code) => (closed = code) });
    clients.push(c);
    new Feed(c, PRICE_FEED, { ids: [product.id] });
    await eventually(() => closed !== undefined, 'the connection to be closed');
    expect(closed).toBe(4401);
    const query = (await new Feed(client(), `{ product(id: "${product.id}") { name } }`).refusal()) as { extensions: { code: string } }[];
    expect(query[0]!.extensions.code).toBe('BAD_REQUEST');
    const tooMany = (await new Feed(client(), `subscription { priceChanged(productIds: []) { productId } }`).refusal()) as { extensions: { code: string } }[];
    expect(tooMany[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('completes every subscription when the gateway stops', async () => {
    const second = await stack.startGateway({});
    const c = client(undefined, second.url);
    const feeds = [1, 2].map(() => new Feed(c, PRICE_FEED, { ids: [product.id] }));
    await eventually(() => subscribers(second.gateway) === 2, 'two subscriptions');
    await second.gateway.stop();
    await eventually(() => feeds.every((f) => f.completed), 'both subscriptions to be completed');
    expect(feeds.map((f) => f.errors)).toEqual([undefined, undefined]);
  });

  it('drops a subscriber that stops reading, and keeps serving the others', async () => {
    const metrics = createServiceMetrics('gateway');
    const bus = createEventBus({ databaseUrl: stack.testDatabase.url, logger: createLogger('e2e', 'silent'), registry: metrics.registry });
    buses.push(bus);
    const second = await stack.startGateway({ events: bus, metrics, live: { maxQueuedEvents: 4, maxBufferedBytes: 16_384 } });
    await second.gateway.eventsReady;
    // Large results (some 10 kB): every event carries the product's description and variants many times over.
    const copies = [...Array.from({ length: 15 }, (_, i) => `d${i}: description`), ...Array.from({ length: 14 }, (_, i) => `v${i}: variants { id sku name price { amount currency } }`)];
    const big = `subscription($ids: [ID!]!) { priceChanged(productIds: $ids) { newPrice { amount } product { ${copies.join(' ')} } } }`;
    const healthy = new Feed(client(undefined, second.url), big, { ids: [product.id] });

    // A raw graphql-ws peer that subscribes, then never reads again.
    const slow = new WebSocket(liveUrl(second.url), 'graphql-transport-ws');
    await new Promise((resolve) => slow.once('open', resolve));
    slow.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    await new Promise((resolve) => slow.once('message', resolve));
    slow.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: big, variables: { ids: [product.id] } } }));
    await eventually(() => subscribers(second.gateway) === 2, 'both subscriptions');
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();

    const dropped = async () => (await metrics.registry.getSingleMetric('gateway_live_dropped_connections_total')!.get()).values.find((v) => v.labels.reason === 'slow_consumer')?.value ?? 0;
    // A bulk price import: many events committed at once, as a writer records them.
    const events = 800;
    const [variant] = await stack.sql<{ sku: string; currency: string }>(`SELECT sku, currency FROM catalog.product_variant WHERE id = $1::uuid`, product.variantId);
    await stack.databases.product.prisma.$transaction(async (tx) => {
      await recordEvents(
        tx,
        'catalog',
        Array.from({ length: events }, (_, i) => ({
          topic: 'product.price_changed' as const,
          payload: { productId: product.id, variantId: product.variantId, sku: variant!.sku, currency: variant!.currency, oldPrice: `${i}.00`, newPrice: `${i + 1}.00` },
        })),
      );
    });
    await eventually(async () => (await dropped()) === 1, 'the slow subscriber to be dropped', 60_000);
    await eventually(() => subscribers(second.gateway) === 1, 'the slow subscription to be gone');
    await eventually(() => healthy.results.length >= events, 'every event at the healthy subscriber', 60_000);
    expect(healthy.results.map((r) => r.data.priceChanged.newPrice.amount)).toEqual(Array.from({ length: events }, (_, i) => `${i + 1}.00`));
    slow.terminate();
    healthy.stop();
    await second.gateway.stop();
  }, 120_000);
});
