import { DomainError, ErrorCode, NotFoundError, type Prisma, type PrismaClient } from '@shopgraph/kit';
import type { CatalogCaches } from '../../caches.js';
import type { ReviewModel } from '../../models.js';
import { parseId, parseInput } from '../adminInput.js';
import { eventMeta } from '../pricingService.js';
import { moveRating, touchPublicReviews, type RatingMove } from './ratingAggregate.js';
import { createReviewInput, moderateReviewInput, updateReviewInput, type CreateReviewInput, type ModerateReviewInput, type UpdateReviewInput } from './reviewInput.js';
import { hasVerifiedPurchase } from './verifiedPurchases.js';

/** Who acts: the token's subject (a customer id, an admin's id) and the request, for the events. */
export interface ReviewActor {
  subject: string;
  requestId?: string;
}

type Tx = Prisma.TransactionClient;

/** The row as a transition reads it, locked. */
interface LockedReview {
  id: string;
  product_id: string;
  customer_id: string;
  rating: number;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  first_approved: boolean;
}

/**
 * Reviews and their moderation. Every transition runs in one transaction that locks the
 * review row (concurrent edits, moderation and deletes of one review queue), changes it,
 * moves the product's rating aggregate when the APPROVED set changes, and records
 * product.rating_changed with it. Any change the public sees moves the product's reviews
 * version in that transaction too; after commit the product's cached rating, which carries
 * the version that keys its review pages, is evicted on every instance, so the writer reads
 * its own write and other products' cached pages stay.
 */
