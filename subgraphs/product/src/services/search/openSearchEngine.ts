import type { Client } from '@opensearch-project/opensearch';
import { HIGHLIGHT_END, HIGHLIGHT_START } from './highlightMarkers.js';
import {
  PRICE_BUCKET_EDGES,
  RATING_FACET_STEPS,
  type EngineResult,
  type SearchEngine,
  type SearchFacets,
  type SearchHighlight,
  type SearchQuery,
  type SearchSortName,
  type Suggestion,
} from './searchTypes.js';

/** Field boosts: name > brand > category and attributes > description (as the tsvector weights). */
export const SEARCH_FIELDS = ['name^4', 'brand^3', 'category^2', 'attribute_text^1.5', 'description'];

const SORT: Record<SearchSortName, unknown[]> = {
  RELEVANCE: ['_score', { id: 'asc' }],
  PRICE_ASC: [{ min_price: 'asc' }, { id: 'asc' }],
  PRICE_DESC: [{ min_price: 'desc' }, { id: 'desc' }],
  NEWEST: [{ created_at: 'desc' }, { id: 'desc' }],
  RATING: [{ rating: 'desc' }, { review_count: 'desc' }, '_score', { id: 'asc' }],
};

interface SearchResponse {
  hits: { total: { value: number }; hits: Array<{ _id: string; highlight?: Record<string, string[]> }> };
  aggregations?: {
    categories: { buckets: Array<{ key: string; doc_count: number }> };
    brands: { buckets: Array<{ key: string; doc_count: number }> };
    prices: { buckets: Array<{ from?: number; to?: number; doc_count: number }> };
    ratings: { buckets: Array<{ key: string; doc_count: number }> };
  };
  suggest?: { did_you_mean: Array<{ text: string; offset: number; length: number; options: Array<{ text: string; freq: number; score: number }> }> };
}

/** Builds the OpenSearch request for a validated query (exported for the request-shape tests). */
export function searchRequestBody(query: SearchQuery): Record<string, unknown> {
  const f = query.filter;
  const filter: unknown[] = [];
  if (f.categories.length > 0) filter.push({ terms: { category_ids: f.categories } });
  if (f.brands.length > 0) filter.push({ terms: { brand_id: f.brands } });
  if (f.priceMin != null || f.priceMax != null) {
    filter.push({ range: { min_price: { ...(f.priceMin != null && { gte: Number(f.priceMin) }), ...(f.priceMax != null && { lte: Number(f.priceMax) }) } } });
  }
  if (f.minRating != null) filter.push({ range: { rating: { gte: f.minRating } } });
  if (f.inStock != null) filter.push({ term: { in_stock: f.inStock } });
  for (const a of f.attributes) filter.push({ terms: { attributes: a.values.map((v) => `${a.name}=${v}`) } });

  return {
    from: query.offset,
    size: query.limit,
    track_total_hits: true,
    _source: false,
    query: {
      function_score: {
        query: {
          bool: {
            must: [{ multi_match: { query: query.text, fields: SEARCH_FIELDS, type: 'best_fields', operator: 'and', fuzziness: 'AUTO', prefix_length: 1 } }],
            // An exact name match far ahead of everything else.
            should: [{ term: { 'name.raw': { value: query.text, boost: 20 } } }, { match_phrase: { name: { query: query.text, boost: 4 } } }],
            filter,
          },
        },
        functions: [
          { filter: { term: { in_stock: true } }, weight: 2 },
          { field_value_factor: { field: 'rating', factor: 0.2, modifier: 'ln2p', missing: 0 } },
          { field_value_factor: { field: 'review_count', factor: 0.1, modifier: 'log1p', missing: 0 } },
          { field_value_factor: { field: 'popularity', factor: 0.05, modifier: 'log1p', missing: 0 } },
        ],
        score_mode: 'sum',
        boost_mode: 'multiply',
      },
    },
    sort: SORT[query.sort],
    highlight: {
      pre_tags: [HIGHLIGHT_START],
      post_tags: [HIGHLIGHT_END],
      encoder: 'default',
      fields: { name: { number_of_fragments: 0 }, description: { fragment_size: 120, number_of_fragments: 2 } },
    },
    ...(query.facets && {
      aggs: {
        categories: { terms: { field: 'category_ids', size: 500 } },
        brands: { terms: { field: 'brand_id', size: 100 } },
        prices: {
          range: {
            field: 'min_price',
            ranges: [0, ...PRICE_BUCKET_EDGES.map(Number)].map((from, i) => ({ from, ...(i < PRICE_BUCKET_EDGES.length && { to: Number(PRICE_BUCKET_EDGES[i]) }) })),
          },
        },
        ratings: { range: { field: 'rating', keyed: false, ranges: RATING_FACET_STEPS.map((r) => ({ key: String(r), from: r })) } },
      },
    }),
    suggest: { text: query.text, did_you_mean: { term: { field: 'spell', suggest_mode: 'missing', sort: 'score', string_distance: 'damerau_levenshtein', min_word_length: 3 } } },
  };
}

