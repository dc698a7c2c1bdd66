/**
 * Trending: recent activity, the newest weighing most, nudged by the product's rating.
 * The refresh job computes it in SQL over reco.product_daily_signal with these constants
 * (trendingSql in ruleMining.ts); this module is the formula, unit-tested by hand.
 */

/** Days of signals that count. */
export const TRENDING_WINDOW_DAYS = 14;
/** A day's activity counts half as much every 3 days. */
export const TRENDING_HALF_LIFE_DAYS = 3;
/**
 * A purchase says more than a cart add, which says more than a view. A good new review (4-5
 * stars, approved for the first time: product.rating_changed) is fresh word of mouth: it
 * weighs between a cart add and a purchase, and decays like any other activity, so it lifts
 * a product for about a week. The lasting effect of reviews is the rating factor below.
 */
export const TRENDING_WEIGHTS = { views: 1, cartAdds: 3, goodReviews: 5, purchases: 10 } as const;
/** Stars from which a newly approved review counts as a good review. */
export const GOOD_REVIEW_MIN_STARS = 4;
/**
 * Rating: a Bayesian average (PRIOR_COUNT imaginary reviews of PRIOR_MEAN stars, so three
 * 5-star reviews do not beat three hundred 4.8s), then a factor 1 + WEIGHT * (avg - mean) / 2:
 * from 0.5 (many 1-star reviews) to 1.5 (many 5-star reviews); 1 when unrated.
 */
export const RATING_PRIOR_MEAN = 3;
export const RATING_PRIOR_COUNT = 5;
export const RATING_WEIGHT = 0.5;

export interface DailyActivity {
  /** Whole days before today (0 = today). */
  ageDays: number;
  views: number;
  cartAdds: number;
  purchases: number;
  /** Good reviews approved for the first time that day. */
  goodReviews?: number;
}

/** Sum over the window of each day's weighted activity times 0.5^(age / half-life). */
export function decayedActivity(days: readonly DailyActivity[]): number {
  let score = 0;
  for (const d of days) {
    if (d.ageDays < 0 || d.ageDays >= TRENDING_WINDOW_DAYS) continue;
    const weighted =
      d.views * TRENDING_WEIGHTS.views + d.cartAdds * TRENDING_WEIGHTS.cartAdds + (d.goodReviews ?? 0) * TRENDING_WEIGHTS.goodReviews + d.purchases * TRENDING_WEIGHTS.purchases;
    score += weighted * Math.pow(0.5, d.ageDays / TRENDING_HALF_LIFE_DAYS);
  }
  return score;
}

/** The rating's multiplier: 1 for no reviews, above 1 for well-rated products. */
export function ratingFactor(averageRating: number, reviewCount: number): number {
  const bayesian = (averageRating * reviewCount + RATING_PRIOR_MEAN * RATING_PRIOR_COUNT) / (reviewCount + RATING_PRIOR_COUNT);
  return 1 + (RATING_WEIGHT * (bayesian - RATING_PRIOR_MEAN)) / 2;
}

export function trendingScore(days: readonly DailyActivity[], averageRating = 0, reviewCount = 0): number {
  return decayedActivity(days) * ratingFactor(averageRating, reviewCount);
}
