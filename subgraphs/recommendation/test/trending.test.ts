import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestSubgraph } from '@shopgraph/kit/testing';
import { trendingScore } from '../src/algorithms/trendingScore.js';
import { createRecommendationParts, createRecommendationSubgraph } from '../src/server.js';

const subgraph = useTestSubgraph(createRecommendationSubgraph);
const { gql, sql } = subgraph;
let parts: ReturnType<typeof createRecommendationParts>;

const TRENDING = `query($first: Int, $category: ID) { trending(first: $first, category: $category) { score product { id } reason { kind category } } }`;
const trending = async (variables: Record<string, unknown>) => {
  const res = await gql(TRENDING, variables);
  expect(res.errors).toBeUndefined();
  return res.data!.trending as { score: number; product: { id: string }; reason: { kind: string; category: string | null } }[];
};

/** Scores recomputed here from the raw signals with the pure formula, for products that may be shown. */
async function expectedRanking(): Promise<[string, number][]> {
  const signals = await sql<{ product_id: string; age: number; views: number; cart_adds: number; purchases: number; good_reviews: number; rating: string; rating_count: number }>(
    `SELECT s.product_id::text, (current_date - s.day) AS age, s.views, s.cart_adds, s.purchases, s.good_reviews, f.rating::text, f.rating_count
     FROM reco.product_daily_signal s JOIN reco.product_facts f ON f.product_id = s.product_id
     WHERE f.active AND f.in_stock AND s.day <= current_date`,
  );
  const byProduct = new Map<string, typeof signals>();
  for (const s of signals) byProduct.set(s.product_id, [...(byProduct.get(s.product_id) ?? []), s]);
  return [...byProduct]
    .map(([id, days]): [string, number] => [
      id,
      trendingScore(
        days.map((d) => ({ ageDays: d.age, views: d.views, cartAdds: d.cart_adds, purchases: d.purchases, goodReviews: d.good_reviews })),
        Number(days[0]!.rating),
        days[0]!.rating_count,
      ),
    ])
    .filter(([, score]) => score > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

beforeAll(async () => {
  parts = createRecommendationParts(subgraph.running.deps);
  await parts.refresher.run();
});

describe('trending', () => {
  it('ranks active, in-stock products by time-decayed activity, recomputed here from the raw signals', async () => {
    const expected = (await expectedRanking()).slice(0, 5);
    const res = await trending({ first: 5 });
    expect(res.map((t) => t.product.id)).toEqual(expected.map(([id]) => id));
    for (const [i, t] of res.entries()) {
      expect(t.score).toBeCloseTo(expected[i]![1], 6);
      expect(t.reason).toEqual({ kind: 'TRENDING', category: null });
    }
  });

  it('weighs ratings in: many 5-star reviews lift a product over a slightly busier unreviewed one', async () => {
    const ranking = await trending({ first: 50 });
    // Two neighbours in the ranking whose activity differs by less than the rating factor (1.49 for 400 5-star reviews).
    const i = ranking.findIndex((t, k) => k + 1 < ranking.length && ranking[k + 1]!.score > 0 && t.score / ranking[k + 1]!.score < 1.4);
    expect(i).toBeGreaterThanOrEqual(0);
    const [busier, rated] = [ranking[i]!.product.id, ranking[i + 1]!.product.id];
    await parts.services.signals.onRatingChanged({ id: randomUUID(), occurredAt: new Date().toISOString(), payload: { productId: rated, rating: '5.00', reviewCount: 400 } });
    await parts.refresher.run({ trending: true });
    const after = (await trending({ first: 50 })).map((t) => t.product.id);
    expect(after.indexOf(rated)).toBeLessThan(after.indexOf(busier));
  });

  it('counts a good new review (4-5 stars, first approval) as activity of its day, once per event, and lifts the product', async () => {
    // Two sellable products made quiet: no activity at all, so the review is all there is.
    const [quiet, other] = await sql<{ id: string }>(`SELECT product_id::text AS id FROM reco.product_facts WHERE active AND in_stock ORDER BY product_id LIMIT 2`);
    await sql(`DELETE FROM reco.product_daily_signal WHERE product_id = ANY ($1::uuid[])`, [quiet!.id, other!.id]);
    const rated = (productId: string, rating: string, newlyApprovedRating: number | null) => ({
      id: randomUUID(),
      occurredAt: new Date().toISOString(),
      payload: { productId, rating, reviewCount: 1, newlyApprovedRating },
    });
    const good = rated(quiet!.id, '5.00', 5);
    expect(await parts.services.signals.onRatingChanged(good)).toBe(true);
    expect(await parts.services.signals.onRatingChanged(good)).toBe(false); // delivered again: applied once
    // A middling new review, or a re-approval, is no news for trending.
    await parts.services.signals.onRatingChanged(rated(other!.id, '3.00', 3));
    await parts.services.signals.onRatingChanged(rated(other!.id, '5.00', null));
    expect(await sql(`SELECT product_id::text AS id, good_reviews FROM reco.product_daily_signal WHERE product_id = ANY ($1::uuid[])`, [quiet!.id, other!.id])).toEqual([
      { id: quiet!.id, good_reviews: 1 },
    ]);

    await parts.refresher.run({ trending: true });
    const scores = await sql<{ id: string; score: number }>(`SELECT product_id::text AS id, score FROM reco.trending_score WHERE product_id = ANY ($1::uuid[])`, [quiet!.id, other!.id]);
    expect(scores).toHaveLength(1);
    expect(scores[0]!.id).toBe(quiet!.id);
    expect(scores[0]!.score).toBeCloseTo(trendingScore([{ ageDays: 0, views: 0, cartAdds: 0, purchases: 0, goodReviews: 1 }], 5, 1), 6);
  });

  it('lets a burst of purchases today lift a quiet product to the top', async () => {
    const [quiet] = await sql<{ id: string }>(
      `SELECT product_id::text AS id FROM reco.product_facts WHERE active AND in_stock ORDER BY product_id DESC LIMIT 1`,
    );
    await parts.services.signals.onOrderPlaced({
      id: randomUUID(),
      occurredAt: new Date().toISOString(),
      payload: { orderId: randomUUID(), customerId: randomUUID(), lines: [{ productId: quiet!.id, variantId: randomUUID(), quantity: 10_000, unitPrice: '1.00' }] },
    });
    await parts.refresher.run({ trending: true });
    expect((await trending({ first: 1 }))[0]!.product.id).toBe(quiet!.id);
  });

  it('drops a product the moment it goes out of stock, and takes it back when restocked', async () => {
    const top = (await trending({ first: 3 })).map((t) => t.product.id);
    await parts.services.signals.onStockChanged({ id: randomUUID(), occurredAt: new Date().toISOString(), payload: { productId: top[0]!, productAvailable: 0 } });
    // No refresh: the ranking is filtered by availability when read, and the flip retired the cached answers.
    expect((await trending({ first: 3 })).map((t) => t.product.id)).toEqual([top[1], top[2], expect.any(String)]);
    await parts.services.signals.onStockChanged({ id: randomUUID(), occurredAt: new Date().toISOString(), payload: { productId: top[0]!, productAvailable: 7 } });
    expect((await trending({ first: 3 })).map((t) => t.product.id)).toEqual(top);
  });

  it('narrows to a category and everything under it, naming that category in the reason', async () => {
    const [root] = await sql<{ id: string; name: string }>(
      `SELECT f.category_ids[cardinality(f.category_ids)]::text AS id, f.category_names[cardinality(f.category_names)] AS name
       FROM reco.trending_score t JOIN reco.product_facts f USING (product_id) WHERE f.active AND f.in_stock
       GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`,
    );
    const res = await trending({ first: 50, category: root!.id });
    const inCategory = await sql<{ id: string }>(
      `SELECT t.product_id::text AS id FROM reco.trending_score t JOIN reco.product_facts f USING (product_id)
       WHERE f.active AND f.in_stock AND $1::uuid = ANY (f.category_ids) ORDER BY t.score DESC, t.product_id LIMIT 50`,
      root!.id,
    );
    expect(res.map((t) => t.product.id)).toEqual(inCategory.map((r) => r.id));
    expect(res.length).toBeGreaterThan(1);
    for (const t of res) expect(t.reason).toEqual({ kind: 'TRENDING_IN_CATEGORY', category: root!.name });
    expect(await trending({ first: 5, category: randomUUID() })).toEqual([]);
  });

  it('is served from the cache when warm: no SQL for a repeated ranking', async () => {
    await trending({ first: 4 });
    subgraph.database.queries.reset();
    await trending({ first: 4 });
    expect(subgraph.database.queries.count).toBe(0);
  });

  it('refuses first outside 1-50 and a category that is not an id', async () => {
    for (const first of [0, 51, -1]) {
      const res = await gql(TRENDING, { first });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
    const res = await gql(TRENDING, { first: 5, category: 'women' });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'category' });
  });
});
