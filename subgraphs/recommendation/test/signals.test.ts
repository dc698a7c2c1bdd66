import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TOPICS, type EventPayload, type Identity } from '@shopgraph/kit';
import { testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createRecommendationParts, createRecommendationSubgraph } from '../src/server.js';
import { CONSUMED_TOPICS, handleRecommendationEvent } from '../src/services/eventSubscriptions.js';
import { VIEWS_PER_MINUTE } from '../src/services/viewLimiter.js';

const subgraph = useTestSubgraph(createRecommendationSubgraph);
const { gql, gqlAs, sql, one } = subgraph;
let signals: ReturnType<typeof createRecommendationParts>['services']['signals'];

const VIEW = `mutation($productId: ID!, $sessionId: String) { trackProductView(productId: $productId, sessionId: $sessionId) }`;
const event = (payload: unknown, occurredAt = new Date()) => ({ id: randomUUID(), occurredAt: occurredAt.toISOString(), payload });
const today = () => new Date().toISOString().slice(0, 10);
const dailyOf = (productId: string) =>
  one<{ views: number; cart_adds: number; purchases: number } | undefined>(
    `SELECT views, cart_adds, purchases FROM reco.product_daily_signal WHERE product_id = $1::uuid AND day = $2::date`,
    productId,
    today(),
  ).then((row) => row ?? { views: 0, cart_adds: 0, purchases: 0 });
const customerSignal = (customerId: string, productId: string) =>
  one<{ views: number; cart_adds: number; purchases: number; last_viewed_at: Date | null; last_purchased_at: Date | null } | undefined>(
    `SELECT views, cart_adds, purchases, last_viewed_at, last_purchased_at FROM reco.customer_product_signal WHERE customer_id = $1::uuid AND product_id = $2::uuid`,
    customerId,
    productId,
  );
const queued = async (kind: string, key: string) =>
  (await sql(`SELECT 1 FROM reco.refresh_queue WHERE kind = $1 AND key = $2::uuid`, kind, key)).length === 1;

let active: string[];
let inactive: string;

beforeAll(async () => {
  signals = createRecommendationParts(subgraph.running.deps).services.signals;
  active = (await sql<{ id: string }>(`SELECT product_id::text AS id FROM reco.product_facts WHERE active ORDER BY product_id`)).map((r) => r.id);
  inactive = (await one<{ id: string }>(`SELECT product_id::text AS id FROM reco.product_facts WHERE NOT active LIMIT 1`)).id;
});

