import { ResponseTag } from '@shopgraph/kit';
import type { QueryResolvers } from '../generated/resolvers-types.js';
import { selectsField } from './selectsField.js';

export const Query: QueryResolvers = {
  product: (_, { id, slug }, ctx) => ctx.services.catalog.productByIdOrSlug(ctx, id, slug),
  products: (_, args, ctx) => ctx.services.catalog.listProducts(ctx, args),
  categories: (_, __, ctx) => ctx.services.catalog.rootCategories(ctx),
  category: (_, { id, path }, ctx) => ctx.services.catalog.categoryByIdOrPath(ctx, id, path),
  brands: (_, __, ctx) => ctx.services.catalog.brands(ctx),
  // Any product change can change what a search or suggestion answers: tag them as a listing.
  search: (_, args, ctx, info) => {
    ctx.responseTags.add(ResponseTag.productList);
    return ctx.services.search.search(ctx, args, selectsField(info, 'facets'));
  },
  failedProductImages: (_, { first }, ctx) => ctx.services.images.failedImages(first),
  reviewModerationQueue: (_, args, ctx) => ctx.services.reviewReads.moderationQueue(args),
  suggest: (_, { prefix, first }, ctx) => {
    ctx.responseTags.add(ResponseTag.productList);
    return ctx.services.search.suggest(prefix, first);
  },
};
