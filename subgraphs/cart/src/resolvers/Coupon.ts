import type { CouponResolvers } from '../generated/resolvers-types.js';

export const Coupon: CouponResolvers = {
  kind: (c) => c.kind as 'PERCENTAGE' | 'FIXED',
  value: (c) => c.value.toFixed(2),
  minSpend: (c) => c.minSpend?.toFixed(2) ?? null,
};
