import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createProductSubgraph } from '../src/server.js';
import { reindexAll } from '../src/services/search/reindexAll.js';
import { activeProducts, startOrderEvents, type OrderEvents } from './reviewFixtures.js';

/**
 * Reviews against the real database, Redis and event relay: the verified-purchase gate fed by
 * order events, input checks that change nothing, one review per customer and product,
 * moderation moving the rating aggregate in the same transaction as its event, helpful marks
 * counted exactly under concurrency, stable pages in every sort, and the read path's queries.
 */
const subgraph = useTestSubgraph(createProductSubgraph, { redis: true });
const { sql, one } = subgraph;
const admin = testIdentities.admin(['catalog'], 'moderator-1');
let orders: OrderEvents;
let products: string[];

beforeAll(async () => {
  orders = startOrderEvents(subgraph);
  products = await activeProducts(subgraph, 12);
});
afterAll(async () => {
  await orders?.stop();
});

const CREATE = `mutation($productId: ID!, $rating: Int!, $title: String!, $body: String!) {
  createReview(productId: $productId, rating: $rating, title: $title, body: $body) { id status rating title body helpfulCount } }`;
const UPDATE = `mutation($id: ID!, $rating: Int, $title: String, $body: String) { updateReview(id: $id, rating: $rating, title: $title, body: $body) { id status rating title moderationNote } }`;
const MODERATE = `mutation($id: ID!, $status: ModerationDecision!, $note: String) { moderateReview(id: $id, status: $status, note: $note) { id status moderationNote } }`;
const HELPFUL = `mutation($id: ID!) { markReviewHelpful(reviewId: $id) { id helpfulCount } }`;
const DELETE = `mutation($id: ID!) { deleteReview(id: $id) }`;
const RATING = `query($id: ID!) { product(id: $id) { rating { average count distribution { stars count } } } }`;
const REVIEWS = `query($id: ID!, $first: Int, $after: String, $sort: ReviewSort, $rating: Int) {
  product(id: $id) { reviews(first: $first, after: $after, sort: $sort, rating: $rating) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id rating title helpfulCount status moderationNote } } } } }`;
const MINE = `query($id: ID!) { product(id: $id) { myReview { id status moderationNote } } }`;

interface ReviewPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: { id: string } }>;
}

const codes = (res: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) => (res.errors ?? []).map((e) => e.extensions?.code);
const fieldsOf = (res: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) =>
  ((res.errors?.[0]?.extensions?.fieldErrors ?? []) as Array<{ field: string }>).map((f) => f.field).sort();

const customer = () => testIdentities.customer(randomUUID());
const review = { rating: 5, title: 'Does what it says', body: 'Bought it for the garden and it held up all summer.' };

async function write(who: ReturnType<typeof customer>, productId: string, overrides: Partial<typeof review> = {}): Promise<string> {
  const res = await subgraph.gqlAs(who, CREATE, { productId, ...review, ...overrides });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.createReview.id as string;
}

async function approve(id: string): Promise<void> {
  const res = await subgraph.gqlAs(admin, MODERATE, { id, status: 'APPROVED' });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
}

/** A customer who bought the product and wrote an approved review of `rating` stars. */
async function approvedReview(productId: string, rating: number): Promise<{ who: ReturnType<typeof customer>; id: string }> {
  const who = customer();
  await orders.order(who.subject, [productId]);
  const id = await write(who, productId, { rating });
  await approve(id);
  return { who, id };
}

async function ratingOf(productId: string) {
  const res = await subgraph.gql(RATING, { id: productId });
  expect(res.errors).toBeUndefined();
  return res.data!.product.rating as { average: string | null; count: number; distribution: Array<{ stars: number; count: number }> };
}

