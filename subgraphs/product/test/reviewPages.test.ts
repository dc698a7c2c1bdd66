import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '@shopgraph/kit';
import { createTestDatabase, eventually, startTestSubgraph, testIdentities, type RunningSubgraph, type TestDatabase } from '@shopgraph/kit/testing';
import { createProductSubgraph } from '../src/server.js';

/**
 * Public review pages on two instances of the product subgraph over one database and the
 * machine's real Redis: the pages a response lacks are read in one SQL query whatever their
 * products, sorts, filters and cursors, and none once cached; a transition of one product
 * (a helpful mark, a moderation) makes that product's pages fresh on both instances and
 * leaves every other product's cached pages where they are. Reviews are written straight
 * into the table (reviews.test.ts covers who may write them); every transition goes through
 * the subgraph, so the rating aggregate and its version move as in production.
 */
let db: TestDatabase;
let a: RunningSubgraph;
let b: RunningSubgraph;
let products: string[];
const admin = testIdentities.admin(['catalog'], 'moderator-pages');

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startTestSubgraph(createProductSubgraph, { redis: true, testDatabase: db });
  b = await startTestSubgraph(createProductSubgraph, { redis: true, testDatabase: db });
  const rows = await a.database.prisma.$queryRaw<Array<{ id: string }>>`SELECT id::text FROM catalog.product WHERE status = 'ACTIVE' ORDER BY sku LIMIT 44`;
  products = rows.map((r) => r.id);
  await new Promise((r) => setTimeout(r, 100)); // eviction subscriptions established
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await db?.drop();
});

const MODERATE = `mutation($id: ID!, $status: ModerationDecision!, $note: String) { moderateReview(id: $id, status: $status, note: $note) { id } }`;
const HELPFUL = `mutation($id: ID!) { markReviewHelpful(reviewId: $id) { id } }`;
const PAGE_FIELDS = `totalCount pageInfo { hasNextPage endCursor } edges { node { id helpfulCount moderationNote } }`;
const ENTITIES = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id ${selection} } } }`;
const ONE = `query($id: ID!, $first: Int, $sort: ReviewSort, $after: String) { product(id: $id) { reviews(first: $first, sort: $sort, after: $after) { ${PAGE_FIELDS} } } }`;

/** The orders as SQL states them, to check the pages against something other than the code under test. */
const ORDER = {
  HELPFUL: 'helpful_count DESC, created_at DESC, id DESC',
  RECENT: 'created_at DESC, id DESC',
  RATING_HIGH: 'rating DESC, created_at DESC, id DESC',
  RATING_LOW: 'rating ASC, created_at DESC, id DESC',
} as const;

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: { id: string; helpfulCount: number; moderationNote: string | null } }>;
}

const ids = (page: Page) => page.edges.map((e) => e.node.id);
const representations = (productIds: readonly string[]) => productIds.map((id) => ({ __typename: 'Product', id }));
/** The batched page query (its LATERAL over the review table), as opposed to every other statement. */
const pageQueries = (instance: RunningSubgraph) => instance.database.queries.statements.filter((s) => s.includes('FROM catalog.review r')).length;

/**
 * Approved reviews of a product with these stars, two by two at the same instant (so pages
 * must break ties by id), approved through the subgraph. Returns their ids and authors.
 */
async function approvedReviews(productId: string, stars: readonly number[]): Promise<Array<{ id: string; customerId: string }>> {
  const rows = await a.database.prisma.$queryRaw<Array<{ id: string; customerId: string }>>`
    INSERT INTO catalog.review (product_id, customer_id, rating, title, body, created_at)
    SELECT ${productId}::uuid, 'pages-' || gen_random_uuid(), s, 'Title', 'Body', timestamptz '2026-06-01' + ((i - 1) / 2) * interval '1 minute'
    FROM unnest(${[...stars]}::int[]) WITH ORDINALITY AS x(s, i)
    RETURNING id::text, customer_id AS "customerId"`;
  for (const { id } of rows) {
    const res = await a.gql(MODERATE, { id, status: 'APPROVED' }, admin);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  }
  return rows;
}

/** What a page must hold, read with plain SQL: approved reviews of the product in that order. */
async function expectedIds(productId: string, sort: keyof typeof ORDER, options: { stars?: number; offset?: number; limit: number }): Promise<string[]> {
  const rows = await a.database.prisma.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT id::text FROM catalog.review WHERE product_id = $1::uuid AND status = 'APPROVED' AND ($2::int IS NULL OR rating = $2) ORDER BY ${ORDER[sort]} OFFSET $3 LIMIT $4`,
    productId,
    options.stars ?? null,
    options.offset ?? 0,
    options.limit,
  );
  return rows.map((r) => r.id);
}

