import { describe, expect, it } from 'vitest';
import type { Neighbour } from './itemSimilarity.js';
import { recommendForCustomer, type CandidateFacts, type HistoryEntry, type PersonalContext } from './personalised.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const DAY = 86_400_000;

/** Products in distinct categories and brands (content similarity 0) unless said otherwise. */
function product(id: string, more: Partial<CandidateFacts> = {}): CandidateFacts {
  return {
    productId: id,
    categoryIds: [`leaf-${id}`, `dept-${id}`, `root-${id}`],
    categoryNames: [`Leaf ${id}`, `Dept ${id}`, `Root ${id}`],
    brandId: null,
    priceBand: null,
    attributes: [],
    active: true,
    inStock: true,
    consumable: false,
    ...more,
  };
}

const facts = new Map(
  [
    product('P1', { categoryIds: ['shirts', 'tops', 'women'], categoryNames: ['Shirts', 'Tops', 'Women'] }),
    product('P2'),
    // Same leaf as P1: content similarity 0.45.
    product('P3', { categoryIds: ['shirts', 'tops', 'women'], categoryNames: ['Shirts', 'Tops', 'Women'] }),
    product('P4', { inStock: false }),
    product('P5'),
    product('P6'),
    // Shares P1's department.
    product('P7', { categoryIds: ['blouses', 'tops', 'women'], categoryNames: ['Blouses', 'Tops', 'Women'] }),
    product('P8'),
    product('P9', { consumable: true }),
  ].map((f) => [f.productId, f]),
);
const neighbours: Record<string, Neighbour[]> = {
  P1: [
    { productId: 'P4', similarity: 0.9 },
    { productId: 'P2', similarity: 0.5 },
    { productId: 'P3', similarity: 0.2 },
  ],
  P5: [
    { productId: 'P1', similarity: 0.8 },
    { productId: 'P6', similarity: 0.4 },
  ],
};
const ctx: PersonalContext = {
  facts: (id) => facts.get(id),
  neighbours: (id) => neighbours[id] ?? [],
  contentNeighbours: (id) => (id === 'P1' ? ['P3'] : []),
  trending: ['P4', 'P2', 'P7', 'P8'].map((productId, i) => ({ productId, score: 100 - i })),
  now: NOW,
};
const options = { limit: 5, cfWeight: 0.7, recencyHalfLifeDays: 30 };

describe('personal recommendations', () => {
  it('blends collaborative filtering and content over the history, then fills from trending, each with its reason', () => {
    const history: HistoryEntry[] = [
      { productId: 'P1', purchased: true, weight: 1, at: NOW },
      // A view a month ago: 0.3 * 0.5 = 0.15.
      { productId: 'P5', purchased: false, weight: 0.3, at: NOW - 30 * DAY },
    ];
    const picks = recommendForCustomer(history, ctx, options);
    expect(picks.map((p) => [p.productId, p.reason, p.reasonProductId ?? p.reasonCategory])).toEqual([
      ['P2', 'SIMILAR_TO_PURCHASED', 'P1'], // 0.7 * 0.5 = 0.35
      ['P3', 'SIMILAR_TO_PURCHASED', 'P1'], // 0.7 * 0.2 + 0.3 * 0.45 = 0.275
      ['P6', 'SIMILAR_TO_VIEWED', 'P5'], // 0.15 * 0.7 * 0.4 = 0.042
      ['P7', 'TRENDING_IN_CATEGORY', 'Tops'], // shares P1's department; P4 is out of stock, P2 taken
      ['P8', 'TRENDING', null],
    ]);
    expect(picks[0]!.score).toBeCloseTo(0.35, 12);
    expect(picks[1]!.score).toBeCloseTo(0.275, 12);
    expect(picks[2]!.score).toBeCloseTo(0.042, 12);
    expect(picks[3]!.score).toBe(0);
    // Never: P1 (bought, not consumable), P4 (out of stock, however similar), P5's own neighbour P1.
    expect(picks.map((p) => p.productId)).not.toContain('P1');
  });

  it('recommends a consumable again after it was bought', () => {
    const withRefill = { ...ctx, neighbours: (id: string) => (id === 'P1' ? [{ productId: 'P9', similarity: 0.5 }] : []) };
    const history: HistoryEntry[] = [
      { productId: 'P1', purchased: true, weight: 1, at: NOW },
      { productId: 'P9', purchased: true, weight: 1, at: NOW },
    ];
    expect(recommendForCustomer(history, withRefill, { ...options, limit: 1 })).toEqual([
      { productId: 'P9', score: 0.35, reason: 'SIMILAR_TO_PURCHASED', reasonProductId: 'P1', reasonCategory: null },
    ]);
  });

  it('starts a customer with no history on what is trending, in stock only', () => {
    expect(recommendForCustomer([], ctx, options).map((p) => [p.productId, p.reason])).toEqual([
      ['P2', 'TRENDING'],
      ['P7', 'TRENDING'],
      ['P8', 'TRENDING'],
    ]);
  });
});
