import type { Subscription, SubgraphDeps } from '@shopgraph/kit';
import { WebhookDeliveryWorker } from './webhookDeliveryWorker.js';
import { WebhookEndpointService } from './webhookEndpointService.js';
import { WebhookFanOut } from './webhookFanOut.js';
import { webhookMetrics } from './webhookMetrics.js';
import { createWebhookSecretBox } from './webhookSecretBox.js';
import { loadWebhookSettings, type WebhookSettings } from './webhookSettings.js';

/** The order subgraph's webhook parts, made once at boot: admin service, fan-out consumer, delivery worker. */
export function createWebhooks(deps: SubgraphDeps, overrides: Partial<WebhookSettings> = {}) {
  const settings = { ...loadWebhookSettings(), ...overrides };
  const logger = deps.logger.child({ component: 'webhooks' });
  if (settings.developmentKey) logger.warn('WEBHOOK_SECRET_KEY and INTERNAL_SIGNING_SECRET are unset: webhook secrets are sealed with a development key');
  const box = createWebhookSecretBox(settings.secretKeyMaterial);
  const worker = new WebhookDeliveryWorker(deps.database.prisma, box, settings, logger, webhookMetrics(deps.metrics.registry));
  const wake = () => worker.wake();
  const endpoints = new WebhookEndpointService(deps.database.prisma, box, settings, wake);
  const fanOut = new WebhookFanOut(deps.database.prisma, settings.maxAttempts, wake);
  let subscription: Subscription | undefined;
  return {
    settings,
    endpoints,
    fanOut,
    worker,
    start() {
      subscription = fanOut.subscribe(deps.events, logger);
      worker.start();
    },
    async stop() {
      await subscription?.close();
      await worker.stop();
    },
  };
}