describe('who may review', () => {
  it('refuses a customer without a paid order of the product, a declined or cancelled order, and anonymous callers', async () => {
    const productId = products[0]!;
    const buyer = customer();
    const stranger = customer();
    const declined = customer();
    const cancelled = customer();
    await orders.order(buyer.subject, [productId]);
    await orders.order(declined.subject, [productId], ['FAILED']);
    await orders.order(cancelled.subject, [productId], ['CONFIRMED', 'CANCELLED']);
    // Bought something else: no review of this one.
    await orders.order(stranger.subject, [products[1]!]);

    for (const who of [stranger, declined, cancelled]) {
      const res = await subgraph.gqlAs(who, CREATE, { productId, ...review });
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.errors![0]!.message).toMatch(/only customers who bought this product/i);
    }
    expect(codes(await subgraph.gql(CREATE, { productId, ...review }))).toEqual(['UNAUTHENTICATED']);
    expect(await sql(`SELECT 1 FROM catalog.review WHERE product_id = $1::uuid`, productId)).toHaveLength(0);

    // Placed but not yet paid is not a purchase either.
    const pending = customer();
    await orders.order(pending.subject, [productId], []);
    expect(codes(await subgraph.gqlAs(pending, CREATE, { productId, ...review }))).toEqual(['FORBIDDEN']);

    const created = await subgraph.gqlAs(buyer, CREATE, { productId, ...review });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createReview).toMatchObject({ status: 'PENDING', rating: 5, helpfulCount: 0 });
    // One per customer and product.
    const again = await subgraph.gqlAs(buyer, CREATE, { productId, ...review, title: 'Second thoughts' });
    expect(codes(again)).toEqual(['CONFLICT']);
    expect(again.errors![0]!.extensions!.reviewId).toBe(created.data!.createReview.id);
  });

  it('checks the whole input first, naming every bad field, and writes nothing', async () => {
    const productId = products[1]!;
    const who = customer();
    await orders.order(who.subject, [productId]);
    const bad = await subgraph.gqlAs(who, CREATE, { productId, rating: 6, title: '   ', body: 'x'.repeat(5001) });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(fieldsOf(bad)).toEqual(['body', 'rating', 'title']);
    expect(fieldsOf(await subgraph.gqlAs(who, CREATE, { productId, rating: 0, title: 't'.repeat(121), body: ' \n ' }))).toEqual(['body', 'rating', 'title']);
    expect(fieldsOf(await subgraph.gqlAs(who, CREATE, { productId: 'nope', ...review }))).toEqual(['productId']);
    expect(codes(await subgraph.gqlAs(who, CREATE, { productId: randomUUID(), ...review }))).toEqual(['NOT_FOUND']);
    expect(await sql(`SELECT 1 FROM catalog.review WHERE customer_id = $1`, who.subject)).toHaveLength(0);

    // Trimmed, the limits are the text's own: 120 characters of title with spaces around are fine.
    const id = await write(who, productId, { title: `  ${'t'.repeat(120)}  `, body: '  Fine.\nReally.  ' });
    expect(await one(`SELECT title, body FROM catalog.review WHERE id = $1::uuid`, id)).toEqual({ title: 't'.repeat(120), body: 'Fine.\nReally.' });
  });
});

