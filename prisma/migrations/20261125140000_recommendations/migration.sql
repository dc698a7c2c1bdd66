-- CreateEnum
CREATE TYPE "reco"."RecommendationReason" AS ENUM ('BOUGHT_WITH', 'SIMILAR_TO_PURCHASED', 'SIMILAR_TO_VIEWED', 'TRENDING_IN_CATEGORY', 'TRENDING');

-- CreateTable
CREATE TABLE "reco"."product_facts" (
    "product_id" UUID NOT NULL,
    "category_id" UUID,
    "category_ids" UUID[],
    "category_path" TEXT,
    "category_names" TEXT[],
    "brand_id" UUID,
    "price" DECIMAL(12,2),
    "currency" CHAR(3),
    "price_band" SMALLINT,
    "attributes" TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT false,
    "in_stock" BOOLEAN NOT NULL DEFAULT false,
    "consumable" BOOLEAN NOT NULL DEFAULT false,
    "rating" DECIMAL(3,2) NOT NULL DEFAULT 0,
    "rating_count" INTEGER NOT NULL DEFAULT 0,
    "facts_at" TIMESTAMPTZ(6),
    "stock_at" TIMESTAMPTZ(6),
    "rating_at" TIMESTAMPTZ(6),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_facts_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "reco"."purchase" (
    "order_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "quantity" INTEGER NOT NULL,
    "purchased_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "purchase_pkey" PRIMARY KEY ("order_id","product_id")
);

-- CreateTable
CREATE TABLE "reco"."customer_product_signal" (
    "customer_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,
    "cart_adds" INTEGER NOT NULL DEFAULT 0,
    "purchases" INTEGER NOT NULL DEFAULT 0,
    "last_viewed_at" TIMESTAMPTZ(3),
    "last_cart_add_at" TIMESTAMPTZ(3),
    "last_purchased_at" TIMESTAMPTZ(3),

    CONSTRAINT "customer_product_signal_pkey" PRIMARY KEY ("customer_id","product_id")
);

-- CreateTable
CREATE TABLE "reco"."also_bought" (
    "product_id" UUID NOT NULL,
    "other_product_id" UUID NOT NULL,
    "support" INTEGER NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "lift" DOUBLE PRECISION NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "rank" INTEGER NOT NULL,

    CONSTRAINT "also_bought_pkey" PRIMARY KEY ("product_id","other_product_id")
);

-- CreateTable
CREATE TABLE "reco"."bought_together" (
    "product_id" UUID NOT NULL,
    "other_product_id" UUID NOT NULL,
    "support" INTEGER NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "lift" DOUBLE PRECISION NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "rank" INTEGER NOT NULL,

    CONSTRAINT "bought_together_pkey" PRIMARY KEY ("product_id","other_product_id")
);

-- CreateTable
CREATE TABLE "reco"."item_neighbours" (
    "product_id" UUID NOT NULL,
    "other_product_ids" UUID[],
    "similarities" DOUBLE PRECISION[],

    CONSTRAINT "item_neighbours_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "reco"."trending_score" (
    "product_id" UUID NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "trending_score_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "reco"."customer_recommendation" (
    "customer_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "rank" INTEGER NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "reason" "reco"."RecommendationReason" NOT NULL,
    "reason_product_id" UUID,
    "reason_category" TEXT,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "customer_recommendation_pkey" PRIMARY KEY ("customer_id","product_id")
);

-- CreateTable
CREATE TABLE "reco"."refresh_queue" (
    "kind" TEXT NOT NULL,
    "key" UUID NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refresh_queue_pkey" PRIMARY KEY ("kind","key")
);

-- CreateTable
CREATE TABLE "reco"."refresh_state" (
    "name" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "refresh_state_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "reco"."processed_event" (
    "event_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE INDEX "product_facts_category_id_idx" ON "reco"."product_facts"("category_id");

-- CreateIndex
CREATE INDEX "purchase_purchased_at_idx" ON "reco"."purchase"("purchased_at");

-- CreateIndex
CREATE INDEX "purchase_customer_id_purchased_at_idx" ON "reco"."purchase"("customer_id", "purchased_at");

-- CreateIndex
CREATE INDEX "purchase_product_id_purchased_at_idx" ON "reco"."purchase"("product_id", "purchased_at");

-- CreateIndex
CREATE INDEX "customer_product_signal_product_id_idx" ON "reco"."customer_product_signal"("product_id");

-- CreateIndex
CREATE INDEX "also_bought_product_id_rank_idx" ON "reco"."also_bought"("product_id", "rank");

-- CreateIndex
CREATE INDEX "bought_together_product_id_rank_idx" ON "reco"."bought_together"("product_id", "rank");

-- CreateIndex
CREATE INDEX "trending_score_score_idx" ON "reco"."trending_score"("score" DESC);

-- CreateIndex
CREATE INDEX "customer_recommendation_customer_id_rank_idx" ON "reco"."customer_recommendation"("customer_id", "rank");

-- CreateIndex
CREATE INDEX "refresh_queue_kind_sequence_idx" ON "reco"."refresh_queue"("kind", "sequence");

-- CreateIndex
CREATE INDEX "processed_event_processed_at_idx" ON "reco"."processed_event"("processed_at");



-- Hand-written: what the recommenders rely on.
ALTER TABLE "reco"."product_facts"
  ADD CONSTRAINT "product_facts_price_check" CHECK ("price" IS NULL OR "price" >= 0),
  ADD CONSTRAINT "product_facts_rating_check" CHECK ("rating" BETWEEN 0 AND 5 AND "rating_count" >= 0);
ALTER TABLE "reco"."purchase" ADD CONSTRAINT "purchase_quantity_check" CHECK ("quantity" > 0);
ALTER TABLE "reco"."customer_product_signal"
  ADD CONSTRAINT "customer_product_signal_counts_check" CHECK ("views" >= 0 AND "cart_adds" >= 0 AND "purchases" >= 0);
ALTER TABLE "reco"."refresh_queue" ADD CONSTRAINT "refresh_queue_kind_check" CHECK ("kind" IN ('product', 'customer'));
ALTER TABLE "reco"."item_neighbours"
  ADD CONSTRAINT "item_neighbours_parallel_check" CHECK (cardinality("other_product_ids") = cardinality("similarities"));

-- trending(category:) matches a product when the category is its own or an ancestor.
CREATE INDEX "product_facts_category_ids_idx" ON "reco"."product_facts" USING GIN ("category_ids");

-- Hand-written: how the product facts projection is kept. The recommendation subgraph's event
-- consumers and the demo seed both call these, so the rules (price band, consumable, event
-- order) live in one place. Each returns the products whose eligibility (active and in
-- stock) changed, for the caller to evict what showed them.

-- floor(log2(price)): products in one band cost within a factor of two of each other.
CREATE FUNCTION "reco"."price_band"(price numeric) RETURNS smallint
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN price > 0 THEN floor(log(2, price))::smallint END
$$;

-- Bought again and again, so recommended again after a purchase: the product's `consumable`
-- attribute when it has one ("consumable=true" / "consumable=false"), else anything under Beauty.
CREATE FUNCTION "reco"."is_consumable"(category_path text, attributes text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN 'consumable=true' = ANY (coalesce(attributes, '{}')) THEN true
    WHEN 'consumable=false' = ANY (coalesce(attributes, '{}')) THEN false
    ELSE coalesce(category_path = 'beauty' OR category_path LIKE 'beauty/%', false)
  END
$$;

-- Facts of products from catalog events: a JSON array of {productId, categoryIds (leaf
-- first), categoryNames, categoryPath, brandId, price, currency, attributes ("name=value"),
-- active, at}. A fact older than the one stored (at) is ignored, so redelivered or
-- reordered events cannot roll a product back.
CREATE FUNCTION "reco"."upsert_product_facts"(facts jsonb) RETURNS SETOF uuid
LANGUAGE sql AS $$
  WITH input AS (
    SELECT DISTINCT ON ("productId") *
    FROM jsonb_to_recordset(facts) AS f(
      "productId" uuid, "categoryIds" uuid[], "categoryNames" text[], "categoryPath" text, "brandId" uuid,
      price numeric, currency text, attributes text[], active boolean, at timestamptz)
    ORDER BY "productId", at DESC
  ),
  before AS (
    SELECT product_id, active AND in_stock AS eligible FROM reco.product_facts WHERE product_id IN (SELECT "productId" FROM input)
  ),
  upserted AS (
    INSERT INTO reco.product_facts AS t (product_id, category_id, category_ids, category_names, category_path, brand_id,
                                         price, currency, price_band, attributes, active, consumable, facts_at, updated_at)
    SELECT "productId", "categoryIds"[1], coalesce("categoryIds", '{}'), coalesce("categoryNames", '{}'), "categoryPath", "brandId",
           price, currency, reco.price_band(price), coalesce(attributes, '{}'), coalesce(active, false),
           reco.is_consumable("categoryPath", attributes), at, now()
    FROM input
    ON CONFLICT (product_id) DO UPDATE SET
      category_id = EXCLUDED.category_id, category_ids = EXCLUDED.category_ids, category_names = EXCLUDED.category_names,
      category_path = EXCLUDED.category_path, brand_id = EXCLUDED.brand_id, price = EXCLUDED.price, currency = EXCLUDED.currency,
      price_band = EXCLUDED.price_band, attributes = EXCLUDED.attributes, active = EXCLUDED.active,
      consumable = EXCLUDED.consumable, facts_at = EXCLUDED.facts_at, updated_at = now()
    WHERE t.facts_at IS NULL OR t.facts_at <= EXCLUDED.facts_at
    RETURNING product_id, active AND in_stock AS eligible
  )
  SELECT u.product_id FROM upserted u LEFT JOIN before b USING (product_id)
  WHERE coalesce(b.eligible, false) <> u.eligible
$$;

-- Availability from stock events (any variant sellable anywhere). A product's stock may be
-- known before its facts: the row then waits, inactive, for them.
CREATE FUNCTION "reco"."set_product_stock"(product_ids uuid[], in_stock boolean[], at timestamptz) RETURNS SETOF uuid
LANGUAGE sql AS $$
  WITH input AS (SELECT DISTINCT ON (id) id, available FROM unnest(product_ids, in_stock) AS v(id, available) ORDER BY id),
  before AS (SELECT product_id, active AND in_stock AS eligible FROM reco.product_facts WHERE product_id IN (SELECT id FROM input)),
  upserted AS (
    INSERT INTO reco.product_facts AS t (product_id, in_stock, stock_at, updated_at)
    SELECT id, available, at, now() FROM input
    ON CONFLICT (product_id) DO UPDATE SET in_stock = EXCLUDED.in_stock, stock_at = EXCLUDED.stock_at, updated_at = now()
    WHERE t.stock_at IS NULL OR t.stock_at <= EXCLUDED.stock_at
    RETURNING product_id, active AND in_stock AS eligible
  )
  SELECT u.product_id FROM upserted u LEFT JOIN before b USING (product_id)
  WHERE coalesce(b.eligible, false) <> u.eligible
$$;

-- Average rating (0-5) and review count from review events. Returns how many rows changed.
CREATE FUNCTION "reco"."set_product_rating"(product_ids uuid[], ratings numeric[], review_counts integer[], at timestamptz) RETURNS integer
LANGUAGE sql AS $$
  WITH changed AS (
    INSERT INTO reco.product_facts AS t (product_id, rating, rating_count, rating_at, updated_at)
    SELECT DISTINCT ON (id) id, rating, review_count, at, now()
    FROM unnest(product_ids, ratings, review_counts) AS v(id, rating, review_count) ORDER BY id
    ON CONFLICT (product_id) DO UPDATE SET rating = EXCLUDED.rating, rating_count = EXCLUDED.rating_count,
      rating_at = EXCLUDED.rating_at, updated_at = now()
    WHERE t.rating_at IS NULL OR t.rating_at <= EXCLUDED.rating_at
    RETURNING 1
  )
  SELECT count(*)::int FROM changed
$$;

-- A database seeded before this migration gets its recommendation inputs now, as the seed
-- writes them for a new store (a fresh database is empty here and the seed fills them):
-- product facts and stock, the purchase log and each customer's purchases. The recommendation
-- subgraph's refresh job then owes a full rebuild and computes the rest.
SELECT count(*) FROM reco.upsert_product_facts((
  SELECT coalesce(jsonb_agg(jsonb_build_object(
    'productId', p.id, 'categoryIds', anc.ids, 'categoryNames', anc.names, 'categoryPath', c.path,
    'brandId', p.brand_id, 'price', p.min_price, 'currency', p.currency, 'attributes', s.attributes,
    'active', p.status = 'ACTIVE', 'at', p.updated_at)), '[]'::jsonb)
  FROM catalog.product p
  JOIN catalog.category c ON c.id = p.category_id
  JOIN catalog.product_search s ON s.product_id = p.id
  CROSS JOIN LATERAL (
    SELECT array_agg(a.id ORDER BY a.depth DESC) AS ids, array_agg(a.name ORDER BY a.depth DESC) AS names
    FROM catalog.category a WHERE c.path = a.path OR c.path LIKE a.path || '/%') anc));

SELECT count(*) FROM (SELECT coalesce(array_agg(id ORDER BY id), '{}') AS ids, coalesce(array_agg(in_stock ORDER BY id), '{}') AS stock FROM catalog.product) p,
  reco.set_product_stock(p.ids, p.stock, now());

INSERT INTO reco.purchase (order_id, product_id, customer_id, quantity, purchased_at)
SELECT o.id, l.product_id, o.customer_id, sum(l.quantity), o.placed_at
FROM ordering."order" o JOIN ordering.order_line l ON l.order_id = o.id
WHERE o.status <> 'CANCELLED' AND o.placed_at > now() - interval '90 days'
GROUP BY o.id, l.product_id;

INSERT INTO reco.customer_product_signal (customer_id, product_id, purchases, last_purchased_at)
SELECT customer_id, product_id, sum(quantity), max(purchased_at) FROM reco.purchase GROUP BY customer_id, product_id;

INSERT INTO reco.refresh_state (name, requested_at) SELECT 'full', now() WHERE EXISTS (SELECT 1 FROM reco.product_facts);
