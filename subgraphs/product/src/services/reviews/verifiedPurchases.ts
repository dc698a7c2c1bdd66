import type { EventPayload, Prisma, PrismaClient } from '@shopgraph/kit';

/**
 * Who bought what, learnt from the order subgraph's events (never its tables), kept in
 * catalog.verified_purchase as (order, product, customer):
 * - order.placed adds a row per product of the order, unconfirmed: the order is PENDING
 *   and its payment may still be declined;
 * - order.status_changed to CONFIRMED (or any later fulfilment status, in case CONFIRMED
 *   was missed) confirms the order's rows: it was paid for;
 * - order.status_changed to FAILED or CANCELLED withdraws them: nothing was bought.
 *   A refund does not: the customer did buy and receive the product, and may review it.
 * A review needs a confirmed, not withdrawn row. A review written before its order was
 * cancelled stays; moderation can reject it. Each step is idempotent (at least once delivery).
 */
const CONFIRMING = new Set(['CONFIRMED', 'SHIPPED', 'DELIVERED', 'PARTIALLY_REFUNDED', 'REFUNDED']);
const WITHDRAWING = new Set(['FAILED', 'CANCELLED']);

type Sql = Pick<Prisma.TransactionClient, '$queryRaw' | '$executeRaw'>;

export class VerifiedPurchases {
  constructor(private readonly prisma: PrismaClient) {}

  async onOrderPlaced(order: EventPayload<'order.placed'>): Promise<void> {
    const productIds = [...new Set(order.lines.map((l) => l.productId.toLowerCase()))];
    await this.prisma.$executeRaw`
      INSERT INTO catalog.verified_purchase (order_id, product_id, customer_id, placed_at)
      SELECT ${order.orderId}, p, ${order.customerId}, ${new Date(order.placedAt)} FROM unnest(${productIds}::uuid[]) AS p
      ON CONFLICT (order_id, product_id) DO NOTHING`;
  }

  async onOrderStatusChanged(change: EventPayload<'order.status_changed'>): Promise<void> {
    if (CONFIRMING.has(change.status)) {
      await this.prisma.$executeRaw`
        UPDATE catalog.verified_purchase SET confirmed_at = now() WHERE order_id = ${change.orderId} AND confirmed_at IS NULL`;
    } else if (WITHDRAWING.has(change.status)) {
      await this.prisma.$executeRaw`
        UPDATE catalog.verified_purchase SET withdrawn_at = now() WHERE order_id = ${change.orderId} AND withdrawn_at IS NULL`;
    }
  }
}

/** True when the customer has a paid, not cancelled order of the product. */
export async function hasVerifiedPurchase(sql: Sql, customerId: string, productId: string): Promise<boolean> {
  const rows = await sql.$queryRaw<unknown[]>`
    SELECT 1 FROM catalog.verified_purchase
    WHERE customer_id = ${customerId} AND product_id = ${productId}::uuid AND confirmed_at IS NOT NULL AND withdrawn_at IS NULL LIMIT 1`;
  return rows.length > 0;
}
