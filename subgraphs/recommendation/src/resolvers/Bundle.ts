import type { BundleResolvers } from '../generated/resolvers-types.js';
import { bundlePrice } from '../services/recommendationService.js';

export const Bundle: BundleResolvers = {
  products: (b) => b.productIds.map((id) => ({ id })),
  totalPrice: (b) => bundlePrice(b),
  reason: (b) => ({ kind: 'BOUGHT_WITH', productId: b.anchorId, category: null }),
};
