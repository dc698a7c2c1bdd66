import { cachedValueLoader, isAuthenticated, ResponseTag, rowLoader, type Identity, type PrismaClient, type ResponseTags } from '@shopgraph/kit';
import type { CatalogCaches } from './caches.js';
import type { ReviewModel } from './models.js';
import { readReviewPages, type ReviewPageRequest } from './services/reviews/reviewPages.js';
import { emptyRating, ratingFromRow, type RatingSummary } from './services/reviews/ratingSummary.js';

/** One page of a product's approved reviews to read, and its cache key. */
export interface ReviewPageQuery extends ReviewPageRequest {
  /**
   * Canonical text of product, its reviews version, sort, filter, page size and position:
   * equal pages share an entry, and a transition of the product (a new version) leaves its
   * old pages unread while other products' pages stay.
   */
  key: string;
}

/**
 * Per-request loaders of reviews and ratings. Ratings go through the entity cache path
 * (DataLoader -> L1 -> Redis -> one query for every product a response shows), evicted per
 * product by each transition; public pages go the same way, keyed by the product's reviews
 * version, with every page the cache lacks read in one query. The caller's own review is
 * private and must show their last write, so it is only batched, never cached.
 */
export function createReviewLoaders(prisma: PrismaClient, caches: CatalogCaches, sink: ResponseTags, identity: Identity) {
  return {
    ratingByProductId: cachedValueLoader<string, RatingSummary>(
      caches.productRating,
      (productId) => productId,
      async (productIds) => {
        const rows = await prisma.productRating.findMany({ where: { productId: { in: [...productIds] } } });
        const byId = new Map(rows.map((r) => [r.productId, r]));
        return productIds.map((id) => {
          const r = byId.get(id);
          return r ? ratingFromRow(r) : emptyRating(id);
        });
      },
      { tags: { sink, of: (r) => ResponseTag.product(r.productId) } },
    ),
    reviewPage: cachedValueLoader<ReviewPageQuery, ReviewModel[]>(
      caches.reviewPage,
      (q) => q.key,
      (queries) => readReviewPages(prisma, queries),
    ),
    myReviewByProductId: rowLoader<string, ReviewModel>(
      (productIds) =>
        isAuthenticated(identity) ? prisma.review.findMany({ where: { customerId: identity.subject, productId: { in: [...productIds] } } }) : Promise.resolve([]),
      (r) => r.productId,
    ),
  };
}

export type ReviewLoaders = ReturnType<typeof createReviewLoaders>;
