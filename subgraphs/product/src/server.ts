import { createSubgraphServer, jobQueueMetrics, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import { createCatalogCaches } from './caches.js';
import type { ProductContext } from './context.js';
import { consumeSearchProjectionEvents } from './events/searchProjectionConsumer.js';
import { consumeVerifiedPurchaseEvents } from './events/verifiedPurchaseConsumer.js';
import { createCatalogLoaders } from './loaders.js';
import { ACCEPT_UPLOAD_PATH, acceptUploadRoute } from './media/acceptUploadRoute.js';
import { resolvers } from './resolvers/index.js';
import { CatalogAdminService } from './services/catalogAdminService.js';
import { CatalogService } from './services/catalogService.js';
import { PriceReads } from './services/priceReads.js';
import { ImageJobs, type ImageJobOptions } from './services/images/imageJobs.js';
import { SharpImageProcessor, type ImageProcessor } from './services/images/imageProcessor.js';
import { imageMetrics, ImageService } from './services/images/imageService.js';
import { PriceBoundaryService } from './services/priceBoundaries.js';
import { PriceBoundaryJob } from './services/priceBoundaryJob.js';
import { PricingService } from './services/pricingService.js';
import { createSearch, type SearchOptions } from './services/search/createSearch.js';
import { createReviewLoaders } from './reviewLoaders.js';
import { ReviewReads } from './services/reviews/reviewReads.js';
import { ReviewService } from './services/reviews/reviewService.js';
import { VerifiedPurchases } from './services/reviews/verifiedPurchases.js';
import type { SearchIndexer } from './services/searchIndexer.js';

export interface ProductSubgraph extends SubgraphServer {
  /** Event consumers call these to keep search fresh (wired to the event bus by the events work). */
  searchIndexer: SearchIndexer;
  /** Uploads and the rendering worker (tests drive and inspect them). */
  images: ImageService;
  imageJobs: ImageJobs;
  /** Records scheduled prices' starts and ends (tests call runOnce instead of waiting for the interval). */
  priceBoundaryJob: PriceBoundaryJob;
}

export interface ProductSubgraphOptions {
  search?: SearchOptions;
  images?: {
    /** Makes the renditions (sharp by default; tests put a failing one in). */
    processor?: ImageProcessor;
    jobs?: ImageJobOptions;
  };
}

/** Builds the product subgraph (catalog, search, images); index.ts decides where it listens. */
export function createProductSubgraph(deps: SubgraphDeps, options: ProductSubgraphOptions = {}): ProductSubgraph {
  const { database, logger, readiness, metrics, caches, internalAuth } = deps;
  const catalogCaches = createCatalogCaches(caches);
  const search = createSearch(deps, catalogCaches, options.search);
  const imageJobs = new ImageJobs(database.url, logger.child({ component: 'image-jobs' }), options.images?.jobs, jobQueueMetrics(metrics.registry));
  const images = new ImageService(database.prisma, catalogCaches, deps.media, imageJobs, options.images?.processor ?? new SharpImageProcessor(), logger.child({ component: 'images' }), imageMetrics(metrics.registry));
  // The worker runs in this process; pg-boss installs its schema on first start.
  const jobsStarted = imageJobs.start((job, attempt) => images.renderImage(job.imageId, attempt, job.requestId));
  jobsStarted.catch((err: unknown) => logger.error({ err }, 'image job queue failed to start'));
  const services = {
    catalog: new CatalogService(),
    admin: new CatalogAdminService(database.prisma, catalogCaches),
    pricing: new PricingService(database.prisma, catalogCaches),
    prices: new PriceReads(),
    search: search.service,
    images,
    reviews: new ReviewService(database.prisma, catalogCaches),
    reviewReads: new ReviewReads(database.prisma),
  };
  // Listings and search read a stored effective price: this moves it at window boundaries.
  const priceBoundaryJob = new PriceBoundaryJob(new PriceBoundaryService(database.prisma, catalogCaches), logger.child({ component: 'price-boundaries' }), jobQueueMetrics(metrics.registry));
  priceBoundaryJob.start(deps.commerce.priceBoundaryIntervalSeconds);
  const projection = consumeSearchProjectionEvents(deps.events, search.indexer);
  // Reviews need a verified purchase: learnt from order events, never the order tables.
  const verifiedPurchases = consumeVerifiedPurchaseEvents(deps.events, new VerifiedPurchases(database.prisma));
  const server = createSubgraphServer<ProductContext>({
    name: 'product',
    resolvers,
    database,
    logger,
    readiness: [...(readiness ?? []), { name: 'image-jobs', check: () => jobsStarted }, ...(search.readiness ? [search.readiness] : [])],
    metrics,
    internalAuth,
    perRequest: (_req, { responseTags, identity }) => ({
      loaders: createCatalogLoaders(database.prisma, catalogCaches, responseTags),
      reviewLoaders: createReviewLoaders(database.prisma, catalogCaches, responseTags, identity),
      services,
    }),
    routes: { [ACCEPT_UPLOAD_PATH]: acceptUploadRoute(images, internalAuth, logger) },
    onStop: async () => {
      await imageJobs.stop();
      await priceBoundaryJob.stop();
      await projection.close();
      await verifiedPurchases.close();
      await search.client?.close();
    },
  });
  return Object.assign(server, { searchIndexer: search.indexer, images, imageJobs, priceBoundaryJob });
}