export function suggestRequestBody(prefix: string, limit: number): Record<string, unknown> {
  return {
    _source: ['name', 'brand', 'brand_id', 'category', 'category_id'],
    suggest: {
      products: {
        prefix,
        completion: { field: 'suggest', size: limit, skip_duplicates: true, fuzzy: { fuzziness: 'AUTO', prefix_length: 1 } },
      },
    },
  };
}

/** OpenSearch when OPENSEARCH_URL is set: the index `alias` kept by the search indexer and `npm run reindex`. */
export class OpenSearchEngine implements SearchEngine {
  readonly name = 'OPENSEARCH' as const;

  constructor(
    private readonly client: Client,
    private readonly alias: string,
  ) {}

  async search(query: SearchQuery): Promise<EngineResult> {
    const { body } = await this.client.search({ index: this.alias, body: searchRequestBody(query) });
    return mapSearchResponse(body as unknown as SearchResponse, query);
  }

  async suggest(prefix: string, limit: number): Promise<Suggestion[]> {
    const { body } = await this.client.search({ index: this.alias, body: suggestRequestBody(prefix, limit) });
    return mapSuggestResponse(body as unknown as SuggestResponse, limit);
  }
}

export function mapSearchResponse(body: SearchResponse, query: SearchQuery): EngineResult {
  const hits = body.hits.hits.map((hit) => {
    const highlights: SearchHighlight[] = [];
    const name = hit.highlight?.name?.[0];
    if (name) highlights.push({ field: 'name', snippet: name });
    const description = hit.highlight?.description;
    if (description?.length) highlights.push({ field: 'description', snippet: description.join(' … ') });
    return { productId: hit._id, highlights };
  });
  return {
    engine: 'OPENSEARCH',
    hits,
    total: body.hits.total.value,
    facets: query.facets && body.aggregations ? mapFacets(body.aggregations) : null,
    didYouMean: didYouMean(query.text, body.suggest?.did_you_mean ?? []),
  };
}

function mapFacets(aggs: NonNullable<SearchResponse['aggregations']>): SearchFacets {
  const ratingCounts = new Map(aggs.ratings.buckets.map((b) => [b.key, b.doc_count]));
  return {
    categories: aggs.categories.buckets.map((b) => ({ id: b.key, count: b.doc_count })),
    brands: aggs.brands.buckets.map((b) => ({ id: b.key, count: b.doc_count })),
    prices: aggs.prices.buckets.map((b) => ({
      from: (b.from ?? 0).toFixed(2),
      to: b.to != null ? b.to.toFixed(2) : null,
      count: b.doc_count,
    })),
    ratings: RATING_FACET_STEPS.map((r) => ({ minRating: r, count: ratingCounts.get(String(r)) ?? 0 })),
  };
}

/** The term suggester's first option for each misspelt word, spliced into the query; null when none. */
function didYouMean(text: string, entries: NonNullable<SearchResponse['suggest']>['did_you_mean']): string | null {
  let corrected = text;
  let changed = false;
  for (const entry of [...entries].sort((a, b) => b.offset - a.offset)) {
    const best = entry.options[0];
    if (!best) continue;
    corrected = corrected.slice(0, entry.offset) + best.text + corrected.slice(entry.offset + entry.length);
    changed = true;
  }
  return changed ? corrected : null;
}

interface SuggestResponse {
  suggest: {
    products: Array<{ options: Array<{ text: string; _id: string; _source?: { name: string; brand: string; brand_id: string; category: string; category_id: string } }> }>;
  };
}

export function mapSuggestResponse(body: SuggestResponse, limit: number): Suggestion[] {
  const out: Suggestion[] = [];
  const seen = new Set<string>();
  for (const option of body.suggest.products[0]?.options ?? []) {
    const source = option._source;
    const text = option.text;
    let suggestion: Suggestion = { text, kind: 'PRODUCT', id: option._id };
    if (source && text.toLowerCase() === source.brand.toLowerCase()) suggestion = { text, kind: 'BRAND', id: source.brand_id };
    else if (source && source.category.toLowerCase().endsWith(text.toLowerCase()) && text.toLowerCase() !== source.name.toLowerCase()) {
      suggestion = { text, kind: 'CATEGORY', id: source.category_id };
    }
    if (seen.has(text.toLowerCase())) continue;
    seen.add(text.toLowerCase());
    out.push(suggestion);
    if (out.length === limit) break;
  }
  return out;
}
