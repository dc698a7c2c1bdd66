import { describe, expect, it } from 'vitest';
import { interactionWeight, itemNeighbours } from './itemSimilarity.js';

describe('item-to-item collaborative filtering', () => {
  // Columns over customers u1 u2 u3: A = (1, 1, 1), B = (1, 0.3, 0), C = (0, 0, 1).
  const neighbours = itemNeighbours(
    [
      { customerId: 'u1', productId: 'A', weight: 1 },
      { customerId: 'u1', productId: 'B', weight: 1 },
      { customerId: 'u2', productId: 'A', weight: 1 },
      { customerId: 'u2', productId: 'B', weight: 0.3 },
      { customerId: 'u2', productId: 'B', weight: 0.1 }, // the strongest interaction of a pair counts
      { customerId: 'u3', productId: 'A', weight: 1 },
      { customerId: 'u3', productId: 'C', weight: 1 },
    ],
    { limit: 10, shrinkage: 2, minSimilarity: 0.01, maxItemsPerCustomer: 200 },
  );

  it('is the cosine of customer columns shrunk by common / (common + 2)', () => {
    const ab = (1.3 / Math.sqrt(3 * 1.09)) * (2 / 4);
    const ac = (1 / Math.sqrt(3)) * (1 / 3);
    expect(neighbours.get('A')!.map((n) => n.productId)).toEqual(['B', 'C']);
    expect(neighbours.get('A')![0]!.similarity).toBeCloseTo(ab, 12);
    expect(neighbours.get('A')![1]!.similarity).toBeCloseTo(ac, 12);
    expect(neighbours.get('B')).toEqual([{ productId: 'A', similarity: neighbours.get('A')![0]!.similarity }]);
    // B and C share no customer.
    expect(neighbours.get('C')!.map((n) => n.productId)).toEqual(['A']);
  });

  it('weighs a purchase over a cart add over a view', () => {
    expect(interactionWeight({ purchases: 1, cartAdds: 0, views: 0 })).toBe(1);
    expect(interactionWeight({ purchases: 0, cartAdds: 2, views: 5 })).toBe(0.6);
    expect(interactionWeight({ purchases: 0, cartAdds: 0, views: 1 })).toBe(0.3);
    expect(interactionWeight({ purchases: 0, cartAdds: 0, views: 0 })).toBe(0);
  });
});