describe('moderation and the rating', () => {
  it('shows the public approved reviews only, the author their own in any status, and moves the rating with every transition', async () => {
    const productId = products[2]!;
    expect(await ratingOf(productId)).toEqual({ average: null, count: 0, distribution: [5, 4, 3, 2, 1].map((stars) => ({ stars, count: 0 })) });

    const author = customer();
    await orders.order(author.subject, [productId]);
    const id = await write(author, productId, { rating: 4 });
    expect((await subgraph.gql(REVIEWS, { id: productId })).data!.product.reviews).toMatchObject({ totalCount: 0, edges: [] });
    expect((await subgraph.gqlAs(author, MINE, { id: productId })).data!.product.myReview).toMatchObject({ id, status: 'PENDING' });
    expect((await subgraph.gql(MINE, { id: productId })).data!.product.myReview).toBeNull();

    // Only catalog admins moderate.
    expect(codes(await subgraph.gqlAs(author, MODERATE, { id, status: 'APPROVED' }))).toEqual(['FORBIDDEN']);
    const approved = await subgraph.gqlAs(admin, MODERATE, { id, status: 'APPROVED', note: 'Thanks!' });
    expect(approved.data!.moderateReview).toMatchObject({ status: 'APPROVED', moderationNote: 'Thanks!' });
    expect(await ratingOf(productId)).toMatchObject({ average: '4.00', count: 1 });

    await approvedReview(productId, 5);
    await approvedReview(productId, 5);
    const rating = await ratingOf(productId);
    expect(rating).toEqual({
      average: '4.67',
      count: 3,
      distribution: [
        { stars: 5, count: 2 },
        { stars: 4, count: 1 },
        { stars: 3, count: 0 },
        { stars: 2, count: 0 },
        { stars: 1, count: 0 },
      ],
    });
    const page = (await subgraph.gql(REVIEWS, { id: productId })).data!.product.reviews;
    expect(page.totalCount).toBe(3);
    // The public does not read the moderator's note; the author does.
    expect(page.edges.find((e: { node: { id: string } }) => e.node.id === id).node.moderationNote).toBeNull();
    expect((await subgraph.gqlAs(author, MINE, { id: productId })).data!.product.myReview.moderationNote).toBe('Thanks!');

    // An edit goes back to moderation and leaves the rating until approved again.
    const edited = await subgraph.gqlAs(author, UPDATE, { id, rating: 2, title: 'It broke' });
    expect(edited.errors, JSON.stringify(edited.errors)).toBeUndefined();
    expect(edited.data!.updateReview).toMatchObject({ status: 'PENDING', rating: 2, title: 'It broke', moderationNote: null });
    expect(await ratingOf(productId)).toMatchObject({ average: '5.00', count: 2 });
    expect(codes(await subgraph.gqlAs(customer(), UPDATE, { id, rating: 5 }))).toEqual(['FORBIDDEN']);
    expect(fieldsOf(await subgraph.gqlAs(author, UPDATE, { id }))).toEqual(['rating']);
    await approve(id);
    expect(await ratingOf(productId)).toMatchObject({ average: '4.00', count: 3 });

    // Rejecting an approved review takes it out; rejecting again changes nothing more.
    await subgraph.gqlAs(admin, MODERATE, { id, status: 'REJECTED', note: 'Off topic' });
    await subgraph.gqlAs(admin, MODERATE, { id, status: 'REJECTED' });
    expect(await ratingOf(productId)).toMatchObject({ average: '5.00', count: 2 });

    // Every change of the aggregate recorded its event in the same transaction, with the values as of that commit.
    const events = await sql<{ payload: { rating: string; reviewCount: number; newlyApprovedRating: number | null } }>(
      `SELECT payload FROM catalog.outbox_event WHERE topic = 'product.rating_changed' AND aggregate_id = $1 ORDER BY position`,
      productId,
    );
    expect(events.map((e) => [e.payload.rating, e.payload.reviewCount, e.payload.newlyApprovedRating])).toEqual([
      ['4.00', 1, 4],
      ['4.50', 2, 5],
      ['4.67', 3, 5],
      ['5.00', 2, null], // the edit took it out
      ['4.00', 3, null], // approved again: not a new review
      ['5.00', 2, null],
    ]);

    // The author deletes an approved review: it leaves the rating too.
    const other = await approvedReview(productId, 1);
    expect(await ratingOf(productId)).toMatchObject({ average: '3.67', count: 3 });
    expect(codes(await subgraph.gqlAs(author, DELETE, { id: other.id }))).toEqual(['FORBIDDEN']);
    expect((await subgraph.gqlAs(other.who, DELETE, { id: other.id })).data!.deleteReview).toBe(other.id);
    expect(await ratingOf(productId)).toMatchObject({ average: '5.00', count: 2 });
  });

  it('feeds the search projection: relevance ranks the better-rated of two equal products first', async () => {
    const [brand, category] = [await one<{ id: string }>(`SELECT id::text FROM catalog.brand ORDER BY slug LIMIT 1`), await one<{ id: string }>(`SELECT id::text FROM catalog.category WHERE depth = 2 ORDER BY path LIMIT 1`)];
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const row = await one<{ id: string }>(
        `INSERT INTO catalog.product (sku, slug, name, description, brand_id, category_id, status, currency, min_price, max_price, created_at)
         VALUES ($1, $2, 'Quibbleworth Copper Kettle', 'A copper kettle.', $3::uuid, $4::uuid, 'ACTIVE', 'USD', 30, 30, '2026-01-01T00:00:00Z') RETURNING id::text`,
        `REV-KETTLE-${n}`,
        `review-kettle-${n}`,
        brand.id,
        category.id,
      );
      ids.push(row.id);
    }
    await (subgraph.running.server as ReturnType<typeof createProductSubgraph>).searchIndexer.onProductChanged(ids.map((productId) => ({ productId })));
    const SEARCH = `query { search(query: "quibbleworth kettle") { edges { node { id } } } }`;
    const order = async () => ((await subgraph.gql(SEARCH)).data!.search.edges as Array<{ node: { id: string } }>).map((e) => e.node.id);
    const [first, second] = await order();
    expect([first, second].sort()).toEqual([...ids].sort());

    await approvedReview(second!, 5);
    await eventually(async () => (await order())[0] === second, 'the 5-star product to rank first');
    expect(await one(`SELECT rating::text, review_count FROM catalog.product_search WHERE product_id = $1::uuid`, second)).toEqual({ rating: '5.00', review_count: 1 });

    // A lost rating event is repaired by the reindex, from the aggregate.
    await sql(`UPDATE catalog.product_search SET rating = 0, review_count = 0 WHERE product_id = $1::uuid`, second);
    await reindexAll(subgraph.database.prisma);
    expect(await one(`SELECT rating::text, review_count FROM catalog.product_search WHERE product_id = $1::uuid`, second)).toEqual({ rating: '5.00', review_count: 1 });
  });
});