export class ReviewService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly caches: CatalogCaches,
  ) {}

  /** A verified buyer's first review of a product: PENDING until a moderator decides. */
  async createReview(author: ReviewActor, raw: CreateReviewInput): Promise<ReviewModel> {
    const input = parseInput(createReviewInput, raw);
    const productId = input.productId.toLowerCase();
    return this.prisma.$transaction(async (tx) => {
      const [product] = await tx.$queryRaw<Array<{ id: string }>>`SELECT id::text FROM catalog.product WHERE id = ${productId}::uuid AND status <> 'DRAFT'`;
      if (!product) throw new NotFoundError('Product', 'productId', productId);
      if (!(await hasVerifiedPurchase(tx, author.subject, productId))) {
        throw new DomainError(ErrorCode.FORBIDDEN, 'Only customers who bought this product (a paid order) can review it', { field: 'productId' });
      }
      // The UNIQUE (product_id, customer_id) is the guard: of two racing creates, one inserts.
      const [created] = await tx.$queryRaw<Array<{ id: string }>>`
        INSERT INTO catalog.review (product_id, customer_id, rating, title, body)
        VALUES (${productId}::uuid, ${author.subject}, ${input.rating}, ${input.title}, ${input.body})
        ON CONFLICT (product_id, customer_id) DO NOTHING RETURNING id::text`;
      if (!created) {
        const existing = await tx.review.findUnique({ where: { productId_customerId: { productId, customerId: author.subject } }, select: { id: true } });
        throw new DomainError(ErrorCode.CONFLICT, 'You have already reviewed this product: edit that review instead', { field: 'productId', reviewId: existing?.id });
      }
      return tx.review.findUniqueOrThrow({ where: { id: created.id } });
    });
  }

  /** The author changes the given fields; the review goes back to PENDING (an approved one stops counting). */
  async updateReview(author: ReviewActor, raw: UpdateReviewInput): Promise<ReviewModel> {
    const input = parseInput(updateReviewInput, raw);
    const { review, moved } = await this.prisma.$transaction(async (tx) => {
      const locked = await this.lockOwn(tx, author, input.id);
      const review = await tx.review.update({
        where: { id: locked.id },
        data: {
          ...(input.rating != null && { rating: input.rating }),
          ...(input.title != null && { title: input.title }),
          ...(input.body != null && { body: input.body }),
          status: 'PENDING',
          moderationNote: null,
          moderatedBy: null,
          moderatedAt: null,
        },
      });
      const moved = locked.status === 'APPROVED' && (await this.move(tx, { productId: locked.product_id, remove: locked.rating }, author));
      return { review, moved };
    });
    await this.evict(review.productId, moved);
    return review;
  }

  /** The author removes their review; its helpful marks go with it. */
  async deleteReview(author: ReviewActor, rawId: string): Promise<string> {
    const id = parseId('id', rawId);
    const { productId, moved } = await this.prisma.$transaction(async (tx) => {
      const locked = await this.lockOwn(tx, author, id);
      await tx.review.delete({ where: { id } });
      const moved = locked.status === 'APPROVED' && (await this.move(tx, { productId: locked.product_id, remove: locked.rating }, author));
      return { productId: locked.product_id, moved };
    });
    await this.evict(productId, moved);
    return id;
  }

  /**
   * APPROVED or REJECTED, from any status. Deciding what a review already is changes only the
   * note (on an approved review, a change of its public page); entering or leaving APPROVED
   * moves the aggregate.
   */
  async moderateReview(moderator: ReviewActor, raw: ModerateReviewInput): Promise<ReviewModel> {
    const input = parseInput(moderateReviewInput, raw);
    const { review, publicChanged } = await this.prisma.$transaction(async (tx) => {
      const locked = await this.lock(tx, input.id);
      const approving = input.status === 'APPROVED' && locked.status !== 'APPROVED';
      const review = await tx.review.update({
        where: { id: locked.id },
        data: {
          status: input.status,
          moderationNote: input.note ?? null,
          moderatedBy: moderator.subject,
          moderatedAt: new Date(),
          ...(approving && !locked.first_approved && { firstApprovedAt: new Date() }),
        },
      });
      let move: RatingMove | null = null;
      if (approving) move = { productId: locked.product_id, add: locked.rating, firstApproval: !locked.first_approved };
      else if (input.status === 'REJECTED' && locked.status === 'APPROVED') move = { productId: locked.product_id, remove: locked.rating };
      if (move !== null) await this.move(tx, move, moderator);
      else if (locked.status === 'APPROVED') await touchPublicReviews(tx, locked.product_id);
      return { review, publicChanged: move !== null || locked.status === 'APPROVED' };
    });
    await this.evict(review.productId, publicChanged);
    return review;
  }

  /** Once per customer (the vote's primary key), never on one's own review, only on a public one. */
  async markHelpful(customer: ReviewActor, rawId: string): Promise<ReviewModel> {
    const id = parseId('reviewId', rawId);
    const review = await this.prisma.$transaction(async (tx) => {
      const locked = await this.lock(tx, id, 'reviewId');
      // Reviews the public cannot see are not there for it.
      if (locked.status !== 'APPROVED') throw new NotFoundError('Review', 'reviewId', id);
      if (locked.customer_id === customer.subject) {
        throw new DomainError(ErrorCode.FORBIDDEN, 'You cannot mark your own review helpful', { field: 'reviewId' });
      }
      const voted = await tx.$executeRaw`
        INSERT INTO catalog.review_helpful_vote (review_id, customer_id) VALUES (${id}::uuid, ${customer.subject}) ON CONFLICT DO NOTHING`;
      if (voted === 0) throw new DomainError(ErrorCode.CONFLICT, 'You have already marked this review helpful', { field: 'reviewId' });
      // Helpful counts order the HELPFUL sort: the product's public pages change, its rating does not.
      await touchPublicReviews(tx, locked.product_id);
      return tx.review.update({ where: { id }, data: { helpfulCount: { increment: 1 } } });
    });
    await this.evict(review.productId, true);
    return review;
  }

  private async lock(tx: Tx, id: string, field = 'id'): Promise<LockedReview> {
    const [row] = await tx.$queryRaw<LockedReview[]>`
      SELECT id::text, product_id::text, customer_id, rating::int AS rating, status::text AS status, first_approved_at IS NOT NULL AS first_approved
      FROM catalog.review WHERE id = ${id}::uuid FOR UPDATE`;
    if (!row) throw new NotFoundError('Review', field, id);
    return row;
  }

  /** The review, locked, if the caller wrote it; someone else's is FORBIDDEN. */
  private async lockOwn(tx: Tx, author: ReviewActor, id: string): Promise<LockedReview> {
    const locked = await this.lock(tx, id);
    if (locked.customer_id !== author.subject) throw new DomainError(ErrorCode.FORBIDDEN, 'Only its author may change a review', { field: 'id' });
    return locked;
  }

  private async move(tx: Tx, move: RatingMove, actor: ReviewActor): Promise<true> {
    await moveRating(tx, move, eventMeta(actor));
    return true;
  }

  /**
   * After commit, when the public saw a change: the product's cached rating, here, in Redis
   * and (by broadcast) on every other instance. Its next read brings the new reviews version,
   * so the product's old pages are never read again (they expire); no other product's are
   * touched. myReview is never cached, so the author reads their own write either way.
   */
  private async evict(productId: string, publicChanged: boolean): Promise<void> {
    if (!publicChanged) return;
    await this.caches.productRating.invalidate([productId]);
  }
}
