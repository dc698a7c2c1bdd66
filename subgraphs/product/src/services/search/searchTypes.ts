/** What every search engine answers to; services and engines share these, never GraphQL types. */

export type SearchSortName = 'RELEVANCE' | 'PRICE_ASC' | 'PRICE_DESC' | 'NEWEST' | 'RATING';
export type SearchEngineName = 'POSTGRES' | 'OPENSEARCH';
export type SuggestionKind = 'PRODUCT' | 'BRAND' | 'CATEGORY';

export interface AttributeFilter {
  name: string;
  values: string[];
}

/** A filter after validation: ids checked, arrays sorted and deduplicated, amounts as decimal strings. */
export interface SearchFilter {
  categories: string[];
  brands: string[];
  priceMin: string | null;
  priceMax: string | null;
  minRating: number | null;
  inStock: boolean | null;
  attributes: AttributeFilter[];
}

/** One validated search request: the same value always means the same answer (it is the cache key). */
export interface SearchQuery {
  /** Trimmed, whitespace collapsed, lower-cased. */
  text: string;
  filter: SearchFilter;
  sort: SearchSortName;
  offset: number;
  limit: number;
  /** Facets cost a few aggregates: computed only when the client selected them. */
  facets: boolean;
}

export interface SearchHighlight {
  field: 'name' | 'description';
  snippet: string;
}

export interface SearchHit {
  productId: string;
  highlights: SearchHighlight[];
}

export interface CountFacet {
  id: string;
  count: number;
}

/** Price bucket edges shared by both engines, in the catalogue currency. */
export const PRICE_BUCKET_EDGES = ['25', '50', '100', '200', '500'] as const;
export const RATING_FACET_STEPS = [4, 3, 2, 1] as const;

export interface SearchFacets {
  /** Counts per category id; a product counts for its category and every ancestor. */
  categories: CountFacet[];
  brands: CountFacet[];
  prices: Array<{ from: string; to: string | null; count: number }>;
  ratings: Array<{ minRating: number; count: number }>;
}

export interface EngineResult {
  engine: SearchEngineName;
  hits: SearchHit[];
  total: number;
  facets: SearchFacets | null;
  didYouMean: string | null;
}

export interface Suggestion {
  text: string;
  kind: SuggestionKind;
  /** Product, brand or category id. */
  id: string;
}

export interface SearchEngine {
  readonly name: SearchEngineName;
  search(query: SearchQuery): Promise<EngineResult>;
  suggest(prefix: string, limit: number): Promise<Suggestion[]>;
}

/** Most results any engine pages through (OpenSearch's default max_result_window). */
export const MAX_RESULT_WINDOW = 10_000;
export const MAX_QUERY_LENGTH = 200;
export const MAX_PREFIX_LENGTH = 100;
export const MAX_SUGGESTIONS = 20;
