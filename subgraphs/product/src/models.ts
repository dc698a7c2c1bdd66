import type { Prisma } from '@shopgraph/kit';
import type { Connection } from '@shopgraph/kit';

/** Backing types the resolvers receive as parents (codegen mappers). */
export type ProductModel = Prisma.ProductGetPayload<object>;
export type VariantModel = Prisma.ProductVariantGetPayload<object>;
export type CategoryModel = Prisma.CategoryGetPayload<object>;
export type BrandModel = Prisma.BrandGetPayload<object>;
export type PriceChangeModel = Prisma.PriceChangeGetPayload<object>;
export type ScheduledPriceModel = Prisma.ScheduledPriceGetPayload<object>;
/** An image with its renditions (cached together, per product). */
export type ImageModel = Prisma.ProductImageGetPayload<{ include: { renditions: true } }>;
export type RenditionModel = Prisma.ImageRenditionGetPayload<object>;
export type ProductConnectionModel = Connection<ProductModel>;
export type { SearchResultModel, SearchEdgeModel, CategoryFacetModel } from './services/searchService.js';
export type BrandFacetModel = { brandId: string; count: number };
export type { Suggestion as SuggestionModel } from './services/search/searchTypes.js';

// reviews and ratings (issue 10)
export type ReviewModel = Prisma.ReviewGetPayload<object>;
export type ReviewConnectionModel = Connection<ReviewModel>;
export type { RatingSummary as RatingSummaryModel } from './services/reviews/ratingSummary.js';
