import type { Client } from '@opensearch-project/opensearch';
import { recordEvents, type CacheGeneration, type Logger, type PrismaClient } from '@shopgraph/kit';
import { Counter, type Registry } from 'prom-client';
import { loadDocuments, writeDocuments } from './search/openSearchIndex.js';

/** What the events backbone delivers (topic `product.changed`, `product.price_changed`). */
export interface ProductChange {
  productId: string;
}

/** `inventory.stock_changed`: one SKU's sellable quantity after the change. */
export interface StockChange {
  productId: string;
  variantId: string;
  available: number;
}

export interface SearchIndexerDeps {
  prisma: PrismaClient;
  logger: Logger;
  registry: Registry;
  /** Drops every cached search answer (SearchService.invalidateResults). */
  invalidateResults: () => Promise<void>;
  /** Catalog entity caches that hold availability (product rows, variant rows and lists). */
  availabilityCaches: Array<{ invalidate(ids: readonly string[]): Promise<void> }>;
  /** Listings filter on availability: a flip retires them. */
  listingGeneration: CacheGeneration;
  openSearch?: { client: Client; alias: string };
}

/**
 * Keeps search fresh: one method per event kind, each idempotent (an event delivered twice
 * changes nothing more), each updating the PostgreSQL projection, then OpenSearch when it is
 * configured, then retiring cached search answers. The event consumers call these.
 */
export class SearchIndexer {
  private readonly openSearchErrors: Counter;

  constructor(private readonly deps: SearchIndexerDeps) {
    this.openSearchErrors = new Counter({
      name: 'search_index_opensearch_errors_total',
      help: 'OpenSearch document writes that failed; the PostgreSQL projection is current and `npm run reindex` repairs OpenSearch',
      registers: [deps.registry],
    });
  }

  /** Published, edited, archived: the whole projection row is rebuilt from the catalogue. */
  async onProductChanged(changes: readonly ProductChange[]): Promise<void> {
    await this.refresh(changes.map((c) => c.productId));
  }

  /** A variant price changed (the product's min/max price with it). */
  async onPriceChanged(changes: readonly ProductChange[]): Promise<void> {
    await this.refresh(changes.map((c) => c.productId));
  }

  /**
   * A SKU's sellable quantity changed: the variant's and the product's availability in the
   * catalogue, then the projection. Only when a product flips (sold out, or back) are
   * listings and search answers retired, and `product.changed` (availability) recorded in
   * the same transaction so other consumers (the gateway's response cache) hear it.
   */
  async onStockChanged(changes: readonly StockChange[]): Promise<void> {
    if (changes.length === 0) return;
    const productIds = [...new Set(changes.map((c) => c.productId))];
    const flipped = await this.deps.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(
        `UPDATE catalog.product_variant v SET in_stock = c.in_stock, updated_at = now()
         FROM unnest($1::uuid[], $2::boolean[]) AS c(id, in_stock) WHERE v.id = c.id AND v.in_stock IS DISTINCT FROM c.in_stock`,
        changes.map((c) => c.variantId),
        changes.map((c) => c.available > 0),
      );
      await tx.$executeRawUnsafe(
        `UPDATE catalog.product p SET in_stock = s.any_in_stock, updated_at = now()
         FROM (SELECT product_id, bool_or(in_stock) AS any_in_stock FROM catalog.product_variant WHERE product_id = ANY ($1::uuid[]) GROUP BY product_id) s
         WHERE p.id = s.product_id AND p.in_stock IS DISTINCT FROM s.any_in_stock`,
        productIds,
      );
      const flippedRows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
        `SELECT flipped::text AS id FROM catalog.search_set_in_stock(
           ARRAY(SELECT id FROM catalog.product WHERE id = ANY ($1::uuid[]) ORDER BY id),
           ARRAY(SELECT in_stock FROM catalog.product WHERE id = ANY ($1::uuid[]) ORDER BY id)) AS flipped`,
        productIds,
      );
      if (flippedRows.length > 0) {
        await recordEvents(
          tx,
          'catalog',
          flippedRows.map((r) => ({ topic: 'product.changed' as const, payload: { productId: r.id, change: 'availability' as const } })),
          { actor: 'system' },
        );
      }
      return flippedRows;
    });
    const variantIds = changes.map((c) => c.variantId);
    for (const cache of this.deps.availabilityCaches) await cache.invalidate([...productIds, ...variantIds]);
    const flippedIds = flipped.map((r) => r.id);
    if (flippedIds.length === 0) return;
    await this.deps.listingGeneration.bump();
    await this.pushToOpenSearch(flippedIds);
    await this.deps.invalidateResults();
  }

  /** Ratings from review events (issue 10): average 0-5 and count per product. */
  async onRatingChanged(changes: ReadonlyArray<{ productId: string; rating: string; reviewCount: number }>): Promise<void> {
    const [row] = await this.deps.prisma.$queryRawUnsafe<Array<{ n: number }>>(
      `SELECT catalog.search_set_rating($1::uuid[], $2::numeric[], $3::int[]) AS n`,
      changes.map((c) => c.productId),
      changes.map((c) => c.rating),
      changes.map((c) => c.reviewCount),
    );
    if ((row?.n ?? 0) === 0) return;
    await this.pushToOpenSearch(changes.map((c) => c.productId));
    await this.deps.invalidateResults();
  }

  /** Popularity from order events or a periodic recount: units sold recently per product. */
  async onPopularityChanged(changes: ReadonlyArray<{ productId: string; unitsSold: number }>): Promise<void> {
    const [row] = await this.deps.prisma.$queryRawUnsafe<Array<{ n: number }>>(
      `SELECT catalog.search_set_popularity($1::uuid[], $2::real[]) AS n`,
      changes.map((c) => c.productId),
      changes.map((c) => c.unitsSold),
    );
    if ((row?.n ?? 0) === 0) return;
    await this.pushToOpenSearch(changes.map((c) => c.productId));
    await this.deps.invalidateResults();
  }

  private async refresh(ids: string[]): Promise<void> {
    const productIds = [...new Set(ids)];
    if (productIds.length === 0) return;
    await this.deps.prisma.$queryRawUnsafe(`SELECT catalog.search_refresh($1::uuid[])`, productIds);
    await this.pushToOpenSearch(productIds);
    await this.deps.invalidateResults();
  }

  private async pushToOpenSearch(productIds: string[]): Promise<void> {
    const os = this.deps.openSearch;
    if (!os) return;
    try {
      await writeDocuments(os.client, os.alias, await loadDocuments(this.deps.prisma, productIds), { alias: true });
    } catch (err) {
      this.openSearchErrors.inc();
      this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err), products: productIds.length }, 'OpenSearch index update failed');
    }
  }
}
