import { createHash } from 'node:crypto';
import { InputError, type EntityCache, type FieldError, type Logger, type PrismaClient } from '@shopgraph/kit';
import { BrokenCircuitError } from 'cockatiel';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { CatalogReadContext } from './catalogService.js';
import { renderHighlight } from './search/highlightMarkers.js';
import { parseSearchInput, parseSuggestInput, searchCursor, type SearchInput } from './search/searchInput.js';
import type { SearchCircuit } from './search/searchCircuit.js';
import type { EngineResult, SearchEngine, SearchEngineName, SearchQuery, Suggestion } from './search/searchTypes.js';

export interface SearchEdgeModel {
  cursor: string;
  productId: string;
  highlights: Array<{ field: string; snippet: string }>;
}

export interface CategoryFacetModel {
  categoryId: string;
  count: number;
  children: CategoryFacetModel[];
}

export interface SearchResultModel {
  edges: SearchEdgeModel[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
  facets: {
    categories: CategoryFacetModel[];
    brands: Array<{ brandId: string; count: number }>;
    prices: Array<{ from: string; to: string | null; count: number }>;
    ratings: Array<{ minRating: number; count: number }>;
  } | null;
  didYouMean: string | null;
  engine: SearchEngineName;
}

export interface SearchServiceDeps {
  postgres: SearchEngine;
  /** Present when OPENSEARCH_URL is set; used while its circuit is closed. */
  openSearch?: { engine: SearchEngine; circuit: SearchCircuit };
  /** Search answers by normalised request and index generation (short TTL). */
  results: EntityCache<EngineResult>;
  /** Autocomplete answers by prefix, limit and index generation. */
  suggestions: EntityCache<Suggestion[]>;
  /** The index generation: bumped in PostgreSQL by every change a search can see. */
  generation: EntityCache<string>;
  prisma: PrismaClient;
  logger: Logger;
  registry: Registry;
}

const GENERATION_KEY = 'current';

/** Storefront search: validation, the cache, the engine choice behind the circuit, and the result shape. */
export class SearchService {
  private readonly duration: Histogram<'engine' | 'operation' | 'outcome'>;
  private readonly fallbacks: Counter<'reason'>;

