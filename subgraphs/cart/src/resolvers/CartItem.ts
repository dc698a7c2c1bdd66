import { money, Prisma } from '@shopgraph/kit';
import type { CartItemResolvers } from '../generated/resolvers-types.js';

export const CartItem: CartItemResolvers = {
  // The product subgraph owns variants; the gateway resolves the rest of it there.
  variant: (i) => ({ id: i.variantId }),
  unitPriceAtAdd: (i) => money(i.unitPriceAtAdd, i.currency),
  unitPrice: (i) => money(new Prisma.Decimal(i.unitPrice), i.currency),
  priceChanged: (i) => !new Prisma.Decimal(i.unitPrice).equals(i.unitPriceAtAdd),
  lineTotal: (i) => money(new Prisma.Decimal(i.unitPrice).times(i.quantity), i.currency),
};
