import { assertOwnerOrAdmin, isUuid, NotFoundError, type Identity, type PrismaClient } from '@shopgraph/kit';

export interface OrderStatusSnapshot {
  orderId: string;
  status: string;
  previousStatus: null;
  occurredAt: Date;
}

/** Who may watch an order: its customer, or an admin with the orders scope. */
export class OrderWatchService {
  constructor(private readonly prisma: PrismaClient) {}

  /** Admits a subscription to an order's status changes; returns the order's current status. */
  async admitStatusWatch(ctx: { identity: Identity }, orderId: string): Promise<OrderStatusSnapshot> {
    // Authorisation reads the owner fresh, never from a cache.
    const order = isUuid(orderId)
      ? await this.prisma.order.findUnique({ where: { id: orderId }, select: { id: true, customerId: true, status: true, createdAt: true } })
      : null;
    // Unknown ids and other customers' orders look alike to an anonymous caller: sign in first.
    if (!order) {
      assertOwnerOrAdmin(ctx.identity, null, 'orders');
      throw new NotFoundError('Order', 'id', orderId);
    }
    assertOwnerOrAdmin(ctx.identity, order.customerId, 'orders');
    return { orderId: order.id, status: order.status, previousStatus: null, occurredAt: order.createdAt };
  }
}
