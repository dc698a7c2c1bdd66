import type { ProductAnalyticsResolvers } from '../generated/resolvers-types.js';

export const ProductAnalytics: ProductAnalyticsResolvers = {
  product: (a) => ({ id: a.productId }),
};
