import type { QueryResolvers } from '../generated/resolvers-types.js';

export const Query: QueryResolvers = {
  order: (_, { id }, ctx) => ctx.services.orders.order(ctx.identity, id),
  myOrders: (_, args, ctx) => ctx.services.orders.myOrders(ctx.identity, args),
  orders: (_, args, ctx) => ctx.services.orders.orders(args),
  // notifications (issue 11)
  myNotifications: (_, args, ctx) => ctx.services.notifications.myNotifications(ctx.identity, args),
  adminNotifications: (_, args, ctx) => ctx.services.notifications.adminNotifications(args),
  // webhooks (issue 11)
  webhookEndpoints: (_, __, ctx) => ctx.services.webhooks.list(),
  webhookDeliveries: (_, args, ctx) => ctx.services.webhooks.deliveries(args),
  sellerOrderLines: (_, { first }, ctx) => ctx.services.sellerLines.lines(ctx.identity, first),
};
