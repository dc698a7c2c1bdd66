import type { CacheLayers, EntityCache } from '@shopgraph/kit';
import type { EngineResult, Suggestion } from './services/search/searchTypes.js';
import type { BrandModel, CategoryModel, ImageModel, ProductModel, VariantModel } from './models.js';

/** Catalog rows change rarely and every write evicts them, so they live long in Redis. */
const CATALOG_TTL_SECONDS = 600;
/** Search answers are retired by the index generation; the TTL only bounds what a lost eviction costs. */
const SEARCH_TTL_SECONDS = 60;

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
    /** Keyed by a hash of the normalised request and the index generation it was answered under. */
    searchResults: caches.entity<EngineResult>({ type: 'search', version: 1, l2TtlSeconds: SEARCH_TTL_SECONDS }),
    searchSuggestions: caches.entity<Suggestion[]>({ type: 'search-suggest', version: 1, l2TtlSeconds: SEARCH_TTL_SECONDS }),
    /** One entry: the index generation (catalog.search_generation), evicted everywhere on every index change. */
    searchGeneration: caches.entity<string>({ type: 'search-generation', version: 1, l2TtlSeconds: CATALOG_TTL_SECONDS }),
  } satisfies Record<string, EntityCache<unknown>>;
}

export type CatalogCaches = ReturnType<typeof createCatalogCaches>;
