import { hasScope } from '@shopgraph/kit';
import type { ProductResolvers } from '../generated/resolvers-types.js';
import { cacheUntil } from './cacheUntil.js';
import { jsonPairs } from './jsonPairs.js';

export const Product: ProductResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.productById.load(ref.id),
  brand: async (p, _, ctx) => (await ctx.loaders.brandById.load(p.brandId))!,
  category: async (p, _, ctx) => (await ctx.loaders.categoryById.load(p.categoryId))!,
  attributes: (p) => jsonPairs(p.attributes).map(([name, value]) => ({ name, value })),
  variants: (p, _, ctx) => ctx.loaders.variantsByProductId.load(p.id),
  // Shoppers see finished images; catalog admins follow every upload.
  images: async (p, _, ctx) => {
    const images = await ctx.loaders.imagesByProductId.load(p.id);
    return hasScope(ctx.identity, 'catalog') ? images : images.filter((i) => i.status === 'READY');
  },
  priceRange: async (p, _, ctx, info) => cacheUntil(info, await ctx.services.prices.priceRange(ctx, p)),
  priceHistory: (p, { first }, ctx) => ctx.services.prices.priceHistory(ctx, p, first ?? 50),
  lowestPrice: async (p, { days }, ctx, info) => cacheUntil(info, await ctx.services.prices.productLowestPrice(ctx, p, days ?? 30)),
  // reviews and ratings (issue 10)
  rating: (p, _, ctx) => ctx.services.reviewReads.rating(ctx, p.id),
  reviews: (p, args, ctx) => ctx.services.reviewReads.productReviews(ctx, p.id, args),
  myReview: (p, _, ctx) => ctx.services.reviewReads.myReview(ctx, p.id),
};
