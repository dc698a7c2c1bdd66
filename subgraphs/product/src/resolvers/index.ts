import { scalarResolvers } from '@shopgraph/kit';
import type { Resolvers } from '../generated/resolvers-types.js';
import { Category } from './Category.js';
import { Product } from './Product.js';
import { Mutation } from './Mutation.js';
import { PriceChange, ProductVariant, ScheduledPrice } from './ProductVariant.js';
import { ImageRendition, ProductImage } from './ProductImage.js';
import { Query } from './Query.js';
import { ProductRating, Review } from './Review.js';
import { BrandFacet, CategoryFacet, SearchEdge, SearchResult, SearchSuggestion } from './SearchResult.js';

export const resolvers: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  Decimal: scalarResolvers.Decimal,
  Query,
  Mutation,
  ProductImage,
  ImageRendition,
  Product,
  ProductVariant,
  ScheduledPrice,
  PriceChange,
  Category,
  SearchResult,
  SearchEdge,
  CategoryFacet,
  BrandFacet,
  SearchSuggestion,
  Review,
  ProductRating,
};
