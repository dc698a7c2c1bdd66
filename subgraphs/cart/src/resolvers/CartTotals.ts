import type { CartTotalsResolvers } from '../generated/resolvers-types.js';

const m = (amount: string, currency: string) => ({ amount, currency });

export const CartTotals: CartTotalsResolvers = {
  subtotal: (t) => m(t.subtotal, t.currency),
  discount: (t) => m(t.discount, t.currency),
  tax: (t) => m(t.tax, t.currency),
  shipping: (t) => m(t.shipping, t.currency),
  grandTotal: (t) => m(t.grandTotal, t.currency),
};
