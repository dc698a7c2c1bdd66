import { DomainError, ErrorCode, InputError, sellerIdOf, type Identity, type PrismaClient } from '@shopgraph/kit';
import type { SellerOrderLineModel } from '../models.js';

/** The durable group that keeps ordering.product_seller from product.changed. */
export const PRODUCT_SELLERS_GROUP = 'order.product-sellers';
const MAX_LINES = 200;

/**
 * A seller's view of orders: the lines of their products (which products are theirs comes
 * from product.changed, kept in ordering.product_seller), with the order's id, status and
 * time, never the customer or their addresses.
 */
export class SellerOrderLinesService {
  constructor(private readonly prisma: PrismaClient) {}

  async lines(identity: Identity, rawFirst: number | null | undefined): Promise<SellerOrderLineModel[]> {
    const sellerId = sellerIdOf(identity);
    if (sellerId === undefined) throw new DomainError(ErrorCode.FORBIDDEN, 'Only sellers have their own order lines');
    const first = rawFirst ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_LINES) throw InputError.of('first', `must be 1-${MAX_LINES}`);
    const rows = await this.prisma.$queryRaw<Array<SellerOrderLineModel['line'] & { orderStatus: SellerOrderLineModel['orderStatus']; placedAt: Date }>>`
      SELECT * FROM (
        SELECT l.id::text, l.order_id::text AS "orderId", l.product_id::text AS "productId", l.variant_id::text AS "variantId", l.sku, l.name,
               l.quantity, l.unit_price AS "unitPrice", l.line_total AS "lineTotal", trim(o.currency) AS currency,
               o.status::text AS "orderStatus", o.placed_at AS "placedAt"
        FROM ordering.product_seller s
        JOIN ordering.order_line l ON l.product_id = s.product_id
        JOIN ordering."order" o ON o.id = l.order_id
        WHERE s.seller_id = ${sellerId}
        UNION ALL
        -- Archived orders (order archival) keep their lines: a seller still sees what they sold.
        SELECT l.id::text, l.order_id::text, l.product_id::text, l.variant_id::text, l.sku, l.name,
               l.quantity, l.unit_price, l.line_total, trim(o.currency), o.status::text, o.placed_at
        FROM ordering.product_seller s
        JOIN ordering.archived_order_line l ON l.product_id = s.product_id
        JOIN ordering.archived_order o ON o.id = l.order_id
        WHERE s.seller_id = ${sellerId}
      ) lines
      ORDER BY "placedAt" DESC, id
      LIMIT ${first}`;
    return rows.map(({ orderStatus, placedAt, ...line }) => ({ orderId: line.orderId, orderStatus, placedAt, line }));
  }
}
