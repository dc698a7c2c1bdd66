import { Prisma } from '@shopgraph/kit';

const Decimal = Prisma.Decimal;
type Decimal = Prisma.Decimal;

/**
 * Cart totals, exact decimals (decimal.js via Prisma.Decimal, never floats). The rule:
 *
 *   line total  = unit price x quantity                     (exact: prices have 2 decimals)
 *   subtotal    = sum of line totals                          (exact)
 *   discount    = PERCENTAGE: subtotal x value / 100, rounded half-up to cents, at most subtotal
 *                 FIXED:      min(value, subtotal)
 *                 0 when the coupon does not apply (minimum spend, window, limits, currency)
 *   tax         = (subtotal - discount) x region rate, rounded half-up to cents
 *   shipping    = 0 for an empty cart or when subtotal - discount >= free threshold, else flat
 *   grandTotal  = subtotal - discount + tax + shipping        (exact sum of rounded parts)
 *
 * Every part is >= 0, so grandTotal >= 0; amounts are in the cart's currency (2 decimals).
 */
export interface TotalsLine {
  unitPrice: string;
  quantity: number;
}

export interface TotalsCoupon {
  code: string;
  kind: 'PERCENTAGE' | 'FIXED';
  value: string;
  currency: string | null;
  minSpend: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  active: boolean;
  usageLimit: number | null;
  usedCount: number;
  perCustomerLimit: number | null;
  /** How often the cart's customer already redeemed it (0 for a guest). */
  usedByCustomer: number;
}

export interface TotalsSettings {
  /** Rate as a decimal string ("0.19"), or null when no region was named (no tax). */
  taxRate: string | null;
  shippingFlatRate: string;
  freeShippingThreshold: string;
}

export interface Totals {
  subtotal: string;
  discount: string;
  tax: string;
  shipping: string;
  grandTotal: string;
  /** The coupon's code when it applies now. */
  appliedCoupon: string | null;
  /** Why the cart's coupon gives no discount now, or null. */
  couponProblem: string | null;
}

const cents = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/** Why `coupon` cannot apply to a cart of `subtotal` in `currency` at `now`, or null when it applies. */
export function couponProblem(coupon: TotalsCoupon, subtotal: Decimal, currency: string, now: Date): string | null {
  if (!coupon.active) return 'this coupon is no longer valid';
  if (coupon.startsAt && now < coupon.startsAt) return 'this coupon is not valid yet';
  if (coupon.endsAt && now >= coupon.endsAt) return 'this coupon has expired';
  if (coupon.kind === 'FIXED' && coupon.currency !== currency) return `this coupon is for ${coupon.currency} carts`;
  if (coupon.usageLimit !== null && coupon.usedCount >= coupon.usageLimit) return 'this coupon has been used up';
  if (coupon.perCustomerLimit !== null && coupon.usedByCustomer >= coupon.perCustomerLimit) return 'you have already used this coupon';
  if (coupon.minSpend !== null && subtotal.lessThan(coupon.minSpend)) return `spend at least ${new Decimal(coupon.minSpend).toFixed(2)} ${currency} to use this coupon`;
  return null;
}

export function computeTotals(lines: readonly TotalsLine[], coupon: TotalsCoupon | null, currency: string, settings: TotalsSettings, now: Date): Totals {
  const subtotal = lines.reduce((sum, l) => sum.plus(new Decimal(l.unitPrice).times(l.quantity)), new Decimal(0));
  let discount = new Decimal(0);
  let problem: string | null = null;
  if (coupon) {
    problem = couponProblem(coupon, subtotal, currency, now);
    if (problem === null) {
      discount = coupon.kind === 'PERCENTAGE' ? cents(subtotal.times(coupon.value).dividedBy(100)) : new Decimal(coupon.value);
      discount = Decimal.min(discount, subtotal);
    }
  }
  const taxable = subtotal.minus(discount);
  const tax = settings.taxRate === null ? new Decimal(0) : cents(taxable.times(settings.taxRate));
  const shipping = lines.length === 0 || taxable.greaterThanOrEqualTo(settings.freeShippingThreshold) ? new Decimal(0) : new Decimal(settings.shippingFlatRate);
  const grandTotal = taxable.plus(tax).plus(shipping);
  return {
    subtotal: subtotal.toFixed(2),
    discount: discount.toFixed(2),
    tax: tax.toFixed(2),
    shipping: shipping.toFixed(2),
    grandTotal: grandTotal.toFixed(2),
    appliedCoupon: coupon && problem === null ? coupon.code : null,
    couponProblem: problem,
  };
}
