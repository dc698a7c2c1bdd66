import type { QueryResolvers } from '../generated/resolvers-types.js';

export const Query: QueryResolvers = {
  order: (_, { id }, ctx) => ctx.services.orders.order(ctx.identity, id),
  myOrders: (_, args, ctx) => ctx.services.orders.myOrders(ctx.identity, args),
  orders: (_, args, ctx) => ctx.services.orders.orders(args),
  sellerOrderLines: (_, { first }, ctx) => ctx.services.sellerLines.lines(ctx.identity, first),
};
