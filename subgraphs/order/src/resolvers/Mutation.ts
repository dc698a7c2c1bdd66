import { requireAuthenticated } from '@shopgraph/kit';
import type { MutationResolvers } from '../generated/resolvers-types.js';

export const Mutation: MutationResolvers = {
  checkout: (_, { input, idempotencyKey }, ctx) => ctx.services.checkout.checkout(requireAuthenticated(ctx.identity), ctx.requestId, input, idempotencyKey),
  updateOrderStatus: (_, { orderId, status, note, trackingNumber, carrier }, ctx) =>
    ctx.services.orders.updateStatus({ subject: requireAuthenticated(ctx.identity).subject, requestId: ctx.requestId }, orderId, status, note, { trackingNumber, carrier }),
  refundOrder: (_, args, ctx) => ctx.services.orders.refund({ subject: requireAuthenticated(ctx.identity).subject, requestId: ctx.requestId }, args),
  // notifications (issue 11)
  markNotificationsRead: (_, { ids }, ctx) => ctx.services.notifications.markRead(ctx.identity, ids),
  // webhooks (issue 11)
  createWebhookEndpoint: (_, { input }, ctx) => ctx.services.webhooks.create({ subject: requireAuthenticated(ctx.identity).subject, requestId: ctx.requestId }, input),
  updateWebhookEndpoint: (_, { id, input }, ctx) => ctx.services.webhooks.update(id, input),
  deleteWebhookEndpoint: (_, { id }, ctx) => ctx.services.webhooks.delete(id),
  rotateWebhookSecret: (_, { id, keepPreviousForSeconds }, ctx) => ctx.services.webhooks.rotateSecret(id, keepPreviousForSeconds ?? 86_400),
  resendWebhookDelivery: (_, { id }, ctx) => ctx.services.webhooks.resend(id),
};
