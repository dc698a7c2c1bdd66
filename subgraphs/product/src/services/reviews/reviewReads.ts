import { decodeCursor, hasScope, isAuthenticated, parseFirst, ResponseTag, toConnection, type Connection, type PrismaClient, type RequestContext } from '@shopgraph/kit';
import type { ReviewModel } from '../../models.js';
import type { ReviewLoaders } from '../../reviewLoaders.js';
import { parseInput } from '../adminInput.js';
import type { RatingSummary } from './ratingSummary.js';
import { stars as starsRule } from './reviewInput.js';
import { instantAndId, MODERATION_ORDER, MODERATION_SORT, REVIEW_SORTS, type ReviewSortName } from './reviewSorts.js';

/** What a review read needs from the request: the caller and the per-request loaders. */
export interface ReviewReadContext extends Pick<RequestContext, 'identity' | 'responseTags'> {
  reviewLoaders: ReviewLoaders;
}

export interface ProductReviewsArgs {
  first?: number | null;
  after?: string | null;
  sort?: ReviewSortName | null;
  rating?: number | null;
}

export interface ModerationQueueArgs {
  status?: 'PENDING' | 'APPROVED' | 'REJECTED' | null;
  first?: number | null;
  after?: string | null;
}

/** Storefront and moderation reads of reviews. The public sees APPROVED reviews only. */
export class ReviewReads {
  constructor(private readonly prisma: PrismaClient) {}

  rating(ctx: ReviewReadContext, productId: string): Promise<RatingSummary> {
    return ctx.reviewLoaders.ratingByProductId.load(productId);
  }

  /**
   * A page of approved reviews; totalCount comes from the rating aggregate (no count query).
   * The rating (cached, batched across products) is read first: its reviews version keys
   * the cached page, so the page is never older than the rating it was read after.
   */
  async productReviews(ctx: ReviewReadContext, productId: string, args: ProductReviewsArgs): Promise<Connection<ReviewModel>> {
    const sortName = args.sort ?? 'HELPFUL';
    const sort = REVIEW_SORTS[sortName];
    const first = parseFirst(args.first);
    const stars = args.rating != null ? parseInput(starsRule, args.rating, 'rating') : null;
    const afterKey = args.after != null ? decodeCursor(args.after, sortName, sort.keyLength) : null;
    const after = afterKey ? sort.positionOf(afterKey) : null;
    ctx.responseTags.add(ResponseTag.product(productId));
    const rating = await this.rating(ctx, productId);
    const rows = await ctx.reviewLoaders.reviewPage.load({
      key: JSON.stringify([productId, rating.reviewsVersion, sortName, stars, first, afterKey]),
      productId,
      sort: sortName,
      stars,
      after,
      take: first + 1,
    });
    return toConnection(rows, { first, after: afterKey }, sortName, (r) => sort.keyOf(r), () => Promise.resolve(stars === null ? rating.count : rating.stars[stars - 1]!));
  }

  /** The caller's own review of the product, whatever its status; null when signed out or none. */
  async myReview(ctx: ReviewReadContext, productId: string): Promise<ReviewModel | null> {
    if (!isAuthenticated(ctx.identity)) return null;
    return ctx.reviewLoaders.myReviewByProductId.load(productId);
  }

  /** Catalog admins: reviews of one status, oldest first, never cached (moderators need them fresh). */
  async moderationQueue(args: ModerationQueueArgs): Promise<Connection<ReviewModel>> {
    const status = args.status ?? 'PENDING';
    const first = parseFirst(args.first);
    const afterKey = args.after != null ? decodeCursor(args.after, MODERATION_SORT, 2) : null;
    let after = {};
    if (afterKey) {
      const { createdAt, id } = instantAndId(afterKey[0], afterKey[1]);
      after = { OR: [{ createdAt: { gt: createdAt } }, { createdAt, id: { gt: id } }] };
    }
    const rows = await this.prisma.review.findMany({ where: { AND: [{ status }, after] }, orderBy: MODERATION_ORDER, take: first + 1 });
    return toConnection(rows, { first, after: afterKey }, MODERATION_SORT, (r) => [r.createdAt.toISOString(), r.id], () => this.prisma.review.count({ where: { status } }));
  }

  /** The moderator's note is for the author and catalog admins. */
  moderationNoteFor(ctx: Pick<RequestContext, 'identity'>, review: ReviewModel): string | null {
    const mayRead = (isAuthenticated(ctx.identity) && ctx.identity.subject === review.customerId) || hasScope(ctx.identity, 'catalog');
    return mayRead ? review.moderationNote : null;
  }
}
