import {
  InputError,
  isUuid,
  newestFirstKeyset,
  parseFirst,
  requireAuthenticated,
  satisfiesScopes,
  toConnection,
  type Identity,
  type PageArgs,
  type Prisma,
  type PrismaClient,
} from '@shopgraph/kit';
import type { NotificationConnectionModel } from '../../models.js';
import { ADMINS_RECIPIENT } from './notificationMessage.js';

const NOTIFICATION_SORT = 'notification:created_desc';
const MAX_MARK = 100;
/** Who reads admin messages (the gateway checks it too: @requiresScopes on adminNotifications). */
const ADMIN_NOTIFICATION_SCOPES = [['inventory']] as const;

export interface NotificationPageArgs extends PageArgs {
  unreadOnly?: boolean | null;
}

/** Reads of the messages the built-in channel stored; each caller sees only their own. */
export class NotificationService {
  constructor(private readonly prisma: PrismaClient) {}

  /** The signed-in caller's messages, newest first. */
  myNotifications(identity: Identity, args: NotificationPageArgs): Promise<NotificationConnectionModel> {
    return this.page(requireAuthenticated(identity).subject, args);
  }

  /** Messages for admins (low stock), newest first. */
  adminNotifications(args: NotificationPageArgs): Promise<NotificationConnectionModel> {
    return this.page(ADMINS_RECIPIENT, args);
  }

  /**
   * Marks messages read: the caller's own, and admin messages for an admin with the inventory
   * scope. Ids of anyone else's are skipped without saying whether they exist. Returns how many changed.
   */
  async markRead(identity: Identity, ids: readonly string[]): Promise<number> {
    const user = requireAuthenticated(identity);
    if (ids.length > MAX_MARK) throw InputError.of('ids', `at most ${MAX_MARK} at once`);
    if (!ids.every(isUuid)) throw InputError.of('ids', 'are not all notification ids');
    const recipients = [user.subject, ...(satisfiesScopes(identity, ADMIN_NOTIFICATION_SCOPES) ? [ADMINS_RECIPIENT] : [])];
    const { count } = await this.prisma.notification.updateMany({
      where: { id: { in: [...ids] }, recipient: { in: recipients }, readAt: null },
      data: { readAt: new Date() },
    });
    return count;
  }

  private async page(recipient: string, args: NotificationPageArgs): Promise<NotificationConnectionModel> {
    const first = parseFirst(args.first);
    const { after, keyset } = newestFirstKeyset(args.after, NOTIFICATION_SORT, 'createdAt');
    const where: Prisma.NotificationWhereInput = { recipient, ...(args.unreadOnly && { readAt: null }) };
    const rows = await this.prisma.notification.findMany({ where: { AND: [where, keyset] }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first + 1 });
    return toConnection(rows, { first, after }, NOTIFICATION_SORT, (n) => [n.createdAt.toISOString(), n.id], () => this.prisma.notification.count({ where }));
  }
}
