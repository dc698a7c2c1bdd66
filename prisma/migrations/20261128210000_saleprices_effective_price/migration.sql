-- AlterTable
ALTER TABLE "catalog"."product" ADD COLUMN     "sale_min_price" DECIMAL(12,2);

-- AlterTable
ALTER TABLE "catalog"."scheduled_price" ADD COLUMN     "end_applied_at" TIMESTAMPTZ(3),
ADD COLUMN     "start_applied_at" TIMESTAMPTZ(3);


-- ---------------------------------------------------------------------------------------
-- Hand-written: what Prisma cannot express.

-- The lowest price a shopper pays now: the lowest base price, or while a scheduled price of
-- one of its variants is in effect, the lowest price in effect (sale_min_price, kept by the
-- price boundary job and the price writes). Listings and search filter and sort on it.
ALTER TABLE "catalog"."product"
  ADD COLUMN "effective_min_price" DECIMAL(12,2) GENERATED ALWAYS AS (coalesce("sale_min_price", "min_price")) STORED,
  ADD CONSTRAINT "product_sale_min_price_check" CHECK ("sale_min_price" IS NULL OR "sale_min_price" >= 0);

-- Listings sort and filter on the price in effect now, not the base price.
DROP INDEX "catalog"."product_status_min_price_id_idx";
CREATE INDEX "product_status_effective_min_price_id_idx" ON "catalog"."product"("status", "effective_min_price", "id");

-- The boundary job finds unrecorded window starts and ends without reading the past.
CREATE INDEX "scheduled_price_start_due_idx" ON "catalog"."scheduled_price"("starts_at") WHERE "start_applied_at" IS NULL;
CREATE INDEX "scheduled_price_end_due_idx" ON "catalog"."scheduled_price"("ends_at") WHERE "end_applied_at" IS NULL;

-- Boundaries that passed before this migration were never announced, and they are not announced
-- now either (a late announcement of an old sale would mislead), only the range is brought up to date.
UPDATE "catalog"."scheduled_price" SET "start_applied_at" = "starts_at" WHERE "starts_at" <= now();
UPDATE "catalog"."scheduled_price" SET "end_applied_at" = "ends_at" WHERE "ends_at" <= now();
UPDATE "catalog"."product" p SET "sale_min_price" = r.sale_min
FROM (
  SELECT v.product_id, min(coalesce(w.price, v.price)) AS sale_min
  FROM "catalog"."product_variant" v
  LEFT JOIN "catalog"."scheduled_price" w ON w.variant_id = v.id AND w.starts_at <= now() AND now() < w.ends_at
  GROUP BY v.product_id
  HAVING bool_or(w.id IS NOT NULL)
) r
WHERE p.id = r.product_id;

-- Search indexes the price in effect (effective_min_price) under its min_price. Same body as
-- in 20261125100000_search otherwise (one statement, no semicolon inside: see there).
CREATE OR REPLACE FUNCTION "catalog"."search_refresh"(product_ids uuid[]) RETURNS integer
LANGUAGE sql AS $$
  WITH src AS (
    SELECT p.id, p.status, p.name, p.brand_id, b.name AS brand_name, p.category_id, cat.ids AS category_ids,
      attr.pairs AS attributes, p.effective_min_price AS min_price, p.currency, p.in_stock, p.created_at,
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

-- Products under a sale now get the price in effect in their projection.
SELECT catalog.search_refresh(ARRAY(SELECT id FROM catalog.product WHERE sale_min_price IS NOT NULL));
