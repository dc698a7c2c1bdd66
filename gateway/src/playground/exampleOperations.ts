import type { ChainStep } from './client/exampleChain.js';

/**
 * What the tabs' variables are filled from when the page is served (exampleValues.ts): ids
 * of one product in stock, looked up from the live store and cached, and values made fresh
 * for each page view so a new visitor never collides with an earlier one.
 */
export interface ExampleValues {
  /** null when the catalog has no product in stock (a fresh database without the seed). */
  product: { id: string; slug: string; variantId: string } | null;
  /** A new address per page view, for Register and SignIn. */
  email: string;
  password: string;
  /** Checkout runs once per key and customer: a new key per page view (CreateCart then makes one per cart). */
  checkoutKey: string;
}

export interface ExampleOperation {
  name: string;
  query: string;
  /** The tab's variables, filled from live values when the page is served. */
  variables?: (values: ExampleValues) => Record<string, unknown>;
  /** Whether the variables need `values.product` (the tab carries a note when there is none). */
  needsProduct?: boolean;
  /** Values later operations of the tab need from earlier ones (a cart's id, a token): the page copies them over. */
  chain?: ChainStep[];
}

/** Stand-ins when the catalog has no product: the tab still loads, and a note above its query says why. */
const NO_PRODUCT = { id: 'no-product-in-stock-yet', slug: 'no-product-in-stock-yet', variantId: 'no-product-in-stock-yet' };
const productOf = (values: ExampleValues) => values.product ?? NO_PRODUCT;

/**
 * Ready-made tabs in the playground, in a shopper's order: browse, look, search, buy, watch;
 * then an admin's price change, and recommendations. Every one is validated against the
 * checked-in supergraph (gateway/test/playground.test.ts) and runs as served, with no edit, on
 * the seeded store (gateway/test/playgroundExamples.e2e.test.ts).
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
    variables: () => ({ path: 'women/dresses' }),
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
    // A product in stock; an unknown slug answers NOT_FOUND with the field.
    variables: (v) => ({ slug: productOf(v).slug }),
    needsProduct: true,
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
    variables: () => ({ query: 'linnen shirt' }),
  },
  {
    name: 'Cart and checkout as a guest who signs up (run the six operations in order)',
    query: `# Run each in turn (the run button asks which): the page copies the cart's id and token,
# and SignIn's access token (into Headers), to the operations after it.

# 1. CreateCart: a guest cart and its token.
mutation CreateCart {
  createCart(currency: "USD") { token cart { id currency } }
}

# 2. AddItem: holds the stock for a while.
mutation AddItem($cartId: ID!, $cartToken: String, $variantId: ID!) {
  addCartItem(cartId: $cartId, cartToken: $cartToken, variantId: $variantId, quantity: 1) {
    totalQuantity
    items { sku quantity unitPrice { amount currency } lineTotal { amount currency } }
    totals(region: "US-CA") { subtotal { amount } tax { amount } shipping { amount } grandTotal { amount currency } }
  }
}

# 3. Register: an account with this page's own address (once per page load).
mutation Register($email: String!, $password: String!) {
  register(input: { email: $email, password: $password, name: "Ada Lovelace" }) { id email }
}

# 4. SignIn: the guest cart joins the customer's cart; the token goes into Headers.
mutation SignIn($email: String!, $password: String!, $cartToken: String) {
  signIn(email: $email, password: $password, guestCartToken: $cartToken) {
    accessToken
    customer { id name }
    cartMerge { status cartId message }
  }
}

# 5. Checkout: a signed-in customer's order, placed once per key (CreateCart makes a new one).
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
}

# 6. ForMe: recommendations for the signed-in customer.
query ForMe {
  recommendedForMe(first: 5) { reason { kind category product { name } } product { name } }
}`,
    // cartId and cartToken come from CreateCart (then SignIn's merged cart); the rest is this page's own.
    variables: (v) => ({
      cartId: 'set-by-CreateCart',
      cartToken: null,
      variantId: productOf(v).variantId,
      email: v.email,
      password: v.password,
      key: v.checkoutKey,
    }),
    needsProduct: true,
    chain: [
      { operation: 'CreateCart', from: 'createCart.cart.id', variable: 'cartId' },
      { operation: 'CreateCart', from: 'createCart.token', variable: 'cartToken' },
      // One checkout per cart: a second run of the tab is a new order, not the first one's key on another cart.
      { operation: 'CreateCart', from: 'createCart.cart.id', variable: 'key', prefix: 'playground-checkout-' },
      { operation: 'SignIn', from: 'signIn.cartMerge.cartId', variable: 'cartId' },
      { operation: 'SignIn', from: 'signIn.accessToken', header: 'Authorization', prefix: 'Bearer ' },
    ],
  },
  {
    name: 'Live stock changes (subscription over graphql-ws)',
    query: `subscription LiveStock($ids: [ID!]!) {
  stockChanged(productIds: $ids) {
    sku reason available skuAvailable warehouseAvailable occurredAt
    product { name stock { available inStock } }
  }
}`,
    // The product the cart tab adds: AddItem (or an admin's adjustStock) moves its stock.
    variables: (v) => ({ ids: [productOf(v).id] }),
    needsProduct: true,
  },
  {
    name: 'Live price changes (subscription over graphql-ws, three subgraphs)',
    query: `subscription LivePrices($ids: [ID!]!) {
  priceChanged(productIds: $ids) {
    productId sku oldPrice { amount } newPrice { amount currency } occurredAt
    product { name priceRange { min { amount } } stock { available } unitsSold(days: 30) }
  }
}`,
    // The product whose price the admin tab changes.
    variables: (v) => ({ ids: [productOf(v).id] }),
    needsProduct: true,
  },
  {
    name: 'Admin: change a price (needs the admin token: the toolbar button in development)',
    query: `mutation ChangePrice($variantId: ID!, $price: Decimal!) {
  setPrice(variantId: $variantId, price: $price, reason: "playground") {
    sku price { amount currency } basePrice { amount } lowestPrice(days: 30) { amount }
    product { name priceRange { min { amount } max { amount } } }
  }
}`,
    // A price subscription on its product (the Live price changes tab) hears it.
    variables: (v) => ({ variantId: productOf(v).variantId, price: '19.99' }),
    needsProduct: true,
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
    variables: (v) => ({ slug: productOf(v).slug }),
    needsProduct: true,
  },
];
