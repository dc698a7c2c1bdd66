import type { PrismaClient } from '@shopgraph/kit';
import { HIGHLIGHT_END, HIGHLIGHT_START, hasHighlight } from './highlightMarkers.js';
import { correctWords, queryWords, type TermCandidate } from './typoCorrection.js';
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

/**
 * Relevance: weighted text rank (name A > brand B > category/attributes C > description D),
 * an exact name match far ahead, then availability, rating and popularity as multipliers,
 * so among equal text scores an in-stock product outranks a sold-out one.
 */
const SCORE = `ts_rank(s.document, q.tsq, 1)
    * CASE WHEN lower(s.name) = $1 THEN 4 ELSE 1 END
    * CASE WHEN s.in_stock THEN 1 ELSE 0.5 END
    * (1 + s.rating::float8 / 25 + ln(1 + s.review_count) / 50)
    * (1 + ln(1 + s.popularity) / 20)`;

const ORDER: Record<SearchSortName, string> = {
  RELEVANCE: 'score DESC, product_id',
  PRICE_ASC: 'min_price ASC, product_id',
  PRICE_DESC: 'min_price DESC, product_id DESC',
  NEWEST: 'created_at DESC, product_id DESC',
  RATING: 'rating DESC, review_count DESC, score DESC, product_id',
};

/** Nearest lexicon words (by trigram distance) whose edit distance is then checked. */
const TYPO_CANDIDATES = 30;

const HEADLINE_NAME = `HighlightAll=true, StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}`;
const HEADLINE_DESCRIPTION = `MaxFragments=2, MaxWords=18, MinWords=6, FragmentDelimiter=" … ", StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}`;

interface Row {
  total: number;
  hits: Array<{ id: string; name: string; description: string }>;
  categories: Array<{ id: string; count: number }> | null;
  brands: Array<{ id: string; count: number }> | null;
  prices: Array<{ bucket: number; count: number }> | null;
  ratings: Record<string, number> | null;
}

/** The embedded default and the fallback: the catalog schema's search projection, one SQL statement per search. */
export class PostgresSearchEngine implements SearchEngine {
  readonly name = 'POSTGRES' as const;

  constructor(private readonly prisma: PrismaClient) {}

  async search(query: SearchQuery): Promise<EngineResult> {
    const exact = await this.run(query, query.text);
    if (exact.total > 0) return exact;
    // Nothing matched as typed: replace words the catalogue does not know by their nearest known words.
    const corrected = await this.correct(query.text);
    if (corrected === null) return exact;
    return { ...(await this.run(query, corrected)), didYouMean: corrected };
  }

  async suggest(prefix: string, limit: number): Promise<Suggestion[]> {
    const like = escapeLike(prefix);
    const rows = await this.prisma.$queryRawUnsafe<Array<{ kind: Suggestion['kind']; text: string; id: string }>>(
      `(SELECT 'BRAND' AS kind, b.name AS text, b.id::text AS id FROM catalog.brand b
         WHERE lower(b.name) LIKE $1 ESCAPE '\\' OR lower(b.name) LIKE $2 ESCAPE '\\' ORDER BY b.name LIMIT 2)
       UNION ALL
       (SELECT 'CATEGORY', c.name, c.id::text FROM catalog.category c
         WHERE lower(c.name) LIKE $1 ESCAPE '\\' OR lower(c.name) LIKE $2 ESCAPE '\\' ORDER BY c.depth, c.position LIMIT 2)
       UNION ALL
       (SELECT 'PRODUCT', s.name, s.product_id::text FROM catalog.product_search s
         WHERE s.status = 'ACTIVE' AND (lower(s.name) LIKE $1 ESCAPE '\\' OR lower(s.name) LIKE $2 ESCAPE '\\')
         ORDER BY lower(s.name) LIKE $1 ESCAPE '\\' DESC, s.in_stock DESC, s.popularity DESC, s.name, s.product_id LIMIT $3)`,
      `${like}%`,
      `% ${like}%`,
      limit * 3,
    );
    return dedupeSuggestions(rows, limit);
  }

  private async correct(text: string): Promise<string | null> {
    const words = queryWords(text);
    if (words.length === 0) return null;
    const candidates = await this.prisma.$queryRawUnsafe<TermCandidate[]>(
      `SELECT w.word, t.term, t.documents
       FROM unnest($1::text[]) AS w(word)
       CROSS JOIN LATERAL (SELECT term, documents FROM catalog.search_term WHERE documents > 0 ORDER BY term <-> w.word LIMIT ${TYPO_CANDIDATES}) t`,
      words,
    );
    return correctWords(text, candidates);
  }

