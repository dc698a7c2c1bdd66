/**
 * What a response shows, as tags the gateway's response cache indexes it by: a write event
 * names the same tags, and exactly the responses that showed that entity are evicted.
 * Tags are product-grained: a variant's price or stock shows under its product's tag, so
 * every event about a product (price, stock, edit) needs to name only the product.
 */
export const ResponseTag = {
  product: (id: string) => `Product:${id}`,
  category: (id: string) => `Category:${id}`,
  brand: (id: string) => `Brand:${id}`,
  warehouse: (id: string) => `Warehouse:${id}`,
  /** Any listing of products: membership and order change with prices, status and stock flags. */
  productList: 'ProductList',
  /** A product's precomputed recommendations (also bought, bought together): a refresh of them names it. */
  recommendations: (productId: string) => `Recommendations:${productId}`,
  /** The trending ranking as a whole: each recompute names it. */
  trending: 'Trending',
  /** The category tree as a whole (roots, children, paths). */
  categoryTree: 'CategoryTree',
  brandList: 'BrandList',
  warehouseList: 'WarehouseList',
} as const;

/** The tags of one response, collected by the loaders that read its data. */
export class ResponseTags {
  private readonly tags = new Set<string>();

  add(tag: string | undefined): void {
    if (tag !== undefined) this.tags.add(tag);
  }

  list(): string[] {
    return [...this.tags];
  }

  get size(): number {
    return this.tags.size;
  }
}

/** How a cached loader tags the response with what it loaded. */
export interface LoaderTagging<R> {
  sink: ResponseTags;
  of: (value: R) => string | undefined;
}