describe('helpful marks', () => {
  it('counts each customer once, never the author, only on public reviews, exactly under concurrency', async () => {
    const productId = products[3]!;
    const { who: author, id } = await approvedReview(productId, 3);
    expect(codes(await subgraph.gqlAs(author, HELPFUL, { id }))).toEqual(['FORBIDDEN']);

    const voters = Array.from({ length: 12 }, () => customer());
    const results = await Promise.all(voters.map((v) => subgraph.gqlAs(v, HELPFUL, { id })));
    expect(results.flatMap(codes)).toEqual([]);
    expect(codes(await subgraph.gqlAs(voters[0]!, HELPFUL, { id }))).toEqual(['CONFLICT']);
    expect(await one(`SELECT helpful_count, (SELECT count(*)::int FROM catalog.review_helpful_vote WHERE review_id = $1::uuid) AS votes FROM catalog.review WHERE id = $1::uuid`, id)).toEqual({
      helpful_count: 12,
      votes: 12,
    });

    const pendingAuthor = customer();
    await orders.order(pendingAuthor.subject, [productId]);
    const pending = await write(pendingAuthor, productId);
    expect(codes(await subgraph.gqlAs(voters[0]!, HELPFUL, { id: pending }))).toEqual(['NOT_FOUND']);
  });
});

