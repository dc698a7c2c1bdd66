import { servedByGateway } from '@shopgraph/kit';
import type { CartContext } from '../context.js';
import type { SubscriptionCartChangedArgs, SubscriptionResolvers } from '../generated/resolvers-types.js';

/** Admission only: the gateway serves the events (see servedByGateway). */
export const Subscription: SubscriptionResolvers = {
  cartChanged: {
    subscribe: servedByGateway,
    resolve: async (_: unknown, { cartId, cartToken }: SubscriptionCartChangedArgs, ctx: CartContext) => {
      const cart = await ctx.services.cart.admitWatch(ctx, cartId, cartToken);
      return { cartId: cart.id, change: 'ITEM_UPDATED' as const, occurredAt: cart.updatedAt, cart };
    },
  },
};
