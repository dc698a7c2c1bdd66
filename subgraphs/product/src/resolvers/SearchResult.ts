import type { BrandFacetResolvers, CategoryFacetResolvers, SearchEdgeResolvers, SearchResultResolvers, SearchSuggestionResolvers } from '../generated/resolvers-types.js';

export const SearchResult: SearchResultResolvers = {
  facets: (r) => r.facets ?? { categories: [], brands: [], prices: [], ratings: [] },
};

export const SearchEdge: SearchEdgeResolvers = {
  node: async (e, _, ctx) => (await ctx.loaders.productById.load(e.productId))!,
};

export const CategoryFacet: CategoryFacetResolvers = {
  category: async (f, _, ctx) => (await ctx.loaders.categoryById.load(f.categoryId))!,
};

export const BrandFacet: BrandFacetResolvers = {
  brand: async (f, _, ctx) => (await ctx.loaders.brandById.load(f.brandId))!,
};

export const SearchSuggestion: SearchSuggestionResolvers = {
  product: (s, _, ctx) => (s.kind === 'PRODUCT' ? ctx.loaders.productById.load(s.id) : null),
  brand: (s, _, ctx) => (s.kind === 'BRAND' ? ctx.loaders.brandById.load(s.id) : null),
  category: (s, _, ctx) => (s.kind === 'CATEGORY' ? ctx.loaders.categoryById.load(s.id) : null),
};
