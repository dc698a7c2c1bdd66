-- CreateTable
CREATE TABLE "ordering"."archived_order" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "customer_id" UUID NOT NULL,
    "status" "ordering"."OrderStatus" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "subtotal" DECIMAL(12,2) NOT NULL,
    "discount" DECIMAL(12,2) NOT NULL,
    "tax" DECIMAL(12,2) NOT NULL,
    "shipping" DECIMAL(12,2) NOT NULL,
    "total" DECIMAL(12,2) NOT NULL,
    "coupon_code" TEXT,
    "country" TEXT,
    "placed_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "document" JSONB NOT NULL,

    CONSTRAINT "archived_order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ordering"."archived_order_line" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "variant_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price" DECIMAL(12,2) NOT NULL,
    "line_total" DECIMAL(12,2) NOT NULL,

    CONSTRAINT "archived_order_line_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "archived_order_number_key" ON "ordering"."archived_order"("number");

-- CreateIndex
CREATE INDEX "archived_order_customer_id_placed_at_idx" ON "ordering"."archived_order"("customer_id", "placed_at" DESC);

-- CreateIndex
CREATE INDEX "archived_order_placed_at_idx" ON "ordering"."archived_order"("placed_at");

-- CreateIndex
CREATE INDEX "archived_order_status_placed_at_idx" ON "ordering"."archived_order"("status", "placed_at" DESC);

-- CreateIndex
CREATE INDEX "archived_order_line_order_id_idx" ON "ordering"."archived_order_line"("order_id");

-- CreateIndex
CREATE INDEX "archived_order_line_product_id_idx" ON "ordering"."archived_order_line"("product_id");

-- AddForeignKey
ALTER TABLE "ordering"."archived_order_line" ADD CONSTRAINT "archived_order_line_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "ordering"."archived_order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- By hand: only orders in a final state are archived.
ALTER TABLE "ordering"."archived_order" ADD CONSTRAINT "archived_order_final_status" CHECK ("status" IN ('DELIVERED', 'CANCELLED', 'REFUNDED', 'FAILED'));
