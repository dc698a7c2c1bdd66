/** What `npm run bench` measures: each figure beside a baseline measured in the same run. */
export interface Scenario {
  name: string;
  /** Which server answers: a bare HTTP baseline, one subgraph directly, or the gateway. */
  target: 'baseline' | 'product' | 'gateway';
  query?: string;
  variables?: Record<string, unknown>;
  /** The design.md figure it is held against, for the report. */
  target_ms?: number;
}

const SEARCH_WITH_FACETS = `query($query: String!) { search(query: $query, first: 20) { totalCount engine
  edges { node { id name priceRange { min { amount currency } } } highlights { field snippet } }
  facets { categories { category { name } count children { category { name } count } } brands { brand { name } count } prices { from to count } } } }`;

export const SCENARIOS: Scenario[] = [
  { name: 'baseline: bare node:http JSON', target: 'baseline' },
  {
    name: 'product subgraph direct: listing of 20',
    target: 'product',
    query: '{ products(first: 20) { totalCount edges { node { id name priceRange { min { amount currency } } } } } }',
    target_ms: 30,
  },
  {
    name: 'gateway: listing of 20 with stock (2 subgraphs)',
    target: 'gateway',
    query: '{ products(first: 20) { totalCount edges { node { id name priceRange { min { amount currency } } stock { available } } } } }',
    target_ms: 30,
  },
  {
    name: 'gateway: product page (4 subgraphs)',
    target: 'gateway',
    query: `query($slug: String) { product(slug: $slug) { name description category { name ancestors { name } }
      variants { sku name price { amount currency } stock { available } } stock { available } unitsSold(days: 30) } }`,
    target_ms: 50,
  },
  {
    name: 'gateway: category listing of 50 with stock',
    target: 'gateway',
    query: `query($category: ID) { products(first: 50, filter: { category: $category }) { totalCount
      edges { node { id name priceRange { min { amount currency } } stock { available } } } } }`,
    target_ms: 30,
  },
  {
    name: 'gateway: 100-product batch with variants and stock',
    target: 'gateway',
    query: '{ products(first: 100) { edges { node { id name variants { sku price { amount } stock { available } } } } } }',
    target_ms: 50,
  },
  {
    name: 'gateway: product by id (primary-key read, the search baseline)',
    target: 'gateway',
    query: 'query($id: ID) { product(id: $id) { id name priceRange { min { amount currency } } } }',
    target_ms: 10,
  },
  {
    name: 'product subgraph direct: search 20 with facets',
    target: 'product',
    query: SEARCH_WITH_FACETS,
    variables: { query: 'linen dress' },
    target_ms: 100,
  },
  {
    name: 'gateway: search 20 with facets and highlights',
    target: 'gateway',
    query: SEARCH_WITH_FACETS,
    variables: { query: 'linen dress' },
    target_ms: 100,
  },
  {
    name: 'gateway: search misspelt (did you mean), 20 with stock',
    target: 'gateway',
    query: `query($query: String!) { search(query: $query, first: 20) { totalCount didYouMean
      edges { node { id name priceRange { min { amount currency } } stock { available } } } } }`,
    variables: { query: 'linnen shrit' },
    target_ms: 100,
  },
  {
    name: 'gateway: suggest 8',
    target: 'gateway',
    query: 'query($prefix: String!) { suggest(prefix: $prefix) { text kind } }',
    variables: { prefix: 'lin' },
    target_ms: 50,
  },
  {
    name: 'gateway: trending 10',
    target: 'gateway',
    query: '{ trending(first: 10) { score product { name priceRange { min { amount } } } } }',
    target_ms: 200,
  },
];
