import { sellerIdOf } from '@shopgraph/kit';
import type { ProductContext } from '../context.js';
import type { MutationResolvers } from '../generated/resolvers-types.js';
import type { ChangeActor } from '../services/pricingService.js';

/** The admin or seller who acts (the field's @requiresScopes has already let only them in; the services apply the seller rule). */
function actorOf(ctx: ProductContext): ChangeActor {
  const sellerId = sellerIdOf(ctx.identity);
  return { subject: ctx.identity.kind === 'user' ? ctx.identity.subject : 'anonymous', requestId: ctx.requestId, ...(sellerId !== undefined && { sellerId }) };
}

export const Mutation: MutationResolvers = {
  createProduct: (_, { input }, ctx) => ctx.services.admin.createProduct(actorOf(ctx), input),
  updateProduct: (_, { id, input }, ctx) => ctx.services.admin.updateProduct(actorOf(ctx), id, input),
  publishProduct: (_, { id }, ctx) => ctx.services.admin.publishProduct(actorOf(ctx), id),
  archiveProduct: (_, { id }, ctx) => ctx.services.admin.archiveProduct(actorOf(ctx), id),
  deleteProduct: (_, { id }, ctx) => ctx.services.admin.deleteProduct(actorOf(ctx), id),
  createVariant: (_, { productId, input }, ctx) => ctx.services.admin.createVariant(actorOf(ctx), productId, input),
  updateVariant: (_, { id, input }, ctx) => ctx.services.admin.updateVariant(actorOf(ctx), id, input),
  setPrice: (_, { variantId, price, reason }, ctx) => ctx.services.pricing.setPrice(actorOf(ctx), { variantId, price, reason }),
  schedulePrice: (_, { input }, ctx) => ctx.services.pricing.schedulePrice(actorOf(ctx), input),
  cancelScheduledPrice: (_, { id }, ctx) => ctx.services.pricing.cancelScheduledPrice(actorOf(ctx), id),
  createCategory: (_, { input }, ctx) => ctx.services.admin.createCategory(actorOf(ctx), input),
  renameCategory: (_, { id, name, slug }, ctx) => ctx.services.admin.renameCategory(actorOf(ctx), id, name, slug),
  moveCategory: (_, { id, parentId }, ctx) => ctx.services.admin.moveCategory(actorOf(ctx), id, parentId),
  deleteCategory: (_, { id }, ctx) => ctx.services.admin.deleteCategory(actorOf(ctx), id),
  createBrand: (_, { input }, ctx) => ctx.services.admin.createBrand(actorOf(ctx), input),
  createProductImageUpload: (_, args, ctx) => ctx.services.images.createUpload(actorOf(ctx), args),
  deleteProductImage: (_, { id }, ctx) => ctx.services.images.deleteImage(actorOf(ctx), id),
  retryProductImage: (_, { id }, ctx) => ctx.services.images.retryImage(actorOf(ctx), id),
  // reviews and ratings (issue 10): @requiresScopes let only customers (moderation: catalog admins) in
  createReview: (_, args, ctx) => ctx.services.reviews.createReview(actorOf(ctx), args),
  updateReview: (_, args, ctx) => ctx.services.reviews.updateReview(actorOf(ctx), args),
  deleteReview: (_, { id }, ctx) => ctx.services.reviews.deleteReview(actorOf(ctx), id),
  markReviewHelpful: (_, { reviewId }, ctx) => ctx.services.reviews.markHelpful(actorOf(ctx), reviewId),
  moderateReview: (_, args, ctx) => ctx.services.reviews.moderateReview(actorOf(ctx), args),
};
