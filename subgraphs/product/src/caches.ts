import type { CacheLayers, EntityCache } from '@shopgraph/kit';
import type { BrandModel, CategoryModel, ImageModel, ProductModel, VariantModel } from './models.js';

/** Catalog rows change rarely and every write evicts them, so they live long in Redis. */
const CATALOG_TTL_SECONDS = 600;

/** The catalog's entity caches, made once at boot; `version` changes when a row's shape does. */
export function createCatalogCaches(caches: CacheLayers) {
  const entity = <V>(type: string) => caches.entity<V>({ type, version: 1, l2TtlSeconds: CATALOG_TTL_SECONDS });
  return {
    product: entity<ProductModel>('product'),
    variant: entity<VariantModel>('variant'),
    variantsOfProduct: entity<VariantModel[]>('product-variants'),
    imagesOfProduct: entity<ImageModel[]>('product-images'),
    category: entity<CategoryModel>('category'),
    brand: entity<BrandModel>('brand'),
  } satisfies Record<string, EntityCache<unknown>>;
}

export type CatalogCaches = ReturnType<typeof createCatalogCaches>;
