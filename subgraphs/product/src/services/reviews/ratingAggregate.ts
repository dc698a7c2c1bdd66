import { recordEvents, type EventMeta, type Prisma } from '@shopgraph/kit';
import { averageRating, ratingFromRow, type RatingRow, type RatingSummary } from './ratingSummary.js';

/** One review leaving and/or entering a product's APPROVED set. */
export interface RatingMove {
  productId: string;
  /** Stars of an approved review that stops counting (rejected, edited, deleted). */
  remove?: number | null;
  /** Stars of a review that starts counting (approved). */
  add?: number | null;
  /** Set when `add` is a review's first approval: a new public review (a trending signal). */
  firstApproval?: boolean;
}

/**
 * Moves a product's rating aggregate by one transition and records product.rating_changed
 * with the values it now holds, both inside the caller's transaction. The UPDATE adds
 * deltas under the aggregate row's lock, so concurrent transitions of one product queue and
 * none is lost; the table's CHECK refuses any count going below zero. The public pages
 * changed too, so their version moves with it.
 */
export async function moveRating(tx: Prisma.TransactionClient, move: RatingMove, meta: EventMeta): Promise<RatingSummary> {
  const delta = [0, 0, 0, 0, 0];
  if (move.remove != null) delta[move.remove - 1]! -= 1;
  if (move.add != null) delta[move.add - 1]! += 1;
  const count = delta.reduce((a, b) => a + b, 0);
  const starSum = delta.reduce((sum, n, i) => sum + n * (i + 1), 0);
  // The row first (zeros), then the deltas: a CHECK is tested on the row an upsert proposes,
  // so negative deltas cannot travel through INSERT ... ON CONFLICT.
  await tx.$executeRaw`INSERT INTO catalog.product_rating (product_id) VALUES (${move.productId}::uuid) ON CONFLICT (product_id) DO NOTHING`;
  const [row] = await tx.$queryRaw<RatingRow[]>`
    UPDATE catalog.product_rating SET
      count = count + ${count}, star_sum = star_sum + ${starSum},
      stars_1 = stars_1 + ${delta[0]}, stars_2 = stars_2 + ${delta[1]}, stars_3 = stars_3 + ${delta[2]},
      stars_4 = stars_4 + ${delta[3]}, stars_5 = stars_5 + ${delta[4]}, reviews_version = reviews_version + 1, updated_at = now()
    WHERE product_id = ${move.productId}::uuid
    RETURNING product_id::text AS "productId", count, star_sum AS "starSum", stars_1 AS "stars1", stars_2 AS "stars2", stars_3 AS "stars3",
      stars_4 AS "stars4", stars_5 AS "stars5", reviews_version AS "reviewsVersion"`;
  const summary = ratingFromRow(row!);
  await recordEvents(
    tx,
    'catalog',
    [
      {
        topic: 'product.rating_changed',
        payload: {
          productId: move.productId,
          rating: averageRating(summary) ?? '0.00',
          reviewCount: summary.count,
          newlyApprovedRating: move.firstApproval && move.add != null ? move.add : null,
        },
      },
    ],
    meta,
  );
  return summary;
}

/**
 * A change of the product's public reviews that leaves the rating as it is (a helpful mark
 * reorders the HELPFUL sort, a new note on an approved review): moves only the reviews
 * version, in the caller's transaction, so that product's cached pages stop being read.
 */
export async function touchPublicReviews(tx: Prisma.TransactionClient, productId: string): Promise<void> {
  // An approved review's product has its row already; the upsert needs no such promise (zeros pass the CHECK).
  await tx.$executeRaw`
    INSERT INTO catalog.product_rating (product_id, reviews_version) VALUES (${productId}::uuid, 1)
    ON CONFLICT (product_id) DO UPDATE SET reviews_version = product_rating.reviews_version + 1`;
}
