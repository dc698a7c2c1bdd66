-- CreateTable
CREATE TABLE "catalog"."product_search" (
    "product_id" UUID NOT NULL,
    "status" "catalog"."ProductStatus" NOT NULL,
    "name" TEXT NOT NULL,
    "brand_id" UUID NOT NULL,
    "brand_name" TEXT NOT NULL,
    "category_id" UUID NOT NULL,
    "category_ids" UUID[],
    "attributes" TEXT[],
    "min_price" DECIMAL(12,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "in_stock" BOOLEAN NOT NULL DEFAULT false,
    "rating" DECIMAL(3,2) NOT NULL DEFAULT 0,
    "review_count" INTEGER NOT NULL DEFAULT 0,
    "popularity" REAL NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "document" tsvector NOT NULL,
    "terms" TEXT[],
    "indexed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_search_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "catalog"."search_term" (
    "term" TEXT NOT NULL,
    "documents" INTEGER NOT NULL,

    CONSTRAINT "search_term_pkey" PRIMARY KEY ("term")
);

-- CreateIndex
CREATE INDEX "product_search_status_min_price_idx" ON "catalog"."product_search"("status", "min_price");

-- AddForeignKey
ALTER TABLE "catalog"."product_search" ADD CONSTRAINT "product_search_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "catalog"."product"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------------------
-- Hand-written: what Prisma cannot express. Search runs on these when OPENSEARCH_URL is
-- unset, and whenever OpenSearch's circuit is open.

-- pg_trgm: typo candidates (nearest lexicon words) and autocomplete.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE "catalog"."product_search"
  ADD CONSTRAINT "product_search_rating_check" CHECK ("rating" >= 0 AND "rating" <= 5 AND "review_count" >= 0 AND "popularity" >= 0);

CREATE INDEX "product_search_document_idx" ON "catalog"."product_search" USING GIN ("document");
CREATE INDEX "product_search_category_ids_idx" ON "catalog"."product_search" USING GIN ("category_ids");
CREATE INDEX "product_search_attributes_idx" ON "catalog"."product_search" USING GIN ("attributes");
-- Autocomplete: LIKE 'prefix%' and '% word%' on the lower-cased name.
CREATE INDEX "product_search_name_trgm_idx" ON "catalog"."product_search" USING GIN (lower("name") gin_trgm_ops);
-- "Did you mean": nearest words by trigram distance (KNN through GiST).
CREATE INDEX "search_term_trgm_idx" ON "catalog"."search_term" USING GIST ("term" gist_trgm_ops);

-- Bumped by every change that can alter a search answer. Cached answers carry the value
-- they were computed under, so a bump retires them all.
CREATE SEQUENCE "catalog"."search_generation";

-- Prisma's offline migrate splits a script at every semicolon, so each function body below
-- is one SQL statement (data-modifying CTEs) with no semicolon inside.

-- Rebuilds the projection rows of the given products from the catalogue (product, brand,
-- category path, attributes, price, availability) and moves the lexicon counts by the
-- difference. Ratings and popularity are kept. Products that are not ACTIVE keep a row with
-- no terms and are never searched. Returns the number of ACTIVE products among them.
CREATE FUNCTION "catalog"."search_refresh"(product_ids uuid[]) RETURNS integer
LANGUAGE sql AS $$
  WITH src AS (
    SELECT p.id, p.status, p.name, p.brand_id, b.name AS brand_name, p.category_id, cat.ids AS category_ids,
      attr.pairs AS attributes, p.min_price, p.currency, p.in_stock, p.created_at,
      setweight(to_tsvector('english', p.name), 'A')
        || setweight(to_tsvector('english', b.name), 'B')
        || setweight(to_tsvector('english', cat.names || ' ' || attr.words), 'C')
        || setweight(to_tsvector('english', p.description), 'D') AS document,
      CASE WHEN p.status = 'ACTIVE' THEN ARRAY(
        SELECT DISTINCT w.lexeme FROM unnest(to_tsvector('simple', p.name || ' ' || b.name || ' ' || cat.names || ' ' || attr.words)) w
        WHERE w.lexeme ~ '^[[:alpha:]]{3,}$') ELSE '{}'::text[] END AS terms
    FROM catalog.product p
    JOIN catalog.brand b ON b.id = p.brand_id
    JOIN catalog.category c ON c.id = p.category_id
    CROSS JOIN LATERAL (
      SELECT array_agg(a.id ORDER BY a.depth) AS ids, string_agg(a.name, ' ' ORDER BY a.depth) AS names
      FROM catalog.category a WHERE a.path = c.path OR c.path LIKE a.path || '/%') cat
    CROSS JOIN LATERAL (
      SELECT coalesce(array_agg(e.key || '=' || (v.value #>> '{}')), '{}') AS pairs,
             coalesce(string_agg(v.value #>> '{}', ' ') FILTER (WHERE jsonb_typeof(v.value) = 'string'), '') AS words
      FROM jsonb_each(CASE WHEN jsonb_typeof(p.attributes) = 'object' THEN p.attributes ELSE '{}'::jsonb END) e
      CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(e.value) WHEN 'array' THEN e.value ELSE jsonb_build_array(e.value) END) v(value)
      WHERE jsonb_typeof(v.value) IN ('string', 'number', 'boolean')) attr
    WHERE p.id = ANY (product_ids)
  ),
  written AS (
    INSERT INTO catalog.product_search AS s (product_id, status, name, brand_id, brand_name, category_id, category_ids,
      attributes, min_price, currency, in_stock, created_at, document, terms, indexed_at)
    SELECT id, status, name, brand_id, brand_name, category_id, category_ids, attributes, min_price, currency, in_stock,
      created_at, document, terms, now() FROM src
    ON CONFLICT (product_id) DO UPDATE SET
      status = excluded.status, name = excluded.name, brand_id = excluded.brand_id, brand_name = excluded.brand_name,
      category_id = excluded.category_id, category_ids = excluded.category_ids, attributes = excluded.attributes,
      min_price = excluded.min_price, currency = excluded.currency, in_stock = excluded.in_stock,
      created_at = excluded.created_at, document = excluded.document, terms = excluded.terms, indexed_at = excluded.indexed_at
    RETURNING s.product_id
  ),
  -- The statement sees the table as it was before the upsert: these are the old words.
  old_terms AS (
    SELECT w AS term, count(*) AS n FROM catalog.product_search s, unnest(s.terms) w WHERE s.product_id = ANY (product_ids) GROUP BY w
  ),
  new_terms AS (SELECT w AS term, count(*) AS n FROM src, unnest(src.terms) w GROUP BY w),
  lexicon AS (
    INSERT INTO catalog.search_term AS t (term, documents)
    SELECT coalesce(n.term, o.term), (coalesce(n.n, 0) - coalesce(o.n, 0))::int
    FROM new_terms n FULL JOIN old_terms o ON o.term = n.term
    WHERE coalesce(n.n, 0) <> coalesce(o.n, 0)
    ON CONFLICT (term) DO UPDATE SET documents = t.documents + excluded.documents
    RETURNING 1
  ),
  generation AS (SELECT nextval('catalog.search_generation') AS g)
  SELECT (count(*) FILTER (WHERE src.status = 'ACTIVE'))::int
    + 0 * (SELECT count(*) FROM written)::int + 0 * (SELECT count(*) FROM lexicon)::int + 0 * (SELECT g FROM generation)::int
  FROM src
$$;

-- Availability of products (from stock events). Only rows whose value changes are touched,
-- and the ids that flipped are returned.
CREATE FUNCTION "catalog"."search_set_in_stock"(product_ids uuid[], availability boolean[]) RETURNS SETOF uuid
LANGUAGE sql AS $$
  WITH changed AS (
    UPDATE catalog.product_search s SET in_stock = v.in_stock, indexed_at = now()
    FROM unnest(product_ids, availability) AS v(id, in_stock)
    WHERE s.product_id = v.id AND s.in_stock IS DISTINCT FROM v.in_stock
    RETURNING s.product_id
  ),
  generation AS (SELECT nextval('catalog.search_generation') AS g WHERE EXISTS (SELECT 1 FROM changed))
  SELECT c.product_id FROM changed c LEFT JOIN generation ON true
$$;

-- Review aggregates (from review events, once reviews exist): average 0-5 and count.
-- Returns the number of products whose values changed.
CREATE FUNCTION "catalog"."search_set_rating"(product_ids uuid[], ratings numeric[], review_counts integer[]) RETURNS integer
LANGUAGE sql AS $$
  WITH changed AS (
    UPDATE catalog.product_search s SET rating = v.rating, review_count = v.review_count, indexed_at = now()
    FROM unnest(product_ids, ratings, review_counts) AS v(id, rating, review_count)
    WHERE s.product_id = v.id AND (s.rating, s.review_count) IS DISTINCT FROM (v.rating, v.review_count)
    RETURNING 1
  ),
  generation AS (SELECT nextval('catalog.search_generation') AS g WHERE EXISTS (SELECT 1 FROM changed))
  SELECT (SELECT count(*) FROM changed)::int + 0 * coalesce((SELECT g FROM generation), 0)::int
$$;

-- Popularity (units sold recently, from order events or a periodic recount).
-- Returns the number of products whose value changed.
CREATE FUNCTION "catalog"."search_set_popularity"(product_ids uuid[], units real[]) RETURNS integer
LANGUAGE sql AS $$
  WITH changed AS (
    UPDATE catalog.product_search s SET popularity = v.popularity, indexed_at = now()
    FROM unnest(product_ids, units) AS v(id, popularity)
    WHERE s.product_id = v.id AND s.popularity IS DISTINCT FROM v.popularity
    RETURNING 1
  ),
  generation AS (SELECT nextval('catalog.search_generation') AS g WHERE EXISTS (SELECT 1 FROM changed))
  SELECT (SELECT count(*) FROM changed)::int + 0 * coalesce((SELECT g FROM generation), 0)::int
$$;

-- A database seeded before this migration gets its projection now (a fresh one is empty here
-- and the seed fills it). Popularity and ratings start at 0 and follow their events.
SELECT catalog.search_refresh(ARRAY(SELECT id FROM catalog.product));
