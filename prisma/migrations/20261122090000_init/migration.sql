-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "cart";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "catalog";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "inventory";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "ordering";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "reco";

-- CreateEnum
CREATE TYPE "catalog"."ProductStatus" AS ENUM ('DRAFT', 'ACTIVE', 'ARCHIVED');

-- CreateEnum
CREATE TYPE "ordering"."OrderStatus" AS ENUM ('PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED');

-- CreateTable
CREATE TABLE "catalog"."brand" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "brand_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog"."category" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "parent_id" UUID,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "depth" INTEGER NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "category_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog"."product" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "sku" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "brand_id" UUID NOT NULL,
    "category_id" UUID NOT NULL,
    "status" "catalog"."ProductStatus" NOT NULL DEFAULT 'DRAFT',
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "currency" CHAR(3) NOT NULL,
    "min_price" DECIMAL(12,2) NOT NULL,
    "max_price" DECIMAL(12,2) NOT NULL,
    "in_stock" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog"."product_variant" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "product_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "options" JSONB NOT NULL DEFAULT '{}',
    "price" DECIMAL(12,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "in_stock" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_variant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog"."product_image" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "product_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "alt" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "product_image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inventory"."warehouse" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "warehouse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inventory"."inventory_item" (
    "sku" TEXT NOT NULL,
    "variant_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inventory_item_pkey" PRIMARY KEY ("sku")
);

-- CreateTable
CREATE TABLE "inventory"."stock_level" (
    "sku" TEXT NOT NULL,
    "warehouse_id" UUID NOT NULL,
    "on_hand" INTEGER NOT NULL,
    "reserved" INTEGER NOT NULL DEFAULT 0,
    "low_stock_threshold" INTEGER NOT NULL DEFAULT 5,
    "backorderable" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_level_pkey" PRIMARY KEY ("sku","warehouse_id")
);

-- CreateTable
CREATE TABLE "cart"."cart" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "token" TEXT NOT NULL,
    "customer_id" UUID,
    "currency" CHAR(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cart_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cart"."cart_item" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cart_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "variant_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price_at_add" DECIMAL(12,2) NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cart_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ordering"."customer" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ordering"."order" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "number" TEXT NOT NULL,
    "customer_id" UUID NOT NULL,
    "status" "ordering"."OrderStatus" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "subtotal" DECIMAL(12,2) NOT NULL,
    "tax" DECIMAL(12,2) NOT NULL,
    "shipping" DECIMAL(12,2) NOT NULL,
    "total" DECIMAL(12,2) NOT NULL,
    "placed_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ordering"."order_line" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "order_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "variant_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price" DECIMAL(12,2) NOT NULL,
    "line_total" DECIMAL(12,2) NOT NULL,

    CONSTRAINT "order_line_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reco"."product_daily_signal" (
    "product_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,
    "cart_adds" INTEGER NOT NULL DEFAULT 0,
    "purchases" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "product_daily_signal_pkey" PRIMARY KEY ("product_id","day")
);

-- CreateIndex
CREATE UNIQUE INDEX "brand_slug_key" ON "catalog"."brand"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "category_path_key" ON "catalog"."category"("path");

-- CreateIndex
CREATE INDEX "category_parent_id_position_idx" ON "catalog"."category"("parent_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "category_parent_id_slug_key" ON "catalog"."category"("parent_id", "slug");

-- CreateIndex
CREATE UNIQUE INDEX "product_sku_key" ON "catalog"."product"("sku");

-- CreateIndex
CREATE UNIQUE INDEX "product_slug_key" ON "catalog"."product"("slug");

-- CreateIndex
CREATE INDEX "product_category_id_status_idx" ON "catalog"."product"("category_id", "status");

-- CreateIndex
CREATE INDEX "product_brand_id_status_idx" ON "catalog"."product"("brand_id", "status");

-- CreateIndex
CREATE INDEX "product_status_created_at_id_idx" ON "catalog"."product"("status", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "product_status_min_price_id_idx" ON "catalog"."product"("status", "min_price", "id");

-- CreateIndex
CREATE INDEX "product_status_name_id_idx" ON "catalog"."product"("status", "name", "id");

-- CreateIndex
CREATE UNIQUE INDEX "product_variant_sku_key" ON "catalog"."product_variant"("sku");

-- CreateIndex
CREATE INDEX "product_variant_product_id_position_idx" ON "catalog"."product_variant"("product_id", "position");

-- CreateIndex
CREATE INDEX "product_image_product_id_position_idx" ON "catalog"."product_image"("product_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "warehouse_code_key" ON "inventory"."warehouse"("code");

-- CreateIndex
CREATE UNIQUE INDEX "inventory_item_variant_id_key" ON "inventory"."inventory_item"("variant_id");

-- CreateIndex
CREATE INDEX "inventory_item_product_id_idx" ON "inventory"."inventory_item"("product_id");

-- CreateIndex
CREATE INDEX "stock_level_warehouse_id_idx" ON "inventory"."stock_level"("warehouse_id");

-- CreateIndex
CREATE UNIQUE INDEX "cart_token_key" ON "cart"."cart"("token");

-- CreateIndex
CREATE INDEX "cart_customer_id_idx" ON "cart"."cart"("customer_id");

-- CreateIndex
CREATE INDEX "cart_expires_at_idx" ON "cart"."cart"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "cart_item_cart_id_variant_id_key" ON "cart"."cart_item"("cart_id", "variant_id");

-- CreateIndex
CREATE UNIQUE INDEX "customer_email_key" ON "ordering"."customer"("email");

-- CreateIndex
CREATE UNIQUE INDEX "order_number_key" ON "ordering"."order"("number");

-- CreateIndex
CREATE INDEX "order_customer_id_placed_at_idx" ON "ordering"."order"("customer_id", "placed_at" DESC);

-- CreateIndex
CREATE INDEX "order_placed_at_idx" ON "ordering"."order"("placed_at");

-- CreateIndex
CREATE INDEX "order_line_order_id_idx" ON "ordering"."order_line"("order_id");

-- CreateIndex
CREATE INDEX "order_line_product_id_idx" ON "ordering"."order_line"("product_id");

-- CreateIndex
CREATE INDEX "product_daily_signal_day_idx" ON "reco"."product_daily_signal"("day");

-- AddForeignKey
ALTER TABLE "catalog"."category" ADD CONSTRAINT "category_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "catalog"."category"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog"."product" ADD CONSTRAINT "product_brand_id_fkey" FOREIGN KEY ("brand_id") REFERENCES "catalog"."brand"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog"."product" ADD CONSTRAINT "product_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "catalog"."category"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog"."product_variant" ADD CONSTRAINT "product_variant_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "catalog"."product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog"."product_image" ADD CONSTRAINT "product_image_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "catalog"."product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory"."stock_level" ADD CONSTRAINT "stock_level_sku_fkey" FOREIGN KEY ("sku") REFERENCES "inventory"."inventory_item"("sku") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory"."stock_level" ADD CONSTRAINT "stock_level_warehouse_id_fkey" FOREIGN KEY ("warehouse_id") REFERENCES "inventory"."warehouse"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cart"."cart_item" ADD CONSTRAINT "cart_item_cart_id_fkey" FOREIGN KEY ("cart_id") REFERENCES "cart"."cart"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ordering"."order" ADD CONSTRAINT "order_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "ordering"."customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ordering"."order_line" ADD CONSTRAINT "order_line_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "ordering"."order"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Invariants the database keeps, not only the code.
ALTER TABLE "inventory"."stock_level"
  ADD CONSTRAINT "stock_level_quantities_check" CHECK ("on_hand" >= 0 AND "reserved" >= 0 AND "reserved" <= "on_hand");
ALTER TABLE "catalog"."product_variant"
  ADD CONSTRAINT "product_variant_price_check" CHECK ("price" >= 0);
ALTER TABLE "catalog"."product"
  ADD CONSTRAINT "product_price_range_check" CHECK ("min_price" >= 0 AND "min_price" <= "max_price");
ALTER TABLE "cart"."cart_item"
  ADD CONSTRAINT "cart_item_quantity_check" CHECK ("quantity" > 0);
ALTER TABLE "ordering"."order_line"
  ADD CONSTRAINT "order_line_quantity_check" CHECK ("quantity" > 0);

-- Prefix search on the materialised category path ("women/dresses/%") whatever the collation.
CREATE INDEX "category_path_prefix_idx" ON "catalog"."category" ("path" text_pattern_ops);
