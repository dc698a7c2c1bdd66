import { requireAuthenticated } from '@shopgraph/kit';
import type { MutationResolvers } from '../generated/resolvers-types.js';
import type { ProductContext } from '../context.js';

/** Who changes the catalog (the schema's @requiresScopes already admitted them). */
const actorOf = (ctx: ProductContext) => ({ subject: requireAuthenticated(ctx.identity).subject, requestId: ctx.requestId });

export const Mutation: MutationResolvers = {
  createProductImageUpload: (_, args, ctx) => ctx.services.images.createUpload(actorOf(ctx), args),
  deleteProductImage: (_, { id }, ctx) => ctx.services.images.deleteImage(actorOf(ctx), id),
  retryProductImage: (_, { id }, ctx) => ctx.services.images.retryImage(actorOf(ctx), id),
};
