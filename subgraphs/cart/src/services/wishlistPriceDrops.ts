import { Prisma, recordEvents, type EventPayload, type OutboxTransaction } from '@shopgraph/kit';

/**
 * In the price event's transaction: when the change lowered the variant's price, one
 * wishlist.price_dropped per customer who saved it (in that currency) at more than the new price.
 */
export async function recordWishlistPriceDrops(tx: OutboxTransaction, change: EventPayload<'product.price_changed'>): Promise<number> {
  if (!new Prisma.Decimal(change.newPrice).lessThan(change.oldPrice)) return 0;
  const savers = await tx.$queryRawUnsafe<Array<{ customerId: string; priceWhenSaved: string }>>(
    `SELECT customer_id AS "customerId", price_when_saved::text AS "priceWhenSaved" FROM cart.wishlist_item
     WHERE variant_id = $1::uuid AND currency = $2 AND price_when_saved > $3::numeric ORDER BY customer_id`,
    change.variantId,
    change.currency,
    change.newPrice,
  );
  await recordEvents(
    tx,
    'cart',
    savers.map((s) => ({
      topic: 'wishlist.price_dropped' as const,
      payload: {
        customerId: s.customerId,
        productId: change.productId,
        variantId: change.variantId,
        sku: change.sku,
        currency: change.currency,
        priceWhenSaved: s.priceWhenSaved,
        oldPrice: change.oldPrice,
        newPrice: change.newPrice,
      },
    })),
    { actor: 'consumer cart-prices' },
  );
  return savers.length;
}
