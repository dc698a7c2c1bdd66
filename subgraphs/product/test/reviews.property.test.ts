import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createProductSubgraph } from '../src/server.js';
import { averageRating } from '../src/services/reviews/ratingSummary.js';
import { activeProducts, startOrderEvents, type OrderEvents } from './reviewFixtures.js';

/**
 * The rating aggregate is kept incrementally; this checks it against the truth. fast-check
 * draws rounds of review commands (create, edit, approve, reject, delete, helpful marks) by a
 * few customers on two products; each round runs its commands concurrently through the real
 * subgraph (Postgres, Redis caches). After every round the aggregate rows equal a recount
 * from the review table, every helpful count equals its votes, and Product.rating and the
 * first page of Product.reviews as served (through the cache path) equal the recount and the
 * table too, so no eviction and no move of a product's reviews version is missed.
 */
const subgraph = useTestSubgraph(createProductSubgraph, { redis: true });
const admin = testIdentities.admin(['catalog'], 'moderator-p');
const CUSTOMERS = 3;
let orders: OrderEvents;
let products: string[];
let customers: string[];

beforeAll(async () => {
  orders = startOrderEvents(subgraph);
  products = await activeProducts(subgraph, 2, 30);
  customers = Array.from({ length: CUSTOMERS }, () => randomUUID());
  for (const customerId of customers) await orders.order(customerId, products);
});
afterAll(async () => {
  await orders?.stop();
});

type Command =
  | { kind: 'create' | 'edit'; who: number; product: number; rating: number }
  | { kind: 'approve' | 'reject' | 'delete'; who: number; product: number }
  | { kind: 'helpful'; voter: number; who: number; product: number };

/** Authors: two of the customers, so that commands meet the same few reviews often; any customer may vote. */
const who = fc.integer({ min: 0, max: 1 });
const voter = fc.integer({ min: 0, max: CUSTOMERS - 1 });
const product = fc.integer({ min: 0, max: 1 });
const stars = fc.integer({ min: 1, max: 5 });
/** Weighted so that reviews get written and approved often enough for rejections, edits and deletes to move the aggregate. */
const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), who, product, rating: stars }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('edit' as const), who, product, rating: stars }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('approve' as const), who, product }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('reject' as const), who, product }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), who, product }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('helpful' as const), voter, who, product }), weight: 2 },
);

const customer = (i: number) => testIdentities.customer(customers[i]);

/** The review of (customer, product), if any: commands name reviews by their author and product. */
async function reviewId(whoIndex: number, productIndex: number): Promise<string | undefined> {
  const [row] = await subgraph.sql<{ id: string }>(`SELECT id::text FROM catalog.review WHERE customer_id = $1 AND product_id = $2::uuid`, customers[whoIndex], products[productIndex]);
  return row?.id;
}

/** Runs one command; refusals (CONFLICT, NOT_FOUND, FORBIDDEN) are legitimate outcomes, internal errors are not. */
async function run(c: Command): Promise<void> {
  const productId = products[c.product]!;
  let res: { errors?: Array<{ extensions?: Record<string, unknown> }> };
  if (c.kind === 'create') {
    res = await subgraph.gqlAs(customer(c.who), `mutation($p: ID!, $r: Int!) { createReview(productId: $p, rating: $r, title: "t", body: "b") { id } }`, { p: productId, r: c.rating });
  } else {
    const id = await reviewId(c.who, c.product);
    if (!id) return;
    if (c.kind === 'edit') res = await subgraph.gqlAs(customer(c.who), `mutation($id: ID!, $r: Int) { updateReview(id: $id, rating: $r) { id } }`, { id, r: c.rating });
    else if (c.kind === 'delete') res = await subgraph.gqlAs(customer(c.who), `mutation($id: ID!) { deleteReview(id: $id) }`, { id });
    else if (c.kind === 'helpful') res = await subgraph.gqlAs(customer(c.voter), `mutation($id: ID!) { markReviewHelpful(reviewId: $id) { id } }`, { id });
    else res = await subgraph.gqlAs(admin, `mutation($id: ID!, $s: ModerationDecision!) { moderateReview(id: $id, status: $s) { id } }`, { id, s: c.kind === 'approve' ? 'APPROVED' : 'REJECTED' });
  }
  for (const e of res.errors ?? []) expect(['CONFLICT', 'NOT_FOUND', 'FORBIDDEN'], JSON.stringify(e)).toContain(e.extensions?.code);
}

