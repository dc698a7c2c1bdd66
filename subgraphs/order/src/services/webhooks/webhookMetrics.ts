import { Counter, Histogram, type Registry } from 'prom-client';
import { perRegistry } from '@shopgraph/kit';

function createWebhookMetrics(registry: Registry) {
  return {
    attempts: new Counter({
      name: 'webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome (succeeded: a 2xx answer; failed: anything else)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    deadLettered: new Counter({ name: 'webhook_dead_lettered_total', help: 'Webhook deliveries dead-lettered after their last attempt', registers: [registry] }),
    duration: new Histogram({
      name: 'webhook_attempt_duration_seconds',
      help: 'Time from sending a webhook to its answer (or failure)',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;

/** Webhook delivery metrics on the order subgraph's /metrics: one set per registry, however many workers share it. */
export const webhookMetrics = perRegistry(createWebhookMetrics);
