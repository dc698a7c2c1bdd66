import { scalarResolvers } from '@shopgraph/kit';
import type { Resolvers } from '../generated/resolvers-types.js';
import { Mutation } from './Mutation.js';
import { Notification } from './Notification.js';
import { Order, OrderLine, OrderTimelineEntry, Payment, Refund } from './Order.js';
import { Product } from './Product.js';
import { Query } from './Query.js';
import { Subscription } from './Subscription.js';

export const resolvers: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  Decimal: scalarResolvers.Decimal,
  Query,
  Mutation,
  Subscription,
  Order,
  OrderLine,
  OrderTimelineEntry,
  Payment,
  Refund,
  Product,
  Notification,
};
