-- CreateTable
CREATE TABLE "catalog"."price_change" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "variant_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "old_price" DECIMAL(12,2),
    "new_price" DECIMAL(12,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "effective_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changed_by" TEXT NOT NULL,
    "reason" TEXT,

    CONSTRAINT "price_change_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "price_change_variant_id_effective_at_idx" ON "catalog"."price_change"("variant_id", "effective_at" DESC);

-- CreateIndex
CREATE INDEX "price_change_product_id_effective_at_idx" ON "catalog"."price_change"("product_id", "effective_at" DESC);


-- Hand-written: prices are never negative.
ALTER TABLE "catalog"."price_change"
  ADD CONSTRAINT "price_change_price_check" CHECK ("new_price" >= 0 AND ("old_price" IS NULL OR "old_price" >= 0));
