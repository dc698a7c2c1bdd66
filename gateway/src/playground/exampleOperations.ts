export interface ExampleOperation {
  name: string;
  query: string;
  variables?: string;
}

/** Ready-made tabs in the playground: what a storefront asks first. */
export const EXAMPLE_OPERATIONS: ExampleOperation[] = [
  {
    name: 'Live price and stock changes (subscription over graphql-ws, three subgraphs)',
    query: `subscription LivePrices($ids: [ID!]!) {
  priceChanged(productIds: $ids) {
    productId sku oldPrice { amount } newPrice { amount currency } occurredAt
    product { name priceRange { min { amount } } stock { available } unitsSold(days: 30) }
  }
}`,
    // A product id from the Browse tab (select `id` there); then change its price as an admin.
    variables: '{ "ids": ["paste-a-product-id"] }',
  },
  {
    name: 'Browse products with stock (product + inventory)',
    query: `query Browse($after: String) {
  products(first: 5, after: $after, sort: PRICE_ASC, filter: { inStock: true }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { name slug brand { name } priceRange { min { amount currency } } stock { available } } }
  }
}`,
  },
  {
    name: 'Category tree',
    query: `query Categories {
  categories { name path children { name path children { name path } } }
}`,
  },
  {
    name: 'Product page (four subgraphs)',
    query: `query ProductPage($slug: String) {
  product(slug: $slug) {
    name description
    category { name ancestors { name } }
    variants { sku name price { amount currency } stock { available inStock } }
    stock { available warehouses { warehouse { code } available lowStock } }
    unitsSold(days: 30)
  }
}`,
    // A slug from the Browse tab goes here; an unknown one answers NOT_FOUND with the field.
    variables: '{ "slug": "paste-a-slug-from-the-browse-tab" }',
  },
  {
    name: 'Search with facets and autocomplete',
    query: `query Search($query: String!) {
  search(query: $query, first: 5, filter: { inStock: true }) {
    totalCount engine didYouMean
    edges { node { name priceRange { min { amount currency } } stock { available } } highlights { field snippet } }
    facets { categories { category { name } count } brands { brand { name } count } prices { from to count } }
  }
  suggest(prefix: "lin") { text kind }
}`,
    // A misspelling on purpose: the answer says what it searched for instead.
    variables: '{ "query": "linnen shirt" }',
  },
  {
    name: 'Trending',
    query: `query Trending {
  trending(first: 5) { score reason { kind category } product { name priceRange { min { amount currency } } } }
}`,
  },
  {
    name: 'Recommendations on a product page',
    query: `query Recommendations($slug: String) {
  product(slug: $slug) {
    name
    alsoBought(first: 4) { customers confidence lift product { name priceRange { min { amount currency } } } }
    frequentlyBoughtTogether { products { name } totalPrice { amount currency } }
  }
}`,
    variables: '{ "slug": "paste-a-slug-from-the-browse-tab" }',
  },
  {
    name: 'Recommended for me (send header x-shopgraph-customer-id)',
    query: `query ForMe {
  recommendedForMe(first: 5) { reason { kind category product { name } } product { name } }
}`,
  },
];
