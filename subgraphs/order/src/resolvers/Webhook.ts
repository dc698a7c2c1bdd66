import type { WebhookDeliveryResolvers, WebhookEndpointResolvers } from '../generated/resolvers-types.js';

export const WebhookEndpoint: WebhookEndpointResolvers = {
  enabled: (e) => e.status === 'ACTIVE',
  previousSecretExpiresAt: (e) => (e.previousSecretUntil && e.previousSecretUntil.getTime() > Date.now() ? e.previousSecretUntil : null),
};

export const WebhookDelivery: WebhookDeliveryResolvers = {
  // A delivery waits for a next attempt only while PENDING.
  nextAttemptAt: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null),
  attemptLog: (d, _, ctx) => ctx.loaders.webhookAttempts.load(d.id),
};
