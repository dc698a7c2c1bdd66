import { scalarResolvers } from '@shopgraph/kit';
import type { Resolvers } from '../generated/resolvers-types.js';
import { AssociatedProduct } from './AssociatedProduct.js';
import { Bundle } from './Bundle.js';
import { Mutation } from './Mutation.js';
import { Product } from './Product.js';
import { ProductAnalytics } from './ProductAnalytics.js';
import { ProductRanking } from './ProductRanking.js';
import { Query } from './Query.js';
import { Recommendation } from './Recommendation.js';
import { RecommendationReason } from './RecommendationReason.js';
import { TrendingProduct } from './TrendingProduct.js';

export const resolvers: Resolvers = {
  Decimal: scalarResolvers.Decimal,
  Query,
  Mutation,
  Product,
  TrendingProduct,
  Recommendation,
  RecommendationReason,
  AssociatedProduct,
  Bundle,
  ProductAnalytics,
  ProductRanking,
};
