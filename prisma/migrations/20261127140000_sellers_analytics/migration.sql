-- AlterTable
ALTER TABLE "catalog"."product" ADD COLUMN     "seller_id" TEXT;

-- AlterTable
ALTER TABLE "inventory"."inventory_item" ADD COLUMN     "seller_id" TEXT;

-- CreateTable
CREATE TABLE "ordering"."product_seller" (
    "product_id" UUID NOT NULL,
    "seller_id" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_seller_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "reco"."product_seller" (
    "product_id" UUID NOT NULL,
    "seller_id" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_seller_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "reco"."analytics_fact" (
    "event_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "quantity" INTEGER NOT NULL,
    "revenue" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "currency" CHAR(3),
    "order_id" UUID,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "analytics_fact_pkey" PRIMARY KEY ("event_id","product_id")
);

-- CreateTable
CREATE TABLE "reco"."product_daily_analytics" (
    "product_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,
    "cart_adds" INTEGER NOT NULL DEFAULT 0,
    "purchases" INTEGER NOT NULL DEFAULT 0,
    "units" INTEGER NOT NULL DEFAULT 0,
    "revenue" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "currency" CHAR(3),

    CONSTRAINT "product_daily_analytics_pkey" PRIMARY KEY ("product_id","day")
);

-- CreateIndex
CREATE INDEX "product_seller_seller_id_idx" ON "ordering"."product_seller"("seller_id");

-- CreateIndex
CREATE INDEX "product_seller_seller_id_idx" ON "reco"."product_seller"("seller_id");

-- CreateIndex
CREATE INDEX "analytics_fact_order_id_idx" ON "reco"."analytics_fact"("order_id");

-- CreateIndex
CREATE INDEX "analytics_fact_product_id_day_idx" ON "reco"."analytics_fact"("product_id", "day");

-- CreateIndex
CREATE INDEX "product_daily_analytics_day_idx" ON "reco"."product_daily_analytics"("day");

-- CreateIndex
CREATE INDEX "product_seller_id_idx" ON "catalog"."product"("seller_id");

-- CreateIndex
CREATE INDEX "inventory_item_seller_id_idx" ON "inventory"."inventory_item"("seller_id");


-- Hand-written: the fact kinds the analytics ingest writes, and their signs.
ALTER TABLE "reco"."analytics_fact" ADD CONSTRAINT "analytics_fact_kind_check"
  CHECK (("kind" IN ('view', 'cart_add', 'purchase') AND "quantity" > 0) OR ("kind" = 'purchase_void' AND "quantity" < 0));