describe('Product.reviews', () => {
  it('pages every sort with stable cursors, filters by stars, and counts from the aggregate', async () => {
    const productId = products[4]!;
    const stars = [5, 3, 5, 1, 4, 5, 2];
    const written: Array<{ id: string; rating: number }> = [];
    for (const rating of stars) written.push({ id: (await approvedReview(productId, rating)).id, rating });
    // Helpful marks: 2 on the second, 1 on the fourth.
    for (const [index, times] of [
      [1, 2],
      [3, 1],
    ] as const) {
      for (let i = 0; i < times; i++) await subgraph.gqlAs(customer(), HELPFUL, { id: written[index]!.id });
    }
    const rows = await sql<{ id: string; rating: number; helpful_count: number; created_at: Date }>(
      `SELECT id::text, rating::int, helpful_count, created_at FROM catalog.review WHERE product_id = $1::uuid AND status = 'APPROVED'`,
      productId,
    );
    const newest = (a: (typeof rows)[0], b: (typeof rows)[0]) => b.created_at.getTime() - a.created_at.getTime() || (a.id < b.id ? 1 : -1);
    const expected: Record<string, string[]> = {
      HELPFUL: [...rows].sort((a, b) => b.helpful_count - a.helpful_count || newest(a, b)).map((r) => r.id),
      RECENT: [...rows].sort(newest).map((r) => r.id),
      RATING_HIGH: [...rows].sort((a, b) => b.rating - a.rating || newest(a, b)).map((r) => r.id),
      RATING_LOW: [...rows].sort((a, b) => a.rating - b.rating || newest(a, b)).map((r) => r.id),
    };
    for (const [sort, ids] of Object.entries(expected)) {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const res = await subgraph.gql(REVIEWS, { id: productId, first: 2, after, sort });
        expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
        const page = res.data!.product.reviews;
        expect(page.totalCount).toBe(stars.length);
        seen.push(...page.edges.map((e: { node: { id: string } }) => e.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen, sort).toEqual(ids);
    }
    const fives = (await subgraph.gql(REVIEWS, { id: productId, rating: 5, sort: 'RECENT' })).data!.product.reviews;
    expect(fives.totalCount).toBe(3);
    expect(fives.edges.map((e: { node: { rating: number } }) => e.node.rating)).toEqual([5, 5, 5]);

    const recentCursor = (await subgraph.gql(REVIEWS, { id: productId, first: 1, sort: 'RECENT' })).data!.product.reviews.pageInfo.endCursor;
    expect(fieldsOf(await subgraph.gql(REVIEWS, { id: productId, after: recentCursor, sort: 'HELPFUL' }))).toEqual(['after']);
    expect(fieldsOf(await subgraph.gql(REVIEWS, { id: productId, rating: 6 }))).toEqual(['rating']);
  });

  it('reads the ratings of a whole listing in one query, and none once cached', async () => {
    await approvedReview(products[5]!, 4);
    // The approval leaves a 2 s tombstone in Redis that keeps the cold read's answer out of
    // L2 (by design); past it, the warm read finds Redis even when a loaded machine lets L1's
    // 5 s run out in between.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const LISTING = `{ products(first: 20, sort: PRICE_DESC) { edges { node { id rating { average count } } } } }`;
    // Prisma's statements name the table quoted; writes elsewhere in the subgraph would not.
    const ratingQueries = () => subgraph.database.queries.statements.filter((s) => s.includes('"product_rating"')).length;
    // The listing page itself first, so only the ratings are left to read.
    await subgraph.gql(`{ products(first: 20, sort: PRICE_DESC) { edges { node { id } } } }`);

    subgraph.database.queries.reset();
    const cold = await subgraph.gql(LISTING);
    expect(cold.errors).toBeUndefined();
    expect(cold.data!.products.edges).toHaveLength(20);
    expect(ratingQueries()).toBe(1);

    subgraph.database.queries.reset();
    await subgraph.gql(LISTING);
    expect(ratingQueries()).toBe(0);
  });
});

describe('the moderation queue', () => {
  it('is for catalog admins, oldest first, paged', async () => {
    const QUEUE = `query($first: Int, $after: String, $status: ReviewStatus) { reviewModerationQueue(first: $first, after: $after, status: $status) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id status customerId product { id } } } } }`;
    expect(codes(await subgraph.gqlAs(customer(), QUEUE, {}))).toEqual(['FORBIDDEN']);
    const productId = products[6]!;
    const pendingIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const who = customer();
      await orders.order(who.subject, [productId]);
      pendingIds.push(await write(who, productId));
    }
    const expected = (
      await sql<{ id: string }>(`SELECT id::text FROM catalog.review WHERE status = 'PENDING' ORDER BY created_at, id`)
    ).map((r) => r.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: ReviewPage = (await subgraph.gqlAs(admin, QUEUE, { first: 2, after })).data!.reviewModerationQueue;
      expect(page.totalCount).toBe(expected.length);
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
    expect(seen).toEqual(expect.arrayContaining(pendingIds));
  });
});
