import { describe, expect, it } from 'vitest';
import { useTestSubgraph } from '@shopgraph/kit/testing';
import { createRecommendationSubgraph } from '../src/server.js';

const subgraph = useTestSubgraph(createRecommendationSubgraph);
const { gql, sql } = subgraph;

describe('trending', () => {
  it('ranks by time-decayed activity, recomputed here independently from the raw signals', async () => {
    const signals = await sql<{ product_id: string; age: number; views: number; cart_adds: number; purchases: number }>(
      `SELECT product_id::text, (current_date - day) AS age, views, cart_adds, purchases FROM reco.product_daily_signal WHERE day > current_date - 14`,
    );
    const scores = new Map<string, number>();
    for (const s of signals) {
      const score = (s.views + 3 * s.cart_adds + 10 * s.purchases) * 0.5 ** (s.age / 3);
      scores.set(s.product_id, (scores.get(s.product_id) ?? 0) + score);
    }
    const expected = [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
    const res = await gql(`{ trending(first: 5) { score product { id } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.trending.map((t: any) => t.product.id)).toEqual(expected.map(([id]) => id));
    for (const [i, t] of res.data!.trending.entries()) expect(t.score).toBeCloseTo(expected[i]![1], 6);
  });

  it('lets a burst of purchases today lift a quiet product to the top', async () => {
    const [quiet] = await sql<{ id: string }>(`SELECT id::text FROM catalog.product WHERE status = 'ACTIVE' ORDER BY sku DESC LIMIT 1`);
    await sql(
      `INSERT INTO reco.product_daily_signal (product_id, day, views, cart_adds, purchases) VALUES ($1::uuid, current_date, 0, 0, 100000)
       ON CONFLICT (product_id, day) DO UPDATE SET purchases = 100000`,
      quiet!.id,
    );
    // A raw SQL write bypasses the service that would retire the cached ranking; drop it as that would.
    subgraph.running.deps.caches.clearLocal();
    const res = await gql(`{ trending(first: 1) { product { id } } }`);
    expect(res.data!.trending[0].product.id).toBe(quiet!.id);
  });

  it('refuses first outside 1-50', async () => {
    for (const first of [0, 51, -1]) {
      const res = await gql(`query($first: Int) { trending(first: $first) { score } }`, { first });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });
});
