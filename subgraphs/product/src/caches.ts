import type { CacheGeneration, CacheLayers, EntityCache } from '@shopgraph/kit';
import type { EngineResult, Suggestion } from './services/search/searchTypes.js';
import type { BrandModel, CategoryModel, ImageModel, PriceChangeModel, ProductModel, ReviewModel, ScheduledPriceModel, VariantModel } from './models.js';
import type { RatingSummary } from './services/reviews/ratingSummary.js';

/** Catalog rows change rarely and every write evicts them, so they live long in Redis. */
const CATALOG_TTL_SECONDS = 600;
/** Listings and counts: a write retires them all through their generation; the TTL only frees memory. */
const LISTING_TTL_SECONDS = 300;
/** Search answers are retired by the index generation; the TTL only bounds what a lost eviction costs. */
const SEARCH_TTL_SECONDS = 60;

/** A page of a product listing as cached: the ids of up to first + 1 rows, in order. */
export interface ListingPage {
  ids: string[];
}

/** The catalog's caches, made once at boot; `version` changes when a value's shape does. */
export function createCatalogCaches(caches: CacheLayers) {
  const entity = <V>(type: string, l2TtlSeconds = CATALOG_TTL_SECONDS) => caches.entity<V>({ type, version: 1, l2TtlSeconds });
  return {
    /** Version 2: rows carry saleMinPrice and effectiveMinPrice (listing cursors read the latter). */
    product: caches.entity<ProductModel>({ type: 'product', version: 2, l2TtlSeconds: CATALOG_TTL_SECONDS }),
    productIdBySlug: entity<{ id: string; slug: string }>('product-id-by-slug'),
    variant: entity<VariantModel>('variant'),
    variantsOfProduct: entity<VariantModel[]>('product-variants'),
    /** Version 2: images carry status and renditions. */
    imagesOfProduct: caches.entity<ImageModel[]>({ type: 'product-images', version: 2, l2TtlSeconds: CATALOG_TTL_SECONDS }),
    /** Price history and scheduled windows of a product's variants: setPrice and schedulePrice evict them. */
    priceChangesOfProduct: entity<PriceChangeModel[]>('product-price-changes'),
    /** Version 2: windows carry when their start and end were recorded. */
    scheduledPricesOfProduct: caches.entity<ScheduledPriceModel[]>({ type: 'product-scheduled-prices', version: 2, l2TtlSeconds: CATALOG_TTL_SECONDS }),
    category: entity<CategoryModel>('category'),
    brand: entity<BrandModel>('brand'),
    /** Under the tree generation: a category move or rename retires them together. */
    categoryIdByPath: entity<{ id: string; path: string }>('category-id-by-path'),
    categoryChildren: entity<CategoryModel[]>('category-children'),
    categorySubtree: entity<string[]>('category-subtree'),
    brandList: entity<BrandModel[]>('brand-list'),
    /** Under the listing generation: any change of price, status, category or stock flag retires them. */
    listingPage: entity<ListingPage>('product-listing-page', LISTING_TTL_SECONDS),
    listingCount: entity<number>('product-listing-count', LISTING_TTL_SECONDS),
    generations: {
      tree: caches.generation('category-tree'),
      listing: caches.generation('product-listing'),
    } satisfies Record<string, CacheGeneration>,
    // reviews and ratings (issue 10)
    /**
     * Per product, evicted after every transition the public sees. Version 2: it carries the
     * product's reviews version, which keys its review pages.
     */
    productRating: caches.entity<RatingSummary>({ type: 'product-rating', version: 2, l2TtlSeconds: CATALOG_TTL_SECONDS }),
    /**
     * A page of approved reviews (first + 1 rows) per product, reviews version, sort, filter and
     * position: a transition moves the version, so only that product's pages stop being read; the TTL frees them.
     */
    reviewPage: entity<ReviewModel[]>('product-review-page', LISTING_TTL_SECONDS),
    /** Keyed by a hash of the normalised request and the index generation it was answered under. */
    searchResults: caches.entity<EngineResult>({ type: 'search', version: 1, l2TtlSeconds: SEARCH_TTL_SECONDS }),
    searchSuggestions: caches.entity<Suggestion[]>({ type: 'search-suggest', version: 1, l2TtlSeconds: SEARCH_TTL_SECONDS }),
    /** One entry: the index generation (catalog.search_generation), evicted everywhere on every index change. */
    searchGeneration: caches.entity<string>({ type: 'search-generation', version: 1, l2TtlSeconds: CATALOG_TTL_SECONDS }),
  } satisfies Record<string, EntityCache<unknown> | Record<string, CacheGeneration>>;
}

export type CatalogCaches = ReturnType<typeof createCatalogCaches>;
