import { money, Prisma } from '@shopgraph/kit';
import type { WishlistItemResolvers } from '../generated/resolvers-types.js';

export const WishlistItem: WishlistItemResolvers = {
  // References: the gateway resolves product fields in the product subgraph, stock in inventory.
  product: (i) => ({ id: i.productId }),
  variant: (i) => ({ id: i.variantId }),
  priceWhenSaved: (i) => money(i.priceWhenSaved, i.currency),
  currentPrice: (i) => money(new Prisma.Decimal(i.currentPrice), i.currency),
  priceDropped: (i) => new Prisma.Decimal(i.currentPrice).lessThan(i.priceWhenSaved),
  priceDrop: (i) => {
    const drop = i.priceWhenSaved.minus(i.currentPrice);
    return drop.greaterThan(0) ? money(drop, i.currency) : null;
  },
};
