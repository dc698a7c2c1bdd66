import { scalarResolvers } from '@shopgraph/kit';
import type { Resolvers } from '../generated/resolvers-types.js';
import { Mutation } from './Mutation.js';
import { Notification } from './Notification.js';
import { Order, OrderLine, OrderTimelineEntry, Payment, Refund } from './Order.js';
import { Product } from './Product.js';
import { Query } from './Query.js';
import { Subscription } from './Subscription.js';
import { AccountMutation } from './AccountMutation.js';
import { AccountQuery } from './AccountQuery.js';
import { Customer } from './Customer.js';
import { WebhookDelivery, WebhookEndpoint } from './Webhook.js';

export const resolvers: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  Decimal: scalarResolvers.Decimal,
  Query: { ...Query, ...AccountQuery },
  Mutation: { ...Mutation, ...AccountMutation },
  Subscription,
  Order,
  OrderLine,
  OrderTimelineEntry,
  Payment,
  Refund,
  Product,
  // accounts (issue 10)
  Customer,
  Notification,
  WebhookEndpoint,
  WebhookDelivery,
};
