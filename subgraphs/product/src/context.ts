import type { RequestContext } from '@shopgraph/kit';
import type { CatalogLoaders } from './loaders.js';
import type { CatalogAdminService } from './services/catalogAdminService.js';
import type { CatalogService } from './services/catalogService.js';
import type { PriceReads } from './services/priceReads.js';
import type { ImageService } from './services/images/imageService.js';
import type { PricingService } from './services/pricingService.js';
import type { SearchService } from './services/searchService.js';

export interface ProductServices {
  catalog: CatalogService;
  admin: CatalogAdminService;
  prices: PriceReads;
  pricing: PricingService;
  search: SearchService;
  images: ImageService;
}

/** Per request: fresh loaders (batching never leaks between callers) and the boot-time services. */
export interface ProductContext extends RequestContext {
  loaders: CatalogLoaders;
  services: ProductServices;
}
