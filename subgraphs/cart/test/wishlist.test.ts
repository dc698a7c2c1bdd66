import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { PriceBook } from '../src/services/priceBook.js';
import { MAX_WISHLIST_ITEMS } from '../src/services/wishlistService.js';
import { createCartSubgraph } from '../src/server.js';

const subgraph = useTestSubgraph(createCartSubgraph);
const { gqlAs, gql, sql } = subgraph;

const ADD = `mutation($v: ID!) { addToWishlist(variantId: $v) { id sku priceWhenSaved { amount currency } currentPrice { amount } priceDropped priceDrop { amount } variant { id } product { id } } }`;
const REMOVE = `mutation($v: ID!) { removeFromWishlist(variantId: $v) }`;
const LIST = `query($first: Int, $after: String) { wishlist(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { sku variant { id } priceWhenSaved { amount } currentPrice { amount } priceDropped priceDrop { amount } } } } }`;

interface Variant {
  id: string;
  productId: string;
  sku: string;
  price: string;
}
let variants: Variant[];

/** Sets the cart's projected price of a variant (what product.price_changed would bring). */
const project = (v: Variant, price: string) =>
  sql(
    `INSERT INTO cart.price (variant_id, product_id, sku, price, currency) VALUES ($1::uuid, $2::uuid, $3, $4::numeric, 'USD')
     ON CONFLICT (variant_id) DO UPDATE SET price = excluded.price`,
    v.id,
    v.productId,
    v.sku,
    price,
  );

const priceEvent = (v: Variant, oldPrice: string, newPrice: string, id = randomUUID()) => ({
  id,
  payload: { productId: v.productId, variantId: v.id, sku: v.sku, currency: 'USD', oldPrice, newPrice },
});

const drops = (variantId: string) =>
  sql<{ customerId: string; oldPrice: string; newPrice: string; priceWhenSaved: string }>(
    `SELECT payload->>'customerId' AS "customerId", payload->>'oldPrice' AS "oldPrice", payload->>'newPrice' AS "newPrice", payload->>'priceWhenSaved' AS "priceWhenSaved"
     FROM cart.outbox_event WHERE topic = 'wishlist.price_dropped' AND payload->>'variantId' = $1 ORDER BY position`,
    variantId,
  );

beforeAll(async () => {
  variants = await sql<Variant>(
    `SELECT id::text, product_id::text AS "productId", sku, '20.00' AS price FROM catalog.product_variant WHERE currency = 'USD' ORDER BY sku LIMIT 5`,
  );
  // The projection knows these variants, so no call goes to the product subgraph.
  for (const v of variants) await project(v, v.price);
});