  constructor(private readonly deps: SearchServiceDeps) {
    this.duration = new Histogram({
      name: 'search_engine_duration_seconds',
      help: 'Time an engine took to answer a search or suggest that missed the cache, by engine and outcome',
      labelNames: ['engine', 'operation', 'outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [deps.registry],
    });
    this.fallbacks = new Counter({
      name: 'search_fallbacks_total',
      help: 'Searches PostgreSQL answered although OpenSearch is configured: circuit open, or OpenSearch failed',
      labelNames: ['reason'],
      registers: [deps.registry],
    });
  }

  async search(ctx: CatalogReadContext, input: SearchInput, wantFacets: boolean): Promise<SearchResultModel> {
    const query = parseSearchInput(input, wantFacets);
    await this.checkFilterIds(ctx, query);
    const generation = await this.generation();
    const key = createHash('sha256').update(JSON.stringify([generation, query])).digest('base64url');
    const [result] = await this.deps.results.getMany([key], async () => new Map([[key, await this.runSearch(query)]]));
    return this.toModel(ctx, query, result!);
  }

  async suggest(prefix: string, first: number | null | undefined): Promise<Suggestion[]> {
    const input = parseSuggestInput(prefix, first);
    const key = createHash('sha256').update(JSON.stringify([await this.generation(), input])).digest('base64url');
    const [suggestions] = await this.deps.suggestions.getMany([key], async () =>
      new Map([[key, await this.withEngine('suggest', (engine) => engine.suggest(input.prefix, input.limit))]]),
    );
    return suggestions ?? [];
  }

  /** Drops every cached search answer (here at once, elsewhere by the cache's eviction broadcast). */
  async invalidateResults(): Promise<void> {
    await this.deps.generation.invalidate([GENERATION_KEY]);
  }

  private async generation(): Promise<string> {
    const [value] = await this.deps.generation.getMany([GENERATION_KEY], async () => {
      const [row] = await this.deps.prisma.$queryRawUnsafe<Array<{ g: string }>>(`SELECT last_value::text AS g FROM catalog.search_generation`);
      return new Map([[GENERATION_KEY, row!.g]]);
    });
    return value ?? '0';
  }

  private runSearch(query: SearchQuery): Promise<EngineResult> {
    return this.withEngine('search', (engine) => engine.search(query));
  }

  /** OpenSearch while its circuit lets it; PostgreSQL when it is not configured, open or failing. */
  private async withEngine<T>(operation: 'search' | 'suggest', run: (engine: SearchEngine) => Promise<T>): Promise<T> {
    const os = this.deps.openSearch;
    if (os) {
      try {
        return await os.circuit.execute(() => this.timed(os.engine, operation, run));
      } catch (err) {
        const open = err instanceof BrokenCircuitError;
        this.fallbacks.inc({ reason: open ? 'circuit_open' : 'error' });
        if (!open) this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err), operation }, 'OpenSearch failed; answering from PostgreSQL');
      }
    }
    return this.timed(this.deps.postgres, operation, run);
  }

  private async timed<T>(engine: SearchEngine, operation: string, run: (engine: SearchEngine) => Promise<T>): Promise<T> {
    const end = this.duration.startTimer({ engine: engine.name, operation });
    try {
      const result = await run(engine);
      end({ outcome: 'ok' });
      return result;
    } catch (err) {
      end({ outcome: 'error' });
      throw err;
    }
  }

  /** Unknown ids are the caller's mistake: named, and refused before the search runs. */
  private async checkFilterIds(ctx: CatalogReadContext, query: SearchQuery): Promise<void> {
    const [categories, brands] = await Promise.all([
      ctx.loaders.categoryById.loadMany(query.filter.categories),
      ctx.loaders.brandById.loadMany(query.filter.brands),
    ]);
    const errors: FieldError[] = [];
    const badCategory = query.filter.categories.find((_, i) => !categories[i] || categories[i] instanceof Error);
    if (badCategory) errors.push({ field: 'filter.categories', message: `unknown category ${badCategory}` });
    const badBrand = query.filter.brands.find((_, i) => !brands[i] || brands[i] instanceof Error);
    if (badBrand) errors.push({ field: 'filter.brands', message: `unknown brand ${badBrand}` });
    if (errors.length > 0) throw new InputError(errors);
  }

  private async toModel(ctx: CatalogReadContext, query: SearchQuery, result: EngineResult): Promise<SearchResultModel> {
    const edges = result.hits.map((hit, i) => ({
      cursor: searchCursor(query.sort, query.offset + i + 1),
      productId: hit.productId,
      highlights: hit.highlights.map((h) => ({ field: h.field, snippet: renderHighlight(h.snippet) })),
    }));
    return {
      edges,
      pageInfo: {
        hasNextPage: query.offset + edges.length < Math.min(result.total, 10_000),
        hasPreviousPage: query.offset > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount: result.total,
      facets: result.facets && {
        categories: await this.categoryTree(ctx, result.facets.categories),
        brands: result.facets.brands.map((b) => ({ brandId: b.id, count: b.count })),
        prices: result.facets.prices,
        ratings: result.facets.ratings,
      },
      didYouMean: result.didYouMean,
      engine: result.engine,
    };
  }

  /** Counts per category (already rolled up to ancestors by the engine) as the tree they belong to. */
  private async categoryTree(ctx: CatalogReadContext, counts: Array<{ id: string; count: number }>): Promise<CategoryFacetModel[]> {
    const categories = await ctx.loaders.categoryById.loadMany(counts.map((c) => c.id));
    const nodes = new Map<string, CategoryFacetModel & { parentId: string | null; position: number }>();
    counts.forEach((c, i) => {
      const category = categories[i];
      if (!category || category instanceof Error) return;
      nodes.set(c.id, { categoryId: c.id, count: c.count, children: [], parentId: category.parentId, position: category.position });
    });
    const roots: CategoryFacetModel[] = [];
    const byCount = (a: { count: number; position: number }, b: { count: number; position: number }) => b.count - a.count || a.position - b.position;
    for (const node of [...nodes.values()].sort(byCount)) {
      const parent = node.parentId ? nodes.get(node.parentId) : undefined;
      (parent ? parent.children : roots).push(node);
    }
    const strip = (n: CategoryFacetModel): CategoryFacetModel => ({ categoryId: n.categoryId, count: n.count, children: n.children.map(strip) });
    return roots.map(strip);
  }
}
