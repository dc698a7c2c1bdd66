import type { ImageRenditionResolvers, ProductImageResolvers } from '../generated/resolvers-types.js';

export const ProductImage: ProductImageResolvers = {
  url: (image, { size, format }, ctx) => ctx.services.images.urlFor(image, size, format),
  renditions: (image) => image.renditions,
};

export const ImageRendition: ImageRenditionResolvers = {
  size: (r) => r.size as never,
  format: (r) => r.format as never,
  url: (r, _, ctx) => ctx.services.images.urlOf(r.key),
};
