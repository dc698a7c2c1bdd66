-- AlterTable
ALTER TABLE "catalog"."product" ADD COLUMN     "scheduled_until" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "catalog"."product_variant" ADD COLUMN     "scheduled_until" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "catalog"."scheduled_price" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "variant_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "price" DECIMAL(12,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scheduled_price_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "scheduled_price_product_id_ends_at_idx" ON "catalog"."scheduled_price"("product_id", "ends_at");

-- CreateIndex
CREATE INDEX "scheduled_price_variant_id_starts_at_idx" ON "catalog"."scheduled_price"("variant_id", "starts_at");

-- AddForeignKey
ALTER TABLE "catalog"."scheduled_price" ADD CONSTRAINT "scheduled_price_variant_id_fkey" FOREIGN KEY ("variant_id") REFERENCES "catalog"."product_variant"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: a scheduled price is a non-negative amount over a non-empty window.
ALTER TABLE "catalog"."scheduled_price"
  ADD CONSTRAINT "scheduled_price_price_check" CHECK ("price" >= 0),
  ADD CONSTRAINT "scheduled_price_window_check" CHECK ("ends_at" > "starts_at");
