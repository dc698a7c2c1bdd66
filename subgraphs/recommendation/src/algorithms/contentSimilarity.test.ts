import { describe, expect, it } from 'vitest';
import { contentSimilarity, priceBandOf, type ContentFacts } from './contentSimilarity.js';

const linenShirt: ContentFacts = { productId: 'a', categoryIds: ['shirts', 'tops', 'women'], brandId: 'b1', priceBand: 4, attributes: ['material=Linen', 'fit=Relaxed'] };

describe('content similarity', () => {
  it('adds category overlap, brand, price band and attribute overlap with their weights', () => {
    const linenBlouse: ContentFacts = { productId: 'b', categoryIds: ['blouses', 'tops', 'women'], brandId: 'b1', priceBand: 5, attributes: ['material=Linen', 'fit=Slim'] };
    // category 2/3 * 0.45 = 0.3; brand 0.2; adjacent band 0.5 * 0.2 = 0.1; attributes 1/3 * 0.15 = 0.05
    expect(contentSimilarity(linenShirt, linenBlouse)).toBeCloseTo(0.65, 12);
    expect(contentSimilarity(linenShirt, { ...linenShirt, productId: 'c' })).toBeCloseTo(1, 12);
    expect(contentSimilarity(linenShirt, { productId: 'd', categoryIds: ['lamps', 'lighting', 'home'], brandId: null, priceBand: null, attributes: [] })).toBe(0);
  });

  it('bands prices by powers of two', () => {
    expect([priceBandOf(8), priceBandOf(10), priceBandOf(15.99), priceBandOf(16), priceBandOf(0), priceBandOf(null)]).toEqual([3, 3, 3, 4, null, null]);
  });
});
