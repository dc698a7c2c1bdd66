import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeTotals, type TotalsCoupon } from '../src/services/totals.js';

/**
 * Totals against an independent oracle in integer cents (BigInt): random carts, coupons, tax
 * rates and shipping settings. The rounding rule (totals.ts): discount and tax are each rounded
 * half-up to cents once; everything else is exact.
 */
const NOW = new Date('2026-11-26T12:00:00Z');
const toCents = (amount: string) => {
  const [whole, frac = ''] = amount.split('.');
  return BigInt(whole!) * 100n + BigInt(frac.padEnd(2, '0'));
};
const fmt = (cents: bigint) => `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
/** round(n / d) half-up, for n, d >= 0. */
const roundHalfUp = (n: bigint, d: bigint) => (2n * n + d) / (2n * d);

const centsArb = fc.bigInt({ min: 0n, max: 99_999_99n });
const lineArb = fc.record({ price: centsArb, quantity: fc.integer({ min: 1, max: 999 }) });
const couponArb = fc.option(
  fc.record({
    kind: fc.constantFrom<'PERCENTAGE' | 'FIXED'>('PERCENTAGE', 'FIXED'),
    // PERCENTAGE: basis points of a percent, 0.01-100.00; FIXED: cents.
    value: fc.bigInt({ min: 1n, max: 10_000n }),
    minSpend: fc.option(fc.bigInt({ min: 0n, max: 500_000n })),
    active: fc.boolean(),
    usageLimit: fc.option(fc.integer({ min: 1, max: 3 })),
    usedCount: fc.integer({ min: 0, max: 3 }),
  }),
);
// Rates with up to 6 decimals, 0 to 30 %.
const rateArb = fc.option(fc.bigInt({ min: 0n, max: 300_000n }));
const shippingArb = fc.record({ flat: fc.bigInt({ min: 0n, max: 5_000n }), threshold: fc.bigInt({ min: 0n, max: 200_000n }) });

describe('cart totals (fast-check)', () => {
  it('are exact, consistent, never negative and follow the stated rounding rule', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 12 }), couponArb, rateArb, shippingArb, (lines, c, rateMicro, ship) => {
        const coupon: TotalsCoupon | null = c && {
          code: 'C',
          kind: c.kind,
          value: c.kind === 'PERCENTAGE' ? fmt(c.value) : fmt(c.value * 7n),
          currency: c.kind === 'FIXED' ? 'USD' : null,
          minSpend: c.minSpend === null ? null : fmt(c.minSpend),
          startsAt: null,
          endsAt: null,
          active: c.active,
          usageLimit: c.usageLimit,
          usedCount: c.usedCount,
          perCustomerLimit: null,
          usedByCustomer: 0,
        };
        const rate = rateMicro === null ? null : `0.${rateMicro.toString().padStart(6, '0')}`;
        const t = computeTotals(
          lines.map((l) => ({ unitPrice: fmt(l.price), quantity: l.quantity })),
          coupon,
          'USD',
          { taxRate: rate, shippingFlatRate: fmt(ship.flat), freeShippingThreshold: fmt(ship.threshold) },
          NOW,
        );
        for (const part of [t.subtotal, t.discount, t.tax, t.shipping, t.grandTotal]) expect(part).toMatch(/^\d+\.\d{2}$/);

        // The oracle, in integer cents.
        const subtotal = lines.reduce((s, l) => s + l.price * BigInt(l.quantity), 0n);
        let discount = 0n;
        const applies =
          coupon !== null && c !== null && c.active && (c.usageLimit === null || c.usedCount < c.usageLimit) && (c.minSpend === null || subtotal >= c.minSpend);
        if (applies) {
          discount = c.kind === 'PERCENTAGE' ? roundHalfUp(subtotal * c.value, 10_000n) : c.value * 7n;
          if (discount > subtotal) discount = subtotal;
        }
        const taxable = subtotal - discount;
        const tax = rateMicro === null ? 0n : roundHalfUp(taxable * rateMicro, 1_000_000n);
        const shipping = lines.length === 0 || taxable >= ship.threshold ? 0n : ship.flat;

        expect(toCents(t.subtotal)).toBe(subtotal);
        expect(toCents(t.discount)).toBe(discount);
        expect(toCents(t.tax)).toBe(tax);
        expect(toCents(t.shipping)).toBe(shipping);
        expect(toCents(t.grandTotal)).toBe(toCents(t.subtotal) - toCents(t.discount) + toCents(t.tax) + toCents(t.shipping));
        expect(toCents(t.grandTotal)).toBeGreaterThanOrEqual(0n);
        expect(t.appliedCoupon).toBe(applies ? 'C' : null);
        if (coupon && !applies) expect(t.couponProblem).not.toBeNull();

        // The order of lines changes nothing.
        const reversed = computeTotals(
          [...lines].reverse().map((l) => ({ unitPrice: fmt(l.price), quantity: l.quantity })),
          coupon,
          'USD',
          { taxRate: rate, shippingFlatRate: fmt(ship.flat), freeShippingThreshold: fmt(ship.threshold) },
          NOW,
        );
        expect(reversed).toEqual(t);
      }),
      { numRuns: 500 },
    );
  });

  it('respects the validity window and the per-customer limit', () => {
    const base: TotalsCoupon = {
      code: 'W',
      kind: 'FIXED',
      value: '5.00',
      currency: 'USD',
      minSpend: null,
      startsAt: new Date('2026-11-27T00:00:00Z'),
      endsAt: null,
      active: true,
      usageLimit: null,
      usedCount: 0,
      perCustomerLimit: 1,
      usedByCustomer: 0,
    };
    const lines = [{ unitPrice: '20.00', quantity: 1 }];
    const settings = { taxRate: null, shippingFlatRate: '0', freeShippingThreshold: '0' };
    expect(computeTotals(lines, base, 'USD', settings, NOW)).toMatchObject({ discount: '0.00', couponProblem: 'this coupon is not valid yet' });
    expect(computeTotals(lines, { ...base, startsAt: null, endsAt: NOW }, 'USD', settings, NOW)).toMatchObject({ discount: '0.00', couponProblem: 'this coupon has expired' });
    expect(computeTotals(lines, { ...base, startsAt: null, usedByCustomer: 1 }, 'USD', settings, NOW).couponProblem).toBe('you have already used this coupon');
    expect(computeTotals(lines, { ...base, startsAt: null }, 'EUR', settings, NOW).discount).toBe('0.00');
    expect(computeTotals(lines, { ...base, startsAt: null }, 'USD', settings, NOW)).toMatchObject({ discount: '5.00', grandTotal: '15.00', appliedCoupon: 'W' });
  });
});
