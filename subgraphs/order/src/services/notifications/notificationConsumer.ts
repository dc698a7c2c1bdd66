import { isUuid, type DomainEvent, type EventBus, type Logger, type PrismaClient, type Subscription } from '@shopgraph/kit';
import { composeNotifications, NOTIFYING_TOPICS, type NotificationLookups, type NotifyingTopic } from './composeNotifications.js';
import type { NotificationChannel } from './notificationChannel.js';
import type { PasswordResetLinks } from './passwordResetLinks.js';

/** The durable consumer group: one instance handles each event, resuming where the group left off. */
export const NOTIFICATION_GROUP = 'order-notifications';

/**
 * Turns events into messages and hands each message to every channel. A failing channel fails
 * the event, which the bus retries; channels deliver a message once, so a retry (or any
 * redelivery) sends nothing twice.
 */
export class NotificationConsumer {
  private readonly lookups: NotificationLookups;

  constructor(
    prisma: PrismaClient,
    private readonly channels: readonly NotificationChannel[],
    private readonly logger: Logger,
    /** Absent without JWT_SECRET: reset events then make no message (requestPasswordReset refuses first). */
    resetLinks?: PasswordResetLinks,
  ) {
    this.lookups = {
      orderNumber: async (orderId) => !isUuid(orderId) ? null : (await prisma.order.findUnique({ where: { id: orderId }, select: { number: true } }))?.number ?? null,
      passwordResetLink: (resetId, sealedToken) => {
        const link = resetLinks?.linkFor(resetId, sealedToken) ?? null;
        // Retrying cannot help (another key sealed it): the customer asks again.
        if (!link) this.logger.warn({ resetId }, 'password reset: the token could not be opened; no message sent');
        return link;
      },
      now: () => new Date(),
    };
  }

  /** Handles one event; returns how many messages were delivered now (0 for a redelivery). */
  async handle(event: DomainEvent<NotifyingTopic>): Promise<number> {
    let delivered = 0;
    for (const message of await composeNotifications(event, this.lookups)) {
      for (const channel of this.channels) if (await channel.deliver(message)) delivered++;
    }
    return delivered;
  }

  subscribe(events: EventBus): Subscription {
    return events.subscribe({
      group: NOTIFICATION_GROUP,
      topics: NOTIFYING_TOPICS,
      handler: async (event) => {
        const delivered = await this.handle(event);
        this.logger.debug({ eventId: event.id, topic: event.topic, delivered }, 'notification event handled');
      },
    });
  }
}
