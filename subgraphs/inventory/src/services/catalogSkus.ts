import { productSellerOf, type EventBus, type EventPayload, type Logger, type PrismaClient, type Subscription } from '@shopgraph/kit';

/** The durable group that learns the catalog's SKUs (one delivery per event across inventory instances). */
export const CATALOG_SKUS_GROUP = 'inventory.catalog-skus';

/**
 * Inventory's copy of the catalog's SKUs: every variant the catalog creates gets its
 * inventory_item (sku, variant, product) from `product.changed` ('created', 'edited', ... with
 * the snapshot's `variants`), so adjustStock knows it, with the product's seller (a seller
 * sees the stock of their own products). Stock levels are not created here:
 * adjustStock creates a SKU's level in a warehouse on its first adjustment (expectedVersion 0).
 */
export class CatalogSkus {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Inserts the items the inventory does not have yet; returns how many. Idempotent: a
   * redelivered event, or a SKU or variant inventory already knows, inserts nothing (a renamed
   * variant SKU keeps its existing item).
   */
  async learn(payload: EventPayload<'product.changed'>): Promise<number> {
    const variants = payload.product?.variants ?? [];
    const seller = productSellerOf(payload);
    const rows = variants.map((v) => ({ sku: v.sku, variantId: v.id, productId: payload.productId, sellerId: seller?.sellerId ?? null }));
    const added =
      rows.length === 0
        ? 0
        : await this.prisma.$executeRaw`
      INSERT INTO inventory.inventory_item (sku, variant_id, product_id, seller_id)
      SELECT v.sku, v."variantId", v."productId", v."sellerId"
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(sku text, "variantId" uuid, "productId" uuid, "sellerId" text)
      ON CONFLICT DO NOTHING`;
    // The product's seller, for items made before (seed data, events from before sellers): a seller sees their stock.
    if (seller) {
      await this.prisma.$executeRaw`
        UPDATE inventory.inventory_item SET seller_id = ${seller.sellerId}
        WHERE product_id = ${payload.productId}::uuid AND seller_id IS DISTINCT FROM ${seller.sellerId}`;
    }
    return added;
  }

  /** The durable consumer of `product.changed` (group "inventory.catalog-skus"). */
  subscribe(events: EventBus, logger: Logger): Subscription {
    return events.subscribe({
      group: CATALOG_SKUS_GROUP,
      topics: ['product.changed'],
      handler: async (event) => {
        const added = await this.learn(event.payload);
        if (added > 0) logger.info({ productId: event.payload.productId, added }, 'inventory items created for new catalog SKUs');
      },
    });
  }
}