describe('trackProductView', () => {
  it("counts a signed-in customer's view once per 30 minutes, in the day's counters and their history", async () => {
    const customer = randomUUID();
    const product = active[0]!;
    const before = await dailyOf(product);
    const first = await gqlAs(testIdentities.customer(customer), VIEW, { productId: product });
    expect(first.errors).toBeUndefined();
    expect(first.data).toEqual({ trackProductView: true });
    expect((await dailyOf(product)).views).toBe(before.views + 1);
    expect(await customerSignal(customer, product)).toMatchObject({ views: 1, purchases: 0, last_viewed_at: expect.any(Date) });
    expect(await queued('customer', customer)).toBe(true);

    expect((await gqlAs(testIdentities.customer(customer), VIEW, { productId: product })).data).toEqual({ trackProductView: false });
    expect((await dailyOf(product)).views).toBe(before.views + 1);
    expect((await customerSignal(customer, product))!.views).toBe(1);
  });

  it('counts anonymous views by the session the storefront keeps', async () => {
    const product = active[1]!;
    const before = await dailyOf(product);
    expect((await gql(VIEW, { productId: product, sessionId: 'visit-0001-abcd' })).data).toEqual({ trackProductView: true });
    expect((await gql(VIEW, { productId: product, sessionId: 'visit-0001-abcd' })).data).toEqual({ trackProductView: false });
    expect((await gql(VIEW, { productId: product, sessionId: 'visit-0002-abcd' })).data).toEqual({ trackProductView: true });
    expect((await dailyOf(product)).views).toBe(before.views + 2);
  });

  it('refuses bad input, naming the field, and changes nothing', async () => {
    const product = active[2]!;
    const before = await dailyOf(product);
    const cases: [Record<string, unknown>, Identity, string, string | undefined][] = [
      [{ productId: product }, testIdentities.anonymous, 'BAD_USER_INPUT', 'sessionId'],
      [{ productId: product, sessionId: 'short' }, testIdentities.anonymous, 'BAD_USER_INPUT', 'sessionId'],
      [{ productId: product, sessionId: 'has spaces in it' }, testIdentities.anonymous, 'BAD_USER_INPUT', 'sessionId'],
      [{ productId: 'not-a-uuid', sessionId: 'visit-0003-abcd' }, testIdentities.anonymous, 'BAD_USER_INPUT', 'productId'],
      [{ productId: randomUUID(), sessionId: 'visit-0003-abcd' }, testIdentities.anonymous, 'NOT_FOUND', 'productId'],
      [{ productId: inactive }, testIdentities.customer(randomUUID()), 'NOT_FOUND', 'productId'],
    ];
    for (const [variables, identity, code, field] of cases) {
      const res = await gqlAs(identity, VIEW, variables);
      expect(res.errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({ code, field });
    }
    expect(await dailyOf(product)).toEqual(before);
  });

  it(`answers RATE_LIMITED past ${VIEWS_PER_MINUTE} views a minute from one viewer`, async () => {
    const product = active[3]!;
    for (let i = 0; i < VIEWS_PER_MINUTE; i++) expect((await gql(VIEW, { productId: product, sessionId: 'busy-bot-session' })).errors).toBeUndefined();
    const refused = await gql(VIEW, { productId: product, sessionId: 'busy-bot-session' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    // Others are not affected.
    expect((await gql(VIEW, { productId: product, sessionId: 'quiet-visitor-1' })).data).toEqual({ trackProductView: true });
  });
});

describe('event consumers', () => {
  it('order.placed: logs the purchase, counts units once however often it is delivered, and queues the refresh', async () => {
    const customer = randomUUID();
    const [p, q] = [active[4]!, active[5]!];
    const before = await dailyOf(p);
    const placed = event({
      orderId: randomUUID(),
      customerId: customer,
      lines: [
        { productId: p, variantId: randomUUID(), quantity: 2, unitPrice: '19.99' },
        { productId: p, variantId: randomUUID(), quantity: 1, unitPrice: '21.99' },
        { productId: q, variantId: randomUUID(), quantity: 1, unitPrice: '5.00' },
      ],
    });
    expect(await signals.onOrderPlaced(placed)).toBe(true);
    expect(await signals.onOrderPlaced(placed)).toBe(false);
    expect((await dailyOf(p)).purchases).toBe(before.purchases + 3);
    expect(await sql(`SELECT product_id::text AS p, quantity FROM reco.purchase WHERE customer_id = $1::uuid ORDER BY quantity DESC`, customer)).toEqual([
      { p, quantity: 3 },
      { p: q, quantity: 1 },
    ]);
    expect(await customerSignal(customer, p)).toMatchObject({ purchases: 3, last_purchased_at: expect.any(Date) });
    for (const product of [p, q]) expect(await queued('product', product)).toBe(true);
    expect(await queued('customer', customer)).toBe(true);
  });

  it('order.status_changed to CANCELLED takes the purchases back out', async () => {
    const customer = randomUUID();
    const orderId = randomUUID();
    const p = active[6]!;
    const before = await dailyOf(p);
    await signals.onOrderPlaced(event({ orderId, customerId: customer, lines: [{ productId: p, variantId: randomUUID(), quantity: 4, unitPrice: '1.00' }] }));
    const cancelled = event({ orderId, status: 'CANCELLED' });
    expect(await signals.onOrderStatusChanged(cancelled)).toBe(true);
    expect(await signals.onOrderStatusChanged(cancelled)).toBe(false);
    expect((await dailyOf(p)).purchases).toBe(before.purchases);
    expect(await sql(`SELECT 1 FROM reco.purchase WHERE order_id = $1::uuid`, orderId)).toEqual([]);
    expect(await customerSignal(customer, p)).toMatchObject({ purchases: 0, last_purchased_at: null });
    // Other statuses leave purchases alone.
    const kept = randomUUID();
    await signals.onOrderPlaced(event({ orderId: kept, customerId: customer, lines: [{ productId: p, variantId: randomUUID(), quantity: 1, unitPrice: '1.00' }] }));
    await signals.onOrderStatusChanged(event({ orderId: kept, status: 'SHIPPED' }));
    expect(await sql(`SELECT quantity FROM reco.purchase WHERE order_id = $1::uuid`, kept)).toEqual([{ quantity: 1 }]);
    // A checkout whose payment failed was never a purchase either.
    await signals.onOrderStatusChanged(event({ orderId: kept, status: 'FAILED' }));
    expect(await sql(`SELECT 1 FROM reco.purchase WHERE order_id = $1::uuid`, kept)).toEqual([]);
  });

  it("cart.item_added: one cart add for the product, and for the customer's history when signed in", async () => {
    const customer = randomUUID();
    const p = active[7]!;
    const before = await dailyOf(p);
    await signals.onCartItemAdded(event({ cartId: 'cart-1', customerId: customer, productId: p, variantId: randomUUID(), quantity: 3 }));
    await signals.onCartItemAdded(event({ cartId: 'cart-2', customerId: null, productId: p, variantId: randomUUID(), quantity: 1 }));
    expect((await dailyOf(p)).cart_adds).toBe(before.cart_adds + 2);
    expect(await customerSignal(customer, p)).toMatchObject({ cart_adds: 1, views: 0 });
    // The registry allows any customer id (a cart keeps the token's subject): counted for the product, no customer history.
    const external = event({ cartId: 'cart-4', customerId: 'auth0|customer-9', productId: p, variantId: randomUUID(), quantity: 1 } satisfies EventPayload<'cart.item_added'>);
    expect(await signals.onCartItemAdded(external)).toBe(true);
    expect((await dailyOf(p)).cart_adds).toBe(before.cart_adds + 3);
  });

  it('product.changed: keeps the facts projection, ignores an older event, and archives without facts', async () => {
    const productId = randomUUID();
    const [leaf, department, root] = [randomUUID(), randomUUID(), randomUUID()];
    const facts = (price: string) => ({
      status: 'ACTIVE',
      categoryIds: [leaf, department, root],
      categoryNames: ['Serums', 'Skincare', 'Beauty'],
      categoryPath: 'beauty/skincare/serums',
      brandId: randomUUID(),
      minPrice: price,
      currency: 'USD',
      attributes: { volume: ['15ml', '30ml'], vegan: true },
    });
    const now = Date.now();
    expect(await signals.onProductChanged(event({ productId, change: 'created', product: facts('24.00') }, new Date(now)))).toBe(true);
    await signals.onProductChanged(event({ productId, change: 'edited', product: facts('99.00') }, new Date(now - 60_000)));
    await signals.onStockChanged(event({ productId, productAvailable: 12 }, new Date(now)));
    expect(
      await one(
        `SELECT category_id::text AS category, category_names AS names, price::text, price_band AS band, attributes, active, in_stock AS "inStock", consumable
         FROM reco.product_facts WHERE product_id = $1::uuid`,
        productId,
      ),
    ).toEqual({ category: leaf, names: ['Serums', 'Skincare', 'Beauty'], price: '24.00', band: 4, attributes: ['volume=15ml', 'volume=30ml', 'vegan=true'], active: true, inStock: true, consumable: true });
    // Stock said before facts, and stock events out of order: the newest wins.
    await signals.onStockChanged(event({ productId, productAvailable: 0 }, new Date(now - 1_000)));
    expect((await one<{ in_stock: boolean }>(`SELECT in_stock FROM reco.product_facts WHERE product_id = $1::uuid`, productId)).in_stock).toBe(true);
    await signals.onProductChanged(event({ productId, change: 'archived' }, new Date(now + 1_000)));
    expect((await one<{ active: boolean }>(`SELECT active FROM reco.product_facts WHERE product_id = $1::uuid`, productId)).active).toBe(false);
  });

  it("product.changed: accepts every kind of change the registry allows, with and without the snapshot, like the catalog's 'availability' flip", async () => {
    const kinds = EVENT_TOPICS['product.changed'].payload.shape.change.options;
    expect(kinds).toContain('availability');
    const productId = randomUUID();
    const snapshot = {
      status: 'ACTIVE',
      categoryIds: [randomUUID()],
      categoryNames: ['Serums'],
      categoryPath: 'serums',
      brandId: null,
      minPrice: null,
      currency: null,
      attributes: {},
    } satisfies EventPayload<'product.changed'>['product'];
    const start = Date.now();
    for (const [i, change] of kinds.entries()) {
      const bare = event({ productId, change } satisfies EventPayload<'product.changed'>, new Date(start + 2 * i * 1_000));
      expect(await signals.onProductChanged(bare), `${change} without a snapshot`).toBe(true);
      const full = event({ productId, change, product: snapshot } satisfies EventPayload<'product.changed'>, new Date(start + (2 * i + 1) * 1_000));
      expect(await signals.onProductChanged(full), `${change} with a snapshot`).toBe(true);
    }
    // The last one applied is 'availability' with the snapshot: the facts stand, active.
    expect(kinds.at(-1)).toBe('availability');
    expect(await one(`SELECT active, price, category_path AS path FROM reco.product_facts WHERE product_id = $1::uuid`, productId)).toEqual({ active: true, price: null, path: 'serums' });
  });

  it('dispatches bus events by topic to their consumer, and refuses a topic it does not consume', async () => {
    const p = active[9]!;
    const before = await dailyOf(p);
    const added = { ...event({ cartId: 'cart-3', customerId: null, productId: p, variantId: randomUUID(), quantity: 1 }), topic: 'cart.item_added' };
    expect(await handleRecommendationEvent(signals, added)).toBe(true);
    expect(await handleRecommendationEvent(signals, added)).toBe(false);
    expect((await dailyOf(p)).cart_adds).toBe(before.cart_adds + 1);
    await expect(handleRecommendationEvent(signals, { ...event({}), topic: 'product.price_changed' })).rejects.toThrow(/do not consume/);
    expect(CONSUMED_TOPICS).toContain('inventory.stock_changed');
  });

  it('a review summary lands in the facts; a malformed event throws and records nothing', async () => {
    const p = active[8]!;
    await signals.onRatingChanged(event({ productId: p, rating: '4.50', reviewCount: 12 }));
    expect(await one(`SELECT rating::text, rating_count AS count FROM reco.product_facts WHERE product_id = $1::uuid`, p)).toEqual({ rating: '4.50', count: 12 });
    const bad = event({ productId: p, rating: 'great', reviewCount: 1 });
    await expect(signals.onRatingChanged(bad)).rejects.toThrow();
    await expect(signals.onOrderPlaced(event({ orderId: randomUUID(), customerId: randomUUID(), lines: [] }))).rejects.toThrow();
    expect(await sql(`SELECT 1 FROM reco.processed_event WHERE event_id = $1::uuid`, bad.id)).toEqual([]);
  });
});
