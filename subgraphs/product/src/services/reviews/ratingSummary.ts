import type { Prisma } from '@shopgraph/kit';

/**
 * A product's rating over its APPROVED reviews, as the aggregate row keeps it: counts per
 * star and the sum of stars, so the average is exact (sum / count) and rounded only when shown.
 */
export interface RatingSummary {
  productId: string;
  count: number;
  starSum: number;
  /** Approved reviews with 1, 2, 3, 4 and 5 stars (index 0 is one star). */
  stars: [number, number, number, number, number];
  /** Moves with every change of the product's public reviews: cached review pages are keyed by it. */
  reviewsVersion: number;
}

/** The aggregate row's fields (the Prisma model's names; raw SQL aliases its columns to them). */
export type RatingRow = Pick<Prisma.ProductRatingGetPayload<object>, 'productId' | 'count' | 'starSum' | 'stars1' | 'stars2' | 'stars3' | 'stars4' | 'stars5' | 'reviewsVersion'>;

export function emptyRating(productId: string): RatingSummary {
  return { productId, count: 0, starSum: 0, stars: [0, 0, 0, 0, 0], reviewsVersion: 0 };
}

export function ratingFromRow(row: RatingRow): RatingSummary {
  return {
    productId: row.productId,
    count: row.count,
    starSum: row.starSum,
    stars: [row.stars1, row.stars2, row.stars3, row.stars4, row.stars5],
    reviewsVersion: row.reviewsVersion,
  };
}

/**
 * The average to 2 decimals, rounded half up, in integer arithmetic (no binary float ever
 * sees it): hundredths = floor((200 * sum + count) / (2 * count)). Null with no reviews.
 */
export function averageRating(summary: Pick<RatingSummary, 'count' | 'starSum'>): string | null {
  if (summary.count === 0) return null;
  const hundredths = Math.floor((200 * summary.starSum + summary.count) / (2 * summary.count));
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

/** Five buckets, five stars first, each present even when empty. */
export function ratingDistribution(summary: RatingSummary): Array<{ stars: number; count: number }> {
  return [5, 4, 3, 2, 1].map((stars) => ({ stars, count: summary.stars[stars - 1]! }));
}
