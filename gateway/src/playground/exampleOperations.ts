export interface ExampleOperation {
  name: string;
  query: string;
  variables?: string;
}

/**
 * Ready-made tabs in the playground, in a shopper's order: browse, look, search, buy, watch;
 * then an admin's price change, and recommendations. Every one is validated against the
 * checked-in supergraph (gateway/test/playground.test.ts).
 */
export const EXAMPLE_OPERATIONS: ExampleOperation[] = [
  {
    name: 'Browse a category (product + inventory)',
    query: `query BrowseCategory($path: String!, $after: String) {
  category(path: $path) {
    name path
    ancestors { name path }
    children { name path }
    products(first: 5, after: $after, sort: PRICE_ASC, filter: { inStock: true }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id name slug brand { name } priceRange { min { amount currency } } stock { available } variants { id sku } } }
    }
  }
  categories { name path children { name path children { name path } } }
}`,
    // A department of the demo store; pass pageInfo.endCursor as "after" for the next page.
    variables: '{ "path": "women/dresses" }',
  },
  {
    name: 'Product page (four subgraphs)',
    query: `query ProductPage($slug: String) {
  product(slug: $slug) {
    name description
    category { name ancestors { name } }
    variants { id sku name price { amount currency } stock { available inStock } }
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
    edges { node { name slug priceRange { min { amount currency } } stock { available } } highlights { field snippet } }
    facets { categories { category { name path } count } brands { brand { name } count } prices { from to count } }
  }
  suggest(prefix: "lin") { text kind }
}`,
    // A misspelling on purpose: the answer says what it searched for instead.
    variables: '{ "query": "linnen shirt" }',
  },
  {
    name: 'Cart and checkout (run CreateCart, AddItem, then Checkout as a customer)',
    query: `# 1. CreateCart: keep the cart id and, for a guest, the token.
mutation CreateCart {
  createCart(currency: "USD") { token cart { id currency } }
}

# 2. AddItem: a variant id from the Browse tab; holds the stock for a while.
mutation AddItem($cartId: ID!, $cartToken: String, $variantId: ID!) {
  addCartItem(cartId: $cartId, cartToken: $cartToken, variantId: $variantId, quantity: 1) {
    totalQuantity
    items { sku quantity unitPrice { amount currency } lineTotal { amount currency } }
    totals(region: "US-CA") { subtotal { amount } tax { amount } shipping { amount } grandTotal { amount currency } }
  }
}

# 3. Checkout needs a signed-in customer (npm run token -- --role customer) and runs once per key.
mutation Checkout($cartId: ID!, $cartToken: String, $key: String!) {
  checkout(
    idempotencyKey: $key
    input: {
      cartId: $cartId
      cartToken: $cartToken
      shippingAddress: { name: "Ada Lovelace", line1: "1 Market St", city: "San Francisco", postalCode: "94105", region: "US-CA", country: "US" }
      paymentMethod: { cardToken: "tok_approve" }
    }
  ) {
    number status total { amount currency }
    lines { sku quantity }
    timeline { status at }
  }
}`,
    variables: '{ "cartId": "from-CreateCart", "cartToken": "from-CreateCart", "variantId": "from-the-browse-tab", "key": "checkout-1" }',
  },
  {
    name: 'Live stock changes (subscription over graphql-ws)',
    query: `subscription LiveStock($ids: [ID!]!) {
  stockChanged(productIds: $ids) {
    sku reason available skuAvailable warehouseAvailable occurredAt
    product { name stock { available inStock } }
  }
}`,
    // Product ids from the Browse tab; then adjust stock as an admin, or add one to a cart.
    variables: '{ "ids": ["paste-a-product-id"] }',
  },
  {
    name: 'Live price changes (subscription over graphql-ws, three subgraphs)',
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
    name: 'Admin: change a price (needs the admin token: the toolbar button in development)',
    query: `mutation ChangePrice($variantId: ID!, $price: Decimal!) {
  setPrice(variantId: $variantId, price: $price, reason: "playground") {
    sku price { amount currency } basePrice { amount } lowestPrice(days: 30) { amount }
    product { name priceRange { min { amount } max { amount } } }
  }
}`,
    // A variant id from the Browse tab; a price subscription on its product hears it.
    variables: '{ "variantId": "paste-a-variant-id", "price": "19.99" }',
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
    name: 'Recommended for me (a customer\'s token from signIn in the Authorization header)',
    query: `query ForMe {
  recommendedForMe(first: 5) { reason { kind category product { name } } product { name } }
}`,
  },
];
