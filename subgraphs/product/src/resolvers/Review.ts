import type { ProductRatingResolvers, ReviewResolvers } from '../generated/resolvers-types.js';
import { averageRating, ratingDistribution } from '../services/reviews/ratingSummary.js';

export const Review: ReviewResolvers = {
  product: async (r, _, ctx) => (await ctx.loaders.productById.load(r.productId))!,
  moderationNote: (r, _, ctx) => ctx.services.reviewReads.moderationNoteFor(ctx, r),
};

export const ProductRating: ProductRatingResolvers = {
  average: (r) => averageRating(r),
  distribution: (r) => ratingDistribution(r),
};
