/**
 * How alike two products are by what they are, not by who bought them: category (a shared
 * leaf beats a shared department beats a shared root), brand, price band and attributes.
 * Collaborative filtering knows nothing about a product nobody bought yet; this does.
 */

export interface ContentFacts {
  productId: string;
  /** The category and its ancestors, leaf first. */
  categoryIds: readonly string[];
  brandId: string | null;
  priceBand: number | null;
  /** "name=value" pairs. */
  attributes: readonly string[];
}

export const CONTENT_WEIGHTS = { category: 0.45, brand: 0.2, price: 0.2, attributes: 0.15 } as const;

/** floor(log2(price)): 10.00-15.99 share band 3 with 8.00, 16.00 starts band 4. Null for a free or unknown price. */
export function priceBandOf(price: number | null | undefined): number | null {
  if (price == null || !(price > 0)) return null;
  return Math.floor(Math.log2(price));
}

/** Shared categories over the deeper path: same leaf 1, same department 2/3, same root 1/3 (three levels). */
function categoryOverlap(a: readonly string[], b: readonly string[]): number {
  const depth = Math.max(a.length, b.length);
  if (depth === 0) return 0;
  let shared = 0;
  for (const id of a) if (b.includes(id)) shared++;
  return shared / depth;
}

function priceCloseness(a: number | null, b: number | null): number {
  if (a === null || b === null) return 0;
  const gap = Math.abs(a - b);
  return gap === 0 ? 1 : gap === 1 ? 0.5 : 0;
}

/** |A ∩ B| / |A ∪ B| of two short lists (duplicates count once), without allocating: it runs for every candidate pair. */
function jaccard(a: readonly string[], b: readonly string[]): number {
  let both = 0;
  let sizeA = 0;
  for (let i = 0; i < a.length; i++) {
    if (a.indexOf(a[i]!) !== i) continue;
    sizeA++;
    if (b.includes(a[i]!)) both++;
  }
  let sizeB = 0;
  for (let i = 0; i < b.length; i++) if (b.indexOf(b[i]!) === i) sizeB++;
  const union = sizeA + sizeB - both;
  return union === 0 ? 0 : both / union;
}

/** In [0, 1]; 1 only for the same leaf, brand, price band and attributes. */
export function contentSimilarity(a: ContentFacts, b: ContentFacts): number {
  return (
    CONTENT_WEIGHTS.category * categoryOverlap(a.categoryIds, b.categoryIds) +
    CONTENT_WEIGHTS.brand * (a.brandId !== null && a.brandId === b.brandId ? 1 : 0) +
    CONTENT_WEIGHTS.price * priceCloseness(a.priceBand, b.priceBand) +
    CONTENT_WEIGHTS.attributes * jaccard(a.attributes, b.attributes)
  );
}
