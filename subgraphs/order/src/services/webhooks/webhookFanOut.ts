import type { DomainEvent, EventBus, Logger, PrismaClient, Subscription } from '@shopgraph/kit';
import { WEBHOOK_TOPICS, webhookTypeOfTopic } from './webhookEventTypes.js';

/** The durable group that turns events into deliveries (each event handled by one order instance). */
export const WEBHOOK_FAN_OUT_GROUP = 'order.webhooks';

/** What a receiver gets, byte for byte the same on every attempt. */
export function webhookBody(event: DomainEvent, type: string): string {
  return JSON.stringify({ id: event.id, type, createdAt: event.occurredAt, data: event.payload });
}

/**
 * Fans each event out to one delivery row per active endpoint subscribed to its type and
 * registered before it occurred. The bus delivers at least once; UNIQUE(endpoint, event)
 * with ON CONFLICT DO NOTHING makes a redelivered event add nothing.
 */
export class WebhookFanOut {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly maxAttempts: number,
    /** Called when rows were added, so the worker sends them now. */
    private readonly onDue: () => void,
  ) {}

  /** Returns how many delivery rows the event added. */
  async fanOut(event: DomainEvent): Promise<number> {
    const type = webhookTypeOfTopic(event.topic);
    if (!type) return 0;
    const added = await this.prisma.$executeRaw`
      INSERT INTO ordering.webhook_delivery (endpoint_id, event_id, event_type, body, attempts_left)
      SELECT e.id, ${event.id}::uuid, ${type}, ${webhookBody(event, type)}, ${this.maxAttempts}
      FROM ordering.webhook_endpoint e
      WHERE e.status = 'ACTIVE' AND ${type} = ANY(e.event_types) AND e.created_at <= ${event.occurredAt}::timestamptz
      ON CONFLICT (endpoint_id, event_id) DO NOTHING`;
    if (added > 0) this.onDue();
    return added;
  }

  subscribe(events: EventBus, logger: Logger): Subscription {
    return events.subscribe({
      group: WEBHOOK_FAN_OUT_GROUP,
      topics: WEBHOOK_TOPICS,
      handler: async (event) => {
        const added = await this.fanOut(event);
        if (added > 0) logger.debug({ eventId: event.id, topic: event.topic, deliveries: added }, 'webhook deliveries queued');
      },
    });
  }
}