describe('review pages of many products', () => {
  it('are read in one SQL query cold, whatever their sorts, filters and cursors, and none warm', async () => {
    const listing = products.slice(0, 20);
    for (const [i, productId] of listing.entries()) await approvedReviews(productId, [5, 3, 4, 5, 1, 2].slice(0, 3 + (i % 4)));
    // Some helpful marks, so the HELPFUL order is not the RECENT one.
    const marked = await a.database.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT DISTINCT ON (product_id) id::text FROM catalog.review WHERE product_id = ANY(${listing}::uuid[]) ORDER BY product_id, created_at, id`;
    for (const { id } of marked) expect((await a.gql(HELPFUL, { id }, testIdentities.customer(randomUUID()))).errors).toBeUndefined();

    // The products themselves first (one query), so what is left to read is reviews only.
    expect((await a.gql(ENTITIES(''), { r: representations(listing) })).errors).toBeUndefined();
    // No rating or page of these products is cached yet: the ratings (one query) and the pages (one query).
    a.database.queries.reset();
    const cold = await a.gql(ENTITIES(`reviews(first: 2) { ${PAGE_FIELDS} }`), { r: representations(listing) });
    expect(cold.errors, JSON.stringify(cold.errors)).toBeUndefined();
    expect(a.database.queries.statements.filter((q) => q.includes('"product_rating"'))).toHaveLength(1);
    expect(pageQueries(a)).toBe(1);
    expect(a.database.queries.count, a.database.queries.statements.join('\n')).toBe(2);
    const firstPages = (cold.data!._entities as Array<{ id: string; reviews: Page }>).map((p) => p.reviews);
    for (const [i, productId] of listing.entries()) {
      expect(ids(firstPages[i]!)).toEqual(await expectedIds(productId, 'HELPFUL', { limit: 2 }));
      expect(firstPages[i]!.totalCount).toBe(3 + (i % 4));
    }

    a.database.queries.reset();
    expect((await a.gql(ENTITIES(`reviews(first: 2) { ${PAGE_FIELDS} }`), { r: representations(listing) })).data).toEqual(cold.data);
    expect(a.database.queries.count).toBe(0);

    // Three shapes at once (another sort, a star filter, another size), ratings cached: one query.
    const shapes = `recent: reviews(first: 3, sort: RECENT) { ${PAGE_FIELDS} } fives: reviews(rating: 5, sort: RATING_LOW) { ${PAGE_FIELDS} } high: reviews(first: 1, sort: RATING_HIGH) { ${PAGE_FIELDS} }`;
    a.database.queries.reset();
    const mixed = await a.gql(ENTITIES(shapes), { r: representations(listing) });
    expect(mixed.errors, JSON.stringify(mixed.errors)).toBeUndefined();
    expect(a.database.queries.count).toBe(1);
    for (const [i, productId] of listing.entries()) {
      const p = (mixed.data!._entities as Array<Record<string, Page>>)[i]!;
      expect(ids(p.recent!)).toEqual(await expectedIds(productId, 'RECENT', { limit: 3 }));
      expect(ids(p.fives!)).toEqual(await expectedIds(productId, 'RATING_LOW', { stars: 5, limit: 10 }));
      expect(ids(p.high!)).toEqual(await expectedIds(productId, 'RATING_HIGH', { limit: 1 }));
    }

    // The next page of every product, each after its own cursor, in one request: one query.
    const next = listing.map((id, i) => `p${i}: product(id: "${id}") { reviews(first: 2, after: "${firstPages[i]!.pageInfo.endCursor}") { ${PAGE_FIELDS} } }`);
    a.database.queries.reset();
    const second = await a.gql(`{ ${next.join(' ')} }`);
    expect(second.errors, JSON.stringify(second.errors)).toBeUndefined();
    expect(pageQueries(a)).toBe(1);
    for (const [i, productId] of listing.entries()) {
      const page = (second.data![`p${i}`] as { reviews: Page }).reviews;
      expect(ids(page)).toEqual(await expectedIds(productId, 'HELPFUL', { offset: 2, limit: 2 }));
      expect(page.pageInfo.hasNextPage).toBe(3 + (i % 4) > 4);
    }
  });
});

describe('cursors', () => {
  it('refuses a key no page of that sort could have given as BAD_USER_INPUT on after, before any SQL', async () => {
    const productId = products[0]!;
    const id = randomUUID();
    for (const [sort, key] of [
      ['HELPFUL', [2 ** 31, '2026-06-01T00:00:00.000Z', id]], // not a PostgreSQL integer
      ['HELPFUL', [1.5, '2026-06-01T00:00:00.000Z', id]],
      ['RATING_LOW', [3, '+275760-09-13T00:00:00.000Z', id]], // a JavaScript date PostgreSQL cannot hold
      ['RECENT', ['yesterday', id]],
      ['RECENT', ['2026-06-01T00:00:00.000Z', 'not-a-uuid']],
    ] as const) {
      a.database.queries.reset();
      const res = await a.gql(ONE, { id: productId, sort, after: encodeCursor(sort, key) });
      expect(res.errors?.[0]?.extensions, JSON.stringify(key)).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'after' }] });
      expect(pageQueries(a)).toBe(0);
    }
  });
});

describe('a transition of one product', () => {
  /** Product reviews (HELPFUL, first 10) as an instance serves them, and the SQL statements it took. */
  async function read(instance: RunningSubgraph, productId: string, who = testIdentities.anonymous): Promise<{ page: Page; statements: number }> {
    instance.database.queries.reset();
    const res = await instance.gql(ONE, { id: productId, first: 10 }, who);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return { page: (res.data!.product as { reviews: Page }).reviews, statements: instance.database.queries.count };
  }

  it('is read fresh on this instance and the other, and leaves every other product’s cached pages in place', async () => {
    const [productA, productB] = [products[40]!, products[41]!];
    const reviewsOfA = await approvedReviews(productA, [4, 4, 4]);
    await approvedReviews(productB, [2, 3]);
    for (const instance of [a, b]) for (const productId of [productA, productB]) await read(instance, productId);
    for (const instance of [a, b]) for (const productId of [productA, productB]) expect((await read(instance, productId)).statements).toBe(0);

    // A helpful mark on A's oldest review through a: it leads A's HELPFUL page at once on a.
    const oldest = reviewsOfA[0]!.id;
    expect((await a.gql(HELPFUL, { id: oldest }, testIdentities.customer(randomUUID()))).errors).toBeUndefined();
    const onA = await read(a, productA);
    expect(onA.page.edges[0]!.node).toMatchObject({ id: oldest, helpfulCount: 1 });
    expect(ids(onA.page)).toEqual(await expectedIds(productA, 'HELPFUL', { limit: 10 }));
    // B's pages and rating were not touched, on either instance.
    expect((await read(a, productB)).statements).toBe(0);
    expect((await read(b, productB)).statements).toBe(0);
    // b hears of it by broadcast (its L1 would otherwise keep A's rating, and so its old page, for 5 s).
    await eventually(async () => (await read(b, productA)).page.edges[0]!.node.id === oldest, 'instance b to read A’s new page', 2_000);

    // A moderator rejects one of B's reviews through b: fresh on b at once, on a after the broadcast; A stays cached.
    const rejected = (await read(b, productB)).page.edges[0]!.node.id;
    expect((await b.gql(MODERATE, { id: rejected, status: 'REJECTED' }, admin)).errors).toBeUndefined();
    const onB = await read(b, productB);
    expect(ids(onB.page)).not.toContain(rejected);
    expect(onB.page.totalCount).toBe(1);
    expect((await read(a, productA)).statements).toBe(0);
    await eventually(async () => !ids((await read(a, productB)).page).includes(rejected), 'instance a to drop B’s rejected review', 2_000);

    // Where only Redis holds the entries (a restarted instance, or after L1's TTL) nothing stale is read either.
    expect((await b.gql(MODERATE, { id: rejected, status: 'APPROVED' }, admin)).errors).toBeUndefined();
    a.deps.caches.clearLocal();
    expect(ids((await read(a, productB)).page)).toContain(rejected);
  });

  it('shows a new note on an approved review to its author, while leaving the rating and other products alone', async () => {
    const [productC, productD] = [products[42]!, products[43]!];
    const { id, customerId } = (await approvedReviews(productC, [5]))[0]!;
    await approvedReviews(productD, [1]);
    const author = testIdentities.customer(customerId);
    expect((await read(a, productC, author)).page.edges[0]!.node.moderationNote).toBeNull();
    await read(a, productD);

    const events = async () =>
      (await a.database.prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM catalog.outbox_event WHERE topic = 'product.rating_changed' AND aggregate_id = ${productC}`)[0]!.n;
    const before = await events();
    expect((await a.gql(MODERATE, { id, status: 'APPROVED', note: 'Thanks for the photos' }, admin)).errors).toBeUndefined();
    expect((await read(a, productC, author)).page.edges[0]!.node.moderationNote).toBe('Thanks for the photos');
    // The public still does not read the note; the rating did not move, so no rating event.
    expect((await read(a, productC)).page.edges[0]!.node.moderationNote).toBeNull();
    expect(await events()).toBe(before);
    expect((await read(a, productD)).statements).toBe(0);
  });
});
