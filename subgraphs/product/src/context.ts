import type { RequestContext } from '@shopgraph/kit';
import type { CatalogLoaders } from './loaders.js';
import type { CatalogAdminService } from './services/catalogAdminService.js';
import type { CatalogService } from './services/catalogService.js';
import type { PriceReads } from './services/priceReads.js';
import type { ImageService } from './services/images/imageService.js';
import type { PricingService } from './services/pricingService.js';
import type { ReviewLoaders } from './reviewLoaders.js';
import type { ReviewReads } from './services/reviews/reviewReads.js';
import type { ReviewService } from './services/reviews/reviewService.js';
import type { SearchService } from './services/searchService.js';

export interface ProductServices {
  catalog: CatalogService;
  admin: CatalogAdminService;
  prices: PriceReads;
  pricing: PricingService;
  search: SearchService;
  images: ImageService;
  // reviews and ratings (issue 10)
  reviews: ReviewService;
  reviewReads: ReviewReads;
}

/** Per request: fresh loaders (batching never leaks between callers) and the boot-time services. */
export interface ProductContext extends RequestContext {
  loaders: CatalogLoaders;
  /** Ratings, review pages and the caller's own reviews (issue 10). */
  reviewLoaders: ReviewLoaders;
  services: ProductServices;
}
