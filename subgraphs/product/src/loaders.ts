import { cachedChildrenLoader, cachedRowLoader, childrenLoader, isUuid, rowLoader, type PrismaClient } from '@shopgraph/kit';
import type { CatalogCaches } from './caches.js';
import type { CategoryModel, ProductModel } from './models.js';

/**
 * The catalog's per-request loaders. Entity reads by id go through the cache path
 * (DataLoader -> L1 -> Redis -> one SQL query per batch); lookups by slug or path and the
 * category tree read Postgres directly, batched.
 */
export function createCatalogLoaders(prisma: PrismaClient, caches: CatalogCaches) {
  const byUuid = { isValidKey: isUuid };
  return {
    productById: cachedRowLoader(caches.product, (ids) => prisma.product.findMany({ where: { id: { in: ids } } }), (p) => p.id, byUuid),
    productBySlug: rowLoader<string, ProductModel>((slugs) => prisma.product.findMany({ where: { slug: { in: [...slugs] } } }), (p) => p.slug),
    variantById: cachedRowLoader(caches.variant, (ids) => prisma.productVariant.findMany({ where: { id: { in: ids } } }), (v) => v.id, byUuid),
    variantsByProductId: cachedChildrenLoader(
      caches.variantsOfProduct,
      (ids) => prisma.productVariant.findMany({ where: { productId: { in: ids } }, orderBy: [{ productId: 'asc' }, { position: 'asc' }] }),
      (v) => v.productId,
      byUuid,
    ),
    imagesByProductId: cachedChildrenLoader(
      caches.imagesOfProduct,
      (ids) => prisma.productImage.findMany({ where: { productId: { in: ids } }, orderBy: [{ productId: 'asc' }, { position: 'asc' }] }),
      (i) => i.productId,
      byUuid,
    ),
    categoryById: cachedRowLoader(caches.category, (ids) => prisma.category.findMany({ where: { id: { in: ids } } }), (c) => c.id, byUuid),
    categoryByPath: rowLoader<string, CategoryModel>((paths) => prisma.category.findMany({ where: { path: { in: [...paths] } } }), (c) => c.path),
    categoriesByParentId: childrenLoader<string, CategoryModel>(
      (ids) => prisma.category.findMany({ where: { parentId: { in: [...ids] } }, orderBy: [{ position: 'asc' }, { name: 'asc' }] }),
      (c) => c.parentId ?? '',
      byUuid,
    ),
    brandById: cachedRowLoader(caches.brand, (ids) => prisma.brand.findMany({ where: { id: { in: ids } } }), (b) => b.id, byUuid),
  };
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
