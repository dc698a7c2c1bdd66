import { describe, expect, it } from 'vitest';
import { decayedActivity, ratingFactor, trendingScore } from './trendingScore.js';

describe('trending score', () => {
  const days = [
    { ageDays: 0, views: 10, cartAdds: 2, purchases: 1 }, // 10 + 3 * 2 + 10 * 1 = 26, weight 1
    { ageDays: 3, views: 20, cartAdds: 0, purchases: 0 }, // 20, one half-life old: 10
    { ageDays: 14, views: 1000, cartAdds: 100, purchases: 100 }, // outside the 14-day window
  ];

  it('sums weighted activity halved every three days within 14 days', () => {
    expect(decayedActivity(days)).toBe(36);
    expect(decayedActivity([{ ageDays: 6, views: 8, cartAdds: 0, purchases: 0 }])).toBe(2);
  });

  it('weighs a good new review between a cart add and a purchase, decaying like the rest', () => {
    expect(decayedActivity([{ ageDays: 0, views: 0, cartAdds: 0, purchases: 0, goodReviews: 2 }])).toBe(10);
    expect(decayedActivity([{ ageDays: 3, views: 0, cartAdds: 0, purchases: 0, goodReviews: 2 }])).toBe(5);
    // One 5-star review on a quiet product: 5 points, times its rating factor (1 review of 5 against the prior).
    expect(trendingScore([{ ageDays: 0, views: 0, cartAdds: 0, purchases: 0, goodReviews: 1 }], 5, 1)).toBeCloseTo(5 * (1 + (0.5 * ((5 + 15) / 6 - 3)) / 2), 10);
  });

  it('applies the Bayesian rating: unrated 1, five 5-star reviews -> average 4 -> 1.25, five 1-star -> 0.75', () => {
    expect(ratingFactor(0, 0)).toBe(1);
    expect(ratingFactor(5, 5)).toBe(1.25); // (5*5 + 3*5) / 10 = 4; 1 + 0.5 * (4 - 3) / 2
    expect(ratingFactor(1, 5)).toBe(0.75);
    expect(trendingScore(days, 5, 5)).toBe(45);
    expect(trendingScore(days)).toBe(36);
  });
});
