import { servedByGateway } from '@shopgraph/kit';
import type { OrderContext } from '../context.js';
import type { SubscriptionOrderStatusChangedArgs, SubscriptionResolvers } from '../generated/resolvers-types.js';

/** Admission only: the gateway serves the events (see servedByGateway). */
export const Subscription: SubscriptionResolvers = {
  orderStatusChanged: {
    subscribe: servedByGateway,
    resolve: (_: unknown, { orderId }: SubscriptionOrderStatusChangedArgs, ctx: OrderContext) => ctx.services.watch.admitStatusWatch(ctx, orderId),
  },
};
