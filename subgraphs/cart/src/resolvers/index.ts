import { scalarResolvers } from '@shopgraph/kit';
import type { Resolvers } from '../generated/resolvers-types.js';
import { Cart } from './Cart.js';
import { CartItem } from './CartItem.js';
import { CartTotals } from './CartTotals.js';
import { Coupon } from './Coupon.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { Subscription } from './Subscription.js';
import { WishlistItem } from './WishlistItem.js';

export const resolvers: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  Decimal: scalarResolvers.Decimal,
  Query,
  Mutation,
  Subscription,
  Cart,
  CartItem,
  CartTotals,
  Coupon,
  WishlistItem,
};
