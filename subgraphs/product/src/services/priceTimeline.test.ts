import { describe, expect, it } from 'vitest';
import { Prisma } from '@shopgraph/kit';
import { PriceTimeline } from './priceTimeline.js';

const D = (v: string) => new Prisma.Decimal(v);
const DAY = 86_400_000;
/** Day n of a fixed calendar (no wall clock). */
const day = (n: number) => Date.UTC(2026, 0, 1) + n * DAY;
const at = (n: number) => new Date(day(n));

describe('PriceTimeline', () => {
  // Created at 100 on day 0, 80 from day 10, 120 from day 50; a sale at 60 from day 70 to day 75.
  const timeline = new PriceTimeline(
    D('120'),
    [
      { effectiveAt: at(0), oldPrice: null, newPrice: D('100') },
      { effectiveAt: at(10), oldPrice: D('100'), newPrice: D('80') },
      { effectiveAt: at(50), oldPrice: D('80'), newPrice: D('120') },
    ],
    [{ startsAt: at(70), endsAt: at(75), price: D('60') }],
  );

  it('answers the base price between changes, the window price inside a window, nothing before creation', () => {
    expect(timeline.effectiveAt(day(-1))).toBeUndefined();
    expect(timeline.effectiveAt(day(5))!.toFixed(2)).toBe('100.00');
    expect(timeline.effectiveAt(day(10))!.toFixed(2)).toBe('80.00');
    expect(timeline.effectiveAt(day(70))!.toFixed(2)).toBe('60.00');
    // The window ends exactly at endsAt (exclusive).
    expect(timeline.effectiveAt(day(75) - 1)!.toFixed(2)).toBe('60.00');
    expect(timeline.effectiveAt(day(75))!.toFixed(2)).toBe('120.00');
  });

  it('names the next boundary, for cache lifetimes', () => {
    expect(timeline.nextChangeAfter(day(60))).toBe(day(70));
    expect(timeline.nextChangeAfter(day(72))).toBe(day(75));
    expect(timeline.nextChangeAfter(day(80))).toBeUndefined();
  });

  it('lowestBefore: the lowest price in the days before the current price took effect', () => {
    // During the sale (since day 70): the 30 days before day 70 are days 40-70: 80 until day 50, then 120.
    expect(timeline.lowestBefore(day(72), 30).toFixed(2)).toBe('80.00');
    // 10 days before day 70: only 120.
    expect(timeline.lowestBefore(day(72), 10).toFixed(2)).toBe('120.00');
    // After the sale (120 since day 75): the sale itself is in the 30 days before.
    expect(timeline.lowestBefore(day(80), 30).toFixed(2)).toBe('60.00');
    // At 80 (since day 10): before it only 100 existed.
    expect(timeline.lowestBefore(day(20), 30).toFixed(2)).toBe('100.00');
    // The first price ever: nothing before it, so the price itself.
    expect(timeline.lowestBefore(day(5), 30).toFixed(2)).toBe('100.00');
  });

  it('treats a change back to the same price as no change, and a variant without history as its base price', () => {
    const same = new PriceTimeline(
      D('50'),
      [
        { effectiveAt: at(0), oldPrice: null, newPrice: D('50') },
        { effectiveAt: at(5), oldPrice: D('50'), newPrice: D('50') },
      ],
      [],
    );
    expect(same.lowestBefore(day(9), 30).toFixed(2)).toBe('50.00');
    const bare = new PriceTimeline(D('9.99'), [], []);
    expect(bare.effectiveAt(day(1))!.toFixed(2)).toBe('9.99');
    expect(bare.lowestBefore(day(1), 30).toFixed(2)).toBe('9.99');
  });
});
