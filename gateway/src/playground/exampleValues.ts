import { randomBytes, randomUUID } from 'node:crypto';
import type { ChainStep } from './client/exampleChain.js';
import type { ExampleOperation, ExampleValues } from './exampleOperations.js';

/** A tab as the page receives it: variables as the JSON text GraphiQL shows. */
export interface ServedExample {
  name: string;
  query: string;
  variables?: string;
  /** Comment lines the page shows above the query: why the tab's ids find nothing. */
  note?: string;
  chain?: ChainStep[];
}

export type ExampleProduct = NonNullable<ExampleValues['product']>;

/** Finds one product in stock through the gateway's own endpoint, or null when there is none. */
export type ExampleProductLookup = (graphqlUrl: string) => Promise<ExampleProduct | null>;

/** What a page's tabs are filled around: the product, or none, and why when the lookup failed. */
export interface ExampleProductAnswer {
  product: ExampleProduct | null;
  /** The lookup's error (the gateway still starting, a safelist that does not hold its query). */
  failure?: string;
}

/**
 * One public query through the supergraph (product, then inventory for the stock), answered
 * from the gateway's response cache when it holds it. The variant with the most units to sell
 * among the newest products in stock: the cart tab's AddItem can hold one for many runs.
 */
export const EXAMPLE_PRODUCT_QUERY = `query PlaygroundExampleProduct {
  products(first: 20, filter: { inStock: true }) { edges { node { id slug variants { id stock { available } } } } }
}`;

interface LookupAnswer {
  data?: { products?: { edges: Array<{ node: { id: string; slug: string; variants: Array<{ id: string; stock: { available: number } | null }> } }> } };
}

export const lookupExampleProduct: ExampleProductLookup = async (graphqlUrl) => {
  const res = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: EXAMPLE_PRODUCT_QUERY, operationName: 'PlaygroundExampleProduct' }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`the example product lookup answered HTTP ${res.status}`);
  const answer = (await res.json()) as LookupAnswer;
  if (!answer.data?.products) throw new Error('the example product lookup answered no data');
  let best: (ExampleProduct & { available: number }) | null = null;
  for (const { node } of answer.data.products.edges) {
    for (const variant of node.variants) {
      const available = variant.stock?.available ?? 0;
      if (available > 0 && (!best || available > best.available)) best = { id: node.id, slug: node.slug, variantId: variant.id, available };
    }
  }
  return best && { id: best.id, slug: best.slug, variantId: best.variantId };
};

export interface CachedExampleProduct {
  /** The cached answer; one lookup at a time, shared by concurrent page views. */
  get(graphqlUrl: string): Promise<ExampleProductAnswer>;
}

/**
 * Page views cost no subgraph fetch: a found product is kept for `ttlMs`, and "none" (an
 * empty catalog, or a lookup that failed while the subgraphs start) for `retryMs`, so a store
 * seeded after the gateway started shows up soon.
 */
export function cacheExampleProduct(
  lookup: ExampleProductLookup,
  options: { ttlMs?: number; retryMs?: number } = {},
): CachedExampleProduct {
  const ttlMs = options.ttlMs ?? 60_000;
  const retryMs = options.retryMs ?? 5_000;
  let cached: { answer: Promise<ExampleProductAnswer>; until: number } | undefined;
  return {
    get(graphqlUrl) {
      if (cached && Date.now() < cached.until) return cached.answer;
      const entry = {
        answer: lookup(graphqlUrl).then(
          (product): ExampleProductAnswer => ({ product }),
          (err: unknown): ExampleProductAnswer => ({ product: null, failure: err instanceof Error ? err.message : String(err) }),
        ),
        until: Number.POSITIVE_INFINITY, // until it settles: concurrent views share the one lookup
      };
      cached = entry;
      void entry.answer.then(({ product }) => (entry.until = Date.now() + (product ? ttlMs : retryMs)));
      return entry.answer;
    },
  };
}

/** Values made for one page view around the cached product. */
export function exampleValuesFor(product: ExampleProduct | null): ExampleValues {
  return {
    product,
    email: `playground-${randomBytes(6).toString('hex')}@example.com`,
    password: 'playground-demo-password',
    checkoutKey: `playground-${randomUUID()}`,
  };
}

/** The note above the query of a tab that needs a product when there is none: why, and what to do. */
function noProductNote(failure: string | undefined): string {
  if (failure === undefined) {
    return (
      "# The playground found no product in stock to fill this tab's ids with (a fresh database without the\n" +
      '# demo seed: run `npm run seed`, or add a product as an admin), so they are stand-ins that find nothing.\n'
    );
  }
  // One comment line whatever the error says.
  const why = failure.replace(/\s+/g, ' ').slice(0, 200);
  return `# The playground could not look up a product for this tab's ids (${why}),\n# so they are stand-ins that find nothing: reload the page in a few seconds.\n`;
}

/** The tabs with their variables filled for one page view; a tab that needs a product carries a note when there is none. */
export function serveExamples(examples: ExampleOperation[], answer: ExampleProductAnswer): ServedExample[] {
  const values = exampleValuesFor(answer.product);
  return examples.map((example) => ({
    name: example.name,
    query: example.query,
    ...(example.needsProduct && !values.product && { note: noProductNote(answer.failure) }),
    ...(example.variables && { variables: JSON.stringify(example.variables(values), null, 2) }),
    ...(example.chain && { chain: example.chain }),
  }));
}
