import { money } from '@shopgraph/kit';
import type { CartItemResolvers } from '../generated/resolvers-types.js';

export const CartItem: CartItemResolvers = {
  // The product subgraph owns variants; the gateway resolves the rest of it there.
  variant: (i) => ({ id: i.variantId }),
  unitPriceAtAdd: (i) => money(i.unitPriceAtAdd, i.currency),
};
