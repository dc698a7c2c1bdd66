import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageRating } from './ratingSummary.js';

describe('averageRating', () => {
  it('rounds half up to 2 decimals', () => {
    expect(averageRating({ count: 0, starSum: 0 })).toBeNull();
    expect(averageRating({ count: 3, starSum: 13 })).toBe('4.33');
    expect(averageRating({ count: 3, starSum: 14 })).toBe('4.67');
    expect(averageRating({ count: 2, starSum: 9 })).toBe('4.50');
    expect(averageRating({ count: 8, starSum: 35 })).toBe('4.38'); // 4.375 goes up
    expect(averageRating({ count: 1, starSum: 5 })).toBe('5.00');
  });

  it('agrees with decimal rounding done another way (thousandths digit >= 5 rounds up)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (count, share) => {
        const starSum = count + Math.round(share * 4 * count); // between 1 and 5 stars on average
        const thousandths = (BigInt(starSum) * 1000n) / BigInt(count);
        const hundredths = thousandths / 10n + (thousandths % 10n >= 5n ? 1n : 0n);
        expect(averageRating({ count, starSum })).toBe(`${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`);
      }),
    );
  });
});
