import { describe, expect, it } from 'vitest';
import { generateDataset } from './evaluationDataset.js';
import { evaluate } from './offlineEvaluation.js';

describe('offline evaluation of recommendations', () => {
  const options = { products: 300, customers: 700, days: 120, testDays: 30, seed: 11 };

  it('generates the same shop for the same seed', () => {
    const a = generateDataset(options);
    const b = generateDataset(options);
    expect(b.events).toEqual(a.events);
    expect(a.events.some((e) => e.at >= a.cutoff && e.kind === 'purchase')).toBe(true);
  });

  it('finds more of the held-out purchases with the personal recommender than with best sellers', () => {
    const result = evaluate(generateDataset(options));
    const personal = result.models['personalised (production blend)']!;
    const popular = result.models['popularity baseline (best sellers before the cutoff)']!;
    expect(result.customers).toBeGreaterThan(100);
    // Well beyond noise: two standard errors of both.
    expect(personal.precisionAt10 - 2 * personal.precisionStdErr).toBeGreaterThan(popular.precisionAt10 + 2 * popular.precisionStdErr);
    expect(personal.recallAt10).toBeGreaterThan(popular.recallAt10);
  });
});
