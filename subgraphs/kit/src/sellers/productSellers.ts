import type { Prisma, PrismaClient } from '../database.js';
import type { EventBus, Subscription } from '../events/eventBus.js';
import type { EventPayload } from '../events/topics.js';

/** The schemas that keep a `<schema>.product_seller` copy of which seller owns each product. */
export type ProductSellerSchema = 'ordering' | 'reco';

export interface ProductSeller {
  productId: string;
  sellerId: string | null;
}

/**
 * What a product.changed event says of the product's seller: nothing when the event has no
 * snapshot, or a snapshot from before sellers (no `sellerId` key), so an older event never
 * clears an owner.
 */
export function productSellerOf(payload: EventPayload<'product.changed'>): ProductSeller | undefined {
  const sellerId = payload.product?.sellerId;
  return sellerId === undefined ? undefined : { productId: payload.productId, sellerId };
}

/**
 * Keeps a subgraph's own copy of product -> seller (fed by product.changed): one statement for
 * any number of products, the last word for a product listed twice. A product's seller is set
 * when it is created and never changes, so replaying old events is harmless.
 */
export async function upsertProductSellers(tx: Prisma.TransactionClient, schema: ProductSellerSchema, sellers: readonly ProductSeller[]): Promise<void> {
  if (sellers.length === 0) return;
  const last = new Map(sellers.map((s) => [s.productId, s.sellerId]));
  await tx.$executeRawUnsafe(
    `INSERT INTO ${schema}.product_seller (product_id, seller_id)
     SELECT p, s FROM unnest($1::uuid[], $2::text[]) AS t(p, s) ORDER BY p
     ON CONFLICT (product_id) DO UPDATE SET seller_id = EXCLUDED.seller_id, updated_at = now()
     WHERE ${schema}.product_seller.seller_id IS DISTINCT FROM EXCLUDED.seller_id`,
    [...last.keys()],
    [...last.values()],
  );
}

/**
 * A durable consumer of product.changed that keeps `<schema>.product_seller`: the handler
 * gathers, the bus's flush writes each read in one statement before acknowledging it.
 */
export function subscribeProductSellers(events: EventBus, prisma: PrismaClient, schema: ProductSellerSchema, group: string): Subscription {
  const gathered: ProductSeller[] = [];
  return events.subscribe({
    group,
    topics: ['product.changed'],
    batchSize: 500,
    handler: (event) => {
      const seller = productSellerOf(event.payload);
      if (seller) gathered.push(seller);
    },
    flush: async () => {
      const batch = gathered.splice(0);
      await prisma.$transaction((tx) => upsertProductSellers(tx, schema, batch));
    },
  });
}