  private async run(query: SearchQuery, text: string): Promise<EngineResult> {
    const params: unknown[] = [text];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = [`s.status = 'ACTIVE'`, 's.document @@ q.tsq'];
    const f = query.filter;
    if (f.categories.length > 0) where.push(`s.category_ids && ${param(f.categories)}::uuid[]`);
    if (f.brands.length > 0) where.push(`s.brand_id = ANY (${param(f.brands)}::uuid[])`);
    if (f.priceMin != null) where.push(`s.min_price >= ${param(f.priceMin)}::numeric`);
    if (f.priceMax != null) where.push(`s.min_price <= ${param(f.priceMax)}::numeric`);
    if (f.minRating != null) where.push(`s.rating >= ${param(f.minRating)}::numeric`);
    if (f.inStock != null) where.push(`s.in_stock = ${param(f.inStock)}`);
    for (const a of f.attributes) where.push(`s.attributes && ${param(a.values.map((v) => `${a.name}=${v}`))}::text[]`);
    const limit = param(query.limit);
    const offset = param(query.offset);

    const facets = query.facets
      ? `,
      (SELECT json_agg(json_build_object('id', id, 'count', n)) FROM (SELECT unnest(category_ids) AS id, count(*)::int AS n FROM m GROUP BY 1) c) AS categories,
      (SELECT json_agg(json_build_object('id', brand_id, 'count', n) ORDER BY n DESC, brand_id) FROM (SELECT brand_id, count(*)::int AS n FROM m GROUP BY 1) b) AS brands,
      (SELECT json_agg(json_build_object('bucket', bucket, 'count', n) ORDER BY bucket) FROM
        (SELECT width_bucket(min_price, ${param(PRICE_BUCKET_EDGES)}::numeric[]) AS bucket, count(*)::int AS n FROM m GROUP BY 1) p) AS prices,
      (SELECT json_build_object(${RATING_FACET_STEPS.map((r) => `'${r}', count(*) FILTER (WHERE rating >= ${r})`).join(', ')}) FROM m) AS ratings`
      : '';

    const [row] = await this.prisma.$queryRawUnsafe<Row[]>(
      `WITH q AS (SELECT websearch_to_tsquery('english', $1) AS tsq),
      m AS MATERIALIZED (
        SELECT s.product_id, s.category_ids, s.brand_id, s.min_price, s.rating, s.review_count, s.created_at, ${SCORE} AS score
        FROM catalog.product_search s, q
        WHERE ${where.join(' AND ')}
      ),
      page AS (SELECT product_id, row_number() OVER (ORDER BY ${ORDER[query.sort]}) AS position FROM m ORDER BY ${ORDER[query.sort]} LIMIT ${limit} OFFSET ${offset})
      SELECT (SELECT count(*)::int FROM m) AS total,
      (SELECT coalesce(json_agg(json_build_object(
          'id', page.product_id,
          'name', ts_headline('english', p.name, q.tsq, '${HEADLINE_NAME}'),
          'description', ts_headline('english', p.description, q.tsq, '${HEADLINE_DESCRIPTION}')) ORDER BY page.position), '[]')
        FROM page JOIN catalog.product p ON p.id = page.product_id, q) AS hits${facets}`,
      ...params,
    );
    return {
      engine: 'POSTGRES',
      total: row!.total,
      hits: row!.hits.map((h) => ({ productId: h.id, highlights: highlights(h.name, h.description) })),
      facets: query.facets ? toFacets(row!) : null,
      didYouMean: null,
    };
  }
}

function highlights(name: string, description: string): SearchHighlight[] {
  const out: SearchHighlight[] = [];
  if (hasHighlight(name)) out.push({ field: 'name', snippet: name });
  if (hasHighlight(description)) out.push({ field: 'description', snippet: description });
  return out;
}

function toFacets(row: Row): SearchFacets {
  const prices = PRICE_BUCKET_EDGES.length + 1;
  const priceCounts = new Map((row.prices ?? []).map((p) => [p.bucket, p.count]));
  return {
    categories: (row.categories ?? []).sort((a, b) => b.count - a.count || a.id.localeCompare(b.id)),
    brands: row.brands ?? [],
    prices: Array.from({ length: prices }, (_, i) => ({
      from: i === 0 ? '0.00' : `${PRICE_BUCKET_EDGES[i - 1]}.00`,
      to: i < PRICE_BUCKET_EDGES.length ? `${PRICE_BUCKET_EDGES[i]}.00` : null,
      count: priceCounts.get(i) ?? 0,
    })),
    ratings: RATING_FACET_STEPS.map((r) => ({ minRating: r, count: Number(row.ratings?.[String(r)] ?? 0) })),
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Brands, then categories, then products; one suggestion per distinct text. */
export function dedupeSuggestions(rows: Suggestion[], limit: number): Suggestion[] {
  const seen = new Set<string>();
  const out: Suggestion[] = [];
  for (const row of rows) {
    const key = row.text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(row);
    if (out.length === limit) break;
  }
  return out;
}
