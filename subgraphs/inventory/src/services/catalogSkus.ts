import type { EventBus, EventPayload, Logger, PrismaClient, Subscription } from '@shopgraph/kit';

/** The durable group that learns the catalog's SKUs (one delivery per event across inventory instances). */
export const CATALOG_SKUS_GROUP = 'inventory.catalog-skus';

/**
 * Inventory's copy of the catalog's SKUs: every variant the catalog creates gets its
 * inventory_item (sku, variant, product) from `product.changed` ('created', 'edited', ... with
 * the snapshot's `variants`), so adjustStock knows it. Stock levels are not created here:
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
    if (variants.length === 0) return 0;
    const rows = variants.map((v) => ({ sku: v.sku, variantId: v.id, productId: payload.productId }));
    return this.prisma.$executeRaw`
      INSERT INTO inventory.inventory_item (sku, variant_id, product_id)
      SELECT v.sku, v."variantId", v."productId"
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(sku text, "variantId" uuid, "productId" uuid)
      ON CONFLICT DO NOTHING`;
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
