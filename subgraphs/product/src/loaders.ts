import { childrenLoader, isUuid, rowLoader, type PrismaClient } from '@shopgraph/kit';
import type { BrandModel, CategoryModel, ImageModel, ProductModel, VariantModel } from './models.js';

/** The catalog's per-request loaders: every read of a product, variant or category goes through one. */
export function createCatalogLoaders(prisma: PrismaClient) {
  const byUuid = { isValidKey: isUuid };
  return {
    productById: rowLoader<string, ProductModel>((ids) => prisma.product.findMany({ where: { id: { in: [...ids] } } }), (p) => p.id, byUuid),
    productBySlug: rowLoader<string, ProductModel>((slugs) => prisma.product.findMany({ where: { slug: { in: [...slugs] } } }), (p) => p.slug),
    variantById: rowLoader<string, VariantModel>((ids) => prisma.productVariant.findMany({ where: { id: { in: [...ids] } } }), (v) => v.id, byUuid),
    variantsByProductId: childrenLoader<string, VariantModel>(
      (ids) => prisma.productVariant.findMany({ where: { productId: { in: [...ids] } }, orderBy: [{ productId: 'asc' }, { position: 'asc' }] }),
      (v) => v.productId,
      byUuid,
    ),
    imagesByProductId: childrenLoader<string, ImageModel>(
      (ids) => prisma.productImage.findMany({ where: { productId: { in: [...ids] } }, orderBy: [{ productId: 'asc' }, { position: 'asc' }] }),
      (i) => i.productId,
      byUuid,
    ),
    categoryById: rowLoader<string, CategoryModel>((ids) => prisma.category.findMany({ where: { id: { in: [...ids] } } }), (c) => c.id, byUuid),
    categoryByPath: rowLoader<string, CategoryModel>((paths) => prisma.category.findMany({ where: { path: { in: [...paths] } } }), (c) => c.path),
    categoriesByParentId: childrenLoader<string, CategoryModel>(
      (ids) => prisma.category.findMany({ where: { parentId: { in: [...ids] } }, orderBy: [{ position: 'asc' }, { name: 'asc' }] }),
      (c) => c.parentId ?? '',
      byUuid,
    ),
    brandById: rowLoader<string, BrandModel>((ids) => prisma.brand.findMany({ where: { id: { in: [...ids] } } }), (b) => b.id, byUuid),
  };
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
