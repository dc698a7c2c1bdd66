import { PeriodicTask, type Logger, type PrismaClient } from '@shopgraph/kit';
import type { OrderStatus } from '../orderLifecycle.js';
import { TX_OPTIONS } from '../orderStore.js';

/**
 * Statuses an order is archived in. CANCELLED, FAILED and REFUNDED are final in the
 * lifecycle; DELIVERED could still be refunded, but only within the archival age (an
 * archived order can no longer be refunded or moved: it is not in the live tables).
 * PARTIALLY_REFUNDED orders are not archived (more may be refunded).
 */
export const ARCHIVABLE_STATUSES: readonly OrderStatus[] = ['DELIVERED', 'CANCELLED', 'FAILED', 'REFUNDED'];

/** The cut-off instant for orders older than `afterDays`. */
export function archiveCutoff(afterDays: number, now = new Date()): Date {
  return new Date(now.getTime() - afterDays * 86_400_000);
}

/**
 * Moves old orders in a final state to ordering.archived_order (+ archived_order_line), one
 * transaction per batch. A batch takes its orders with FOR UPDATE SKIP LOCKED, so concurrent
 * archivers (the CLI beside the periodic job, several instances) take disjoint batches and an
 * order being refunded or read for update right now is left for the next pass. Copy and
 * delete commit together: an order is either live or archived, never both, never neither.
 */
export class OrderArchiver {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
  ) {}

  /** How many orders a run with this cut-off would move now. */
  async countEligible(cutoff: Date): Promise<number> {
    const [row] = await this.prisma.$queryRaw<[{ n: number }]>`
      SELECT count(*)::int AS n FROM ordering."order"
      WHERE status::text = ANY(${[...ARCHIVABLE_STATUSES]}::text[]) AND placed_at < ${cutoff} AND updated_at < ${cutoff}`;
    return row.n;
  }

  /** Archives up to `batchSize` orders in one transaction; returns how many moved (0: nothing left that is not locked). */
  async archiveBatch(cutoff: Date, batchSize: number): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const picked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text FROM ordering."order"
        WHERE status::text = ANY(${[...ARCHIVABLE_STATUSES]}::text[]) AND placed_at < ${cutoff} AND updated_at < ${cutoff}
        ORDER BY placed_at, id
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`;
      if (picked.length === 0) return 0;
      const ids = picked.map((p) => p.id);
      // Money goes into the document as decimal strings (::text), never as JSON numbers.
      await tx.$executeRaw`
        INSERT INTO ordering.archived_order (id, number, customer_id, status, currency, subtotal, discount, tax, shipping, total, coupon_code, country, placed_at, updated_at, document)
        SELECT o.id, o.number, o.customer_id, o.status, o.currency, o.subtotal, o.discount, o.tax, o.shipping, o.total, o.coupon_code,
               coalesce(o.shipping_address ->> 'country', o.billing_address ->> 'country'), o.placed_at, o.updated_at,
               jsonb_build_object(
                 'failureReason', o.failure_reason,
                 'trackingNumber', o.tracking_number,
                 'carrier', o.carrier,
                 'shippingAddress', CASE WHEN o.shipping_address IS NULL THEN NULL
                   ELSE jsonb_build_object('region', o.shipping_address -> 'region', 'country', o.shipping_address -> 'country') END,
                 'billingAddress', CASE WHEN o.billing_address IS NULL THEN NULL
                   ELSE jsonb_build_object('region', o.billing_address -> 'region', 'country', o.billing_address -> 'country') END,
                 'payment', (SELECT jsonb_build_object(
                     'id', p.id, 'provider', p.provider, 'status', p.status, 'currency', p.currency, 'amount', p.amount::text,
                     'authorizedAmount', p.authorized_amount::text, 'capturedAmount', p.captured_amount::text,
                     'refundedAmount', p.refunded_amount::text, 'providerReference', p.provider_reference,
                     'declineReason', p.decline_reason, 'createdAt', p.created_at, 'updatedAt', p.updated_at)
                   FROM ordering.payment p WHERE p.order_id = o.id),
                 'refunds', coalesce((SELECT jsonb_agg(jsonb_build_object(
                     'id', r.id, 'paymentId', r.payment_id, 'amount', r.amount::text, 'reason', r.reason, 'actor', r.actor, 'createdAt', r.created_at)
                     ORDER BY r.created_at, r.id)
                   FROM ordering.refund r WHERE r.order_id = o.id), '[]'::jsonb),
                 -- Timeline notes are free text an admin typed (they may name people): dropped.
                 'timeline', coalesce((SELECT jsonb_agg(jsonb_build_object(
                     'id', t.id, 'status', t.status, 'previousStatus', t.previous_status, 'actor', t.actor, 'at', t.at) ORDER BY t.id)
                   FROM ordering.order_timeline t WHERE t.order_id = o.id), '[]'::jsonb))
        FROM ordering."order" o WHERE o.id = ANY(${ids}::uuid[])`;
      await tx.$executeRaw`
        INSERT INTO ordering.archived_order_line (id, order_id, product_id, variant_id, sku, name, quantity, unit_price, line_total)
        SELECT id, order_id, product_id, variant_id, sku, name, quantity, unit_price, line_total
        FROM ordering.order_line WHERE order_id = ANY(${ids}::uuid[])`;
      // Lines, payment, refunds and timeline go with the order (ON DELETE CASCADE).
      await tx.$executeRaw`DELETE FROM ordering."order" WHERE id = ANY(${ids}::uuid[])`;
      return ids.length;
    }, TX_OPTIONS);
  }

  /** Batch after batch until nothing is left; `onBatch` sees each batch's count (the CLI's progress bar). */
  async run(options: { afterDays: number; batchSize: number; onBatch?: (moved: number) => void; now?: Date }): Promise<number> {
    const cutoff = archiveCutoff(options.afterDays, options.now);
    let total = 0;
    for (;;) {
      const moved = await this.archiveBatch(cutoff, options.batchSize);
      if (moved === 0) return total;
      total += moved;
      options.onBatch?.(moved);
    }
  }

  /** The periodic job (ORDER_ARCHIVE_INTERVAL_SECONDS; off by default). */
  periodic(settings: { afterDays: number; batchSize: number }): PeriodicTask {
    return new PeriodicTask(
      async () => {
        const moved = await this.run(settings);
        if (moved > 0) this.logger.info({ archived: moved, afterDays: settings.afterDays }, 'orders archived');
      },
      this.logger,
      'order archival',
    );
  }
}