interface Counts {
  count: number;
  star_sum: number;
  stars: number[];
}

async function recount(productId: string): Promise<Counts> {
  const rows = await subgraph.sql<{ rating: number; n: number }>(
    `SELECT rating::int, count(*)::int AS n FROM catalog.review WHERE product_id = $1::uuid AND status = 'APPROVED' GROUP BY rating`,
    productId,
  );
  const stars = [1, 2, 3, 4, 5].map((s) => rows.find((r) => r.rating === s)?.n ?? 0);
  return { count: stars.reduce((a, b) => a + b, 0), star_sum: stars.reduce((sum, n, i) => sum + n * (i + 1), 0), stars };
}

async function aggregate(productId: string): Promise<Counts> {
  const [row] = await subgraph.sql<{ count: number; star_sum: number; s1: number; s2: number; s3: number; s4: number; s5: number }>(
    `SELECT count, star_sum, stars_1 AS s1, stars_2 AS s2, stars_3 AS s3, stars_4 AS s4, stars_5 AS s5 FROM catalog.product_rating WHERE product_id = $1::uuid`,
    productId,
  );
  return row ? { count: row.count, star_sum: row.star_sum, stars: [row.s1, row.s2, row.s3, row.s4, row.s5] } : { count: 0, star_sum: 0, stars: [0, 0, 0, 0, 0] };
}

describe('the rating aggregate', () => {
  it('equals a recount from the review table after any sequence of concurrent review commands', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(command, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 8 }), async (rounds) => {
        // Each run starts with no reviews: their authors delete them (through the service, so the aggregate follows).
        for (const w of [0, 1]) for (const p of [0, 1]) await run({ kind: 'delete', who: w, product: p });
        for (const round of rounds) {
          await Promise.all(round.map(run));
          for (const productId of products) {
            const truth = await recount(productId);
            expect(await aggregate(productId)).toEqual(truth);
            const { rating: served, reviews } = (
              await subgraph.gql(
                `query($id: ID!) { product(id: $id) { rating { average count distribution { stars count } } reviews(first: 10) { totalCount edges { node { id helpfulCount } } } } }`,
                { id: productId },
              )
            ).data!.product;
            const page = await subgraph.sql<{ id: string; helpfulCount: number }>(
              `SELECT id::text, helpful_count AS "helpfulCount" FROM catalog.review WHERE product_id = $1::uuid AND status = 'APPROVED' ORDER BY helpful_count DESC, created_at DESC, id DESC LIMIT 10`,
              productId,
            );
            expect(reviews).toEqual({ totalCount: truth.count, edges: page.map((node) => ({ node })) });
            expect(served).toEqual({
              average: averageRating({ count: truth.count, starSum: truth.star_sum }),
              count: truth.count,
              distribution: [5, 4, 3, 2, 1].map((s) => ({ stars: s, count: truth.stars[s - 1] })),
            });
          }
          const drift = await subgraph.sql(
            `SELECT r.id FROM catalog.review r WHERE r.helpful_count <> (SELECT count(*) FROM catalog.review_helpful_vote v WHERE v.review_id = r.id)`,
          );
          expect(drift).toEqual([]);
        }
      }),
      {
        numRuns: 25,
        // Every transition at least once, in order, besides what fast-check draws.
        examples: [
          [
            [
              [{ kind: 'create', who: 0, product: 0, rating: 4 }],
              [{ kind: 'create', who: 1, product: 0, rating: 2 }],
              [{ kind: 'approve', who: 0, product: 0 }],
              [{ kind: 'approve', who: 1, product: 0 }],
              [{ kind: 'helpful', voter: 2, who: 0, product: 0 }],
              [{ kind: 'reject', who: 1, product: 0 }],
              [{ kind: 'edit', who: 0, product: 0, rating: 5 }],
              [{ kind: 'approve', who: 0, product: 0 }],
              [{ kind: 'delete', who: 0, product: 0 }],
            ],
          ],
        ],
      },
    );
    // The runs did exercise the aggregate: some reviews were approved along the way.
    const events = await subgraph.sql<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.outbox_event WHERE topic = 'product.rating_changed'`);
    expect(events[0]!.n).toBeGreaterThan(0);
  }, 180_000);
});
