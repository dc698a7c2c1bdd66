import type { QueryResolvers } from '../generated/resolvers-types.js';

export const Query: QueryResolvers = {
  product: (_, { id, slug }, ctx) => ctx.services.catalog.productByIdOrSlug(ctx, id, slug),
  products: (_, args, ctx) => ctx.services.catalog.listProducts(ctx, args),
  categories: (_, __, ctx) => ctx.services.catalog.rootCategories(ctx),
  category: (_, { id, path }, ctx) => ctx.services.catalog.categoryByIdOrPath(ctx, id, path),
  brands: (_, __, ctx) => ctx.services.catalog.brands(ctx),
};
