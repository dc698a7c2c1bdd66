import type { Logger, PrismaClient } from '@shopgraph/kit';
import type { NotificationChannel } from './notificationChannel.js';
import type { NotificationMessage } from './notificationMessage.js';

/**
 * The built-in channel: a row in ordering.notification (what myNotifications reads) and a log
 * line, so the flow is visible in the embedded default. The unique (event, recipient, kind)
 * makes a second delivery a no-op.
 */
export class TableNotificationChannel implements NotificationChannel {
  readonly name = 'table';

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
  ) {}

  async deliver(m: NotificationMessage): Promise<boolean> {
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO ordering.notification (recipient, kind, event_id, title, body, data)
      VALUES (${m.recipient}, ${m.kind}, ${m.eventId}::uuid, ${m.title}, ${m.body}, ${JSON.stringify(m.data)}::jsonb)
      ON CONFLICT (event_id, recipient, kind) DO NOTHING`;
    if (inserted > 0) this.logger.info({ recipient: m.recipient, kind: m.kind, eventId: m.eventId }, `notification: ${m.title}`);
    return inserted > 0;
  }
}
