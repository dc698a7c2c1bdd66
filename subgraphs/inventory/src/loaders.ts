import { cachedChildrenLoader, cachedRowLoader, cachedValueLoader, isUuid, Prisma, ResponseTag, type PrismaClient, type ResponseTags } from '@shopgraph/kit';
import type { InventoryCaches } from './caches.js';
import type { StockLevelRow } from './models.js';

/**
 * Stock levels joined with their item, in one statement (a Prisma relation select would
 * cost a second query per batch).
 */
function levelsWhere(prisma: PrismaClient, column: 'variant_id' | 'product_id', ids: readonly string[]): Promise<StockLevelRow[]> {
  const idList = [...ids];
  const filter =
    column === 'variant_id' ? Prisma.sql`i.variant_id = ANY(${idList}::uuid[])` : Prisma.sql`i.product_id = ANY(${idList}::uuid[])`;
  return prisma.$queryRaw<StockLevelRow[]>`
    SELECT l.sku, i.variant_id::text AS "variantId", i.product_id::text AS "productId", l.warehouse_id::text AS "warehouseId",
           l.on_hand AS "onHand", l.reserved, l.low_stock_threshold AS "lowStockThreshold", l.backorderable
    FROM inventory.stock_level l JOIN inventory.inventory_item i ON i.sku = l.sku
    WHERE ${filter}`;
}

/** Per-request loaders, through the cache path: stock of many variants or products is one query per batch. */
export function createInventoryLoaders(prisma: PrismaClient, caches: InventoryCaches, sink: ResponseTags) {
  const byUuid = { isValidKey: isUuid };
  /** Response tags: stock shows under its product's tag (see ResponseTag). */
  const ofProduct = { sink, of: (l: StockLevelRow) => ResponseTag.product(l.productId) };
  return {
    levelsByVariantId: cachedChildrenLoader<StockLevelRow>(caches.levelsOfVariant, (ids) => levelsWhere(prisma, 'variant_id', ids), (l) => l.variantId, { ...byUuid, tags: ofProduct }),
    levelsByProductId: cachedChildrenLoader<StockLevelRow>(caches.levelsOfProduct, (ids) => levelsWhere(prisma, 'product_id', ids), (l) => l.productId, { ...byUuid, tags: ofProduct }),
    warehouseById: cachedRowLoader(caches.warehouse, (ids) => prisma.warehouse.findMany({ where: { id: { in: ids } } }), (w) => w.id, { ...byUuid, tags: { sink, of: (w) => ResponseTag.warehouse(w.id) } }),
    allWarehouses: cachedValueLoader(caches.warehouseList, () => 'all', async () => [await prisma.warehouse.findMany({ orderBy: { code: 'asc' } })], {
      generation: caches.warehouses,
      tags: { sink, of: () => ResponseTag.warehouseList },
    }),
  };
}

export type InventoryLoaders = ReturnType<typeof createInventoryLoaders>;