describe('wishlist', () => {
  it('saves a variant at its current price, once however often it is added', async () => {
    const me = testIdentities.customer(`c-${randomUUID()}`);
    const [v] = variants as [Variant];
    const first = await gqlAs(me, ADD, { v: v.id });
    expect(first.errors).toBeUndefined();
    expect(first.data!.addToWishlist).toMatchObject({
      sku: v.sku,
      priceWhenSaved: { amount: '20.00', currency: 'USD' },
      currentPrice: { amount: '20.00' },
      priceDropped: false,
      priceDrop: null,
      variant: { id: v.id },
      product: { id: v.productId },
    });
    const again = await Promise.all([gqlAs(me, ADD, { v: v.id }), gqlAs(me, ADD, { v: v.id })]);
    expect(again.map((r) => r.data!.addToWishlist.id)).toEqual([first.data!.addToWishlist.id, first.data!.addToWishlist.id]);
    expect(await sql(`SELECT 1 FROM cart.wishlist_item WHERE customer_id = $1`, me.subject)).toHaveLength(1);
  });

  it('is only for signed-in customers, each seeing their own', async () => {
    const [v] = variants as [Variant];
    expect((await gql(ADD, { v: v.id })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(LIST)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const a = testIdentities.customer(`a-${randomUUID()}`);
    const b = testIdentities.customer(`b-${randomUUID()}`);
    await gqlAs(a, ADD, { v: v.id });
    expect((await gqlAs(b, LIST)).data!.wishlist).toMatchObject({ totalCount: 0, edges: [] });
    expect((await gqlAs(b, REMOVE, { v: v.id })).data!.removeFromWishlist).toBe(false);
    expect((await gqlAs(a, LIST)).data!.wishlist.totalCount).toBe(1);
  });

  it('refuses a malformed variant id before any SQL', async () => {
    const me = testIdentities.customer(`c-${randomUUID()}`);
    subgraph.database.queries.reset();
    const res = await gqlAs(me, ADD, { v: 'not-a-uuid' });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variantId' });
    expect(subgraph.database.queries.count).toBe(0);
  });

  it('holds at most MAX_WISHLIST_ITEMS items', async () => {
    const me = testIdentities.customer(`full-${randomUUID()}`);
    await sql(
      `INSERT INTO cart.wishlist_item (customer_id, product_id, variant_id, sku, price_when_saved, currency)
       SELECT $1, gen_random_uuid(), gen_random_uuid(), 'SKU-FILL-' || n, 1, 'USD' FROM generate_series(1, $2::int) n`,
      me.subject,
      MAX_WISHLIST_ITEMS,
    );
    const res = await gqlAs(me, ADD, { v: variants[0]!.id });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variantId' });
    expect(await sql(`SELECT 1 FROM cart.wishlist_item WHERE customer_id = $1`, me.subject)).toHaveLength(MAX_WISHLIST_ITEMS);
  });

  it('pages newest first and removes items; the cached list follows every write', async () => {
    const me = testIdentities.customer(`c-${randomUUID()}`);
    const listed = variants.slice(0, 4);
    for (const v of listed) await gqlAs(me, ADD, { v: v.id });
    const page1 = (await gqlAs(me, LIST, { first: 3 })).data!.wishlist;
    expect(page1.totalCount).toBe(4);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await gqlAs(me, LIST, { first: 3, after: page1.pageInfo.endCursor })).data!.wishlist;
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const order = [...page1.edges, ...page2.edges].map((e: { node: { variant: { id: string } } }) => e.node.variant.id);
    expect(order).toEqual(listed.map((v) => v.id).reverse());

    expect((await gqlAs(me, REMOVE, { v: variants[1]!.id })).data!.removeFromWishlist).toBe(true);
    expect((await gqlAs(me, REMOVE, { v: variants[1]!.id })).data!.removeFromWishlist).toBe(false);
    expect((await gqlAs(me, LIST)).data!.wishlist.totalCount).toBe(3);
    expect((await gqlAs(me, LIST, { after: 'bogus' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('price drops on saved variants (the price projection consumer)', () => {
  const book = () => new PriceBook(subgraph.running.deps.database.prisma, subgraph.running.deps.internal);

  it('records one wishlist.price_dropped per saver whose saved price the new one undercuts, once per event', async () => {
    // A variant nobody else in this file saves.
    const v = variants[4]!;
    await project(v, '20.00');
    const savers = [`s-${randomUUID()}`, `s-${randomUUID()}`].sort();
    for (const s of savers) await gqlAs(testIdentities.customer(s), ADD, { v: v.id });
    // Another customer saved it when it was cheaper: a drop to 18.00 is not below their price.
    const cheap = `cheap-${randomUUID()}`;
    await project(v, '15.00');
    await gqlAs(testIdentities.customer(cheap), ADD, { v: v.id });
    await project(v, '20.00');
    const before = (await drops(v.id)).length;

    const event = priceEvent(v, '20.00', '18.00');
    // The same event delivered twice, even at once: its drops are recorded once.
    const applied = await Promise.all([book().onPriceChanged(event), book().onPriceChanged(event)]);
    expect(applied.sort()).toEqual([0, 2]);
    expect(await book().onPriceChanged(event)).toBe(0);
    const recorded = (await drops(v.id)).slice(before);
    expect(recorded).toEqual(savers.map((customerId) => ({ customerId, oldPrice: '20.00', newPrice: '18.00', priceWhenSaved: '20.00' })));

    // The wishlist shows the drop and its amount.
    const item = (await gqlAs(testIdentities.customer(savers[0]), LIST)).data!.wishlist.edges[0].node;
    expect(item).toMatchObject({ priceWhenSaved: { amount: '20.00' }, currentPrice: { amount: '18.00' }, priceDropped: true, priceDrop: { amount: '2.00' } });

    // A rise records nothing; a further drop is a new drop (now also below the cheap saver's price).
    expect(await book().onPriceChanged(priceEvent(v, '18.00', '19.00'))).toBe(0);
    expect(await book().onPriceChanged(priceEvent(v, '19.00', '14.50'))).toBe(3);
    expect((await drops(v.id)).length).toBe(before + 5);
    await project(v, '20.00');
  });

  it('forgets processed event ids only after the dedupe window', async () => {
    const [old, recent] = [randomUUID(), randomUUID()];
    await sql(
      `INSERT INTO cart.processed_event (event_id, topic, processed_at) VALUES ($1::uuid, 't', now() - interval '31 days'), ($2::uuid, 't', now() - interval '29 days')`,
      old,
      recent,
    );
    expect(await book().pruneProcessedEvents()).toBeGreaterThanOrEqual(1);
    const left = await sql<{ id: string }>(`SELECT event_id::text AS id FROM cart.processed_event WHERE event_id IN ($1::uuid, $2::uuid)`, old, recent);
    expect(left).toEqual([{ id: recent }]);
  });
});
