-- Stock holds, movements and settlements (issue 4). stock_level.reserved is the sum of the
-- holds of the level, and every change of on_hand or reserved writes a stock_movement row.

-- CreateEnum
CREATE TYPE "inventory"."stock_movement_kind" AS ENUM ('RECEIVE', 'ADJUST', 'RESERVE', 'RELEASE', 'SELL', 'RETURN');

-- CreateTable
CREATE TABLE "inventory"."stock_hold" (
    "owner" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "warehouse_id" UUID NOT NULL,
    "quantity" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_hold_pkey" PRIMARY KEY ("owner","sku","warehouse_id")
);

-- CreateTable
CREATE TABLE "inventory"."stock_movement" (
    "id" BIGSERIAL NOT NULL,
    "sku" TEXT NOT NULL,
    "warehouse_id" UUID NOT NULL,
    "kind" "inventory"."stock_movement_kind" NOT NULL,
    "quantity" INTEGER NOT NULL,
    "on_hand_delta" INTEGER NOT NULL,
    "reserved_delta" INTEGER NOT NULL,
    "reference" TEXT,
    "reason" TEXT,
    "actor" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_movement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inventory"."stock_settlement" (
    "kind" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "owner" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_settlement_pkey" PRIMARY KEY ("kind","reference")
);

-- CreateIndex
CREATE INDEX "stock_hold_expires_at_idx" ON "inventory"."stock_hold"("expires_at");

-- CreateIndex
CREATE INDEX "stock_hold_sku_warehouse_id_idx" ON "inventory"."stock_hold"("sku", "warehouse_id");

-- CreateIndex
CREATE INDEX "stock_movement_sku_id_idx" ON "inventory"."stock_movement"("sku", "id" DESC);

-- CreateIndex
CREATE INDEX "stock_movement_reference_idx" ON "inventory"."stock_movement"("reference");

-- AddForeignKey
ALTER TABLE "inventory"."stock_hold" ADD CONSTRAINT "stock_hold_sku_warehouse_id_fkey" FOREIGN KEY ("sku", "warehouse_id") REFERENCES "inventory"."stock_level"("sku", "warehouse_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory"."stock_movement" ADD CONSTRAINT "stock_movement_sku_warehouse_id_fkey" FOREIGN KEY ("sku", "warehouse_id") REFERENCES "inventory"."stock_level"("sku", "warehouse_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: what Prisma cannot express.
ALTER TABLE "inventory"."stock_hold" ADD CONSTRAINT "stock_hold_quantity_check" CHECK ("quantity" > 0);
ALTER TABLE "inventory"."stock_movement" ADD CONSTRAINT "stock_movement_quantity_check" CHECK ("quantity" > 0);
ALTER TABLE "inventory"."stock_settlement" ADD CONSTRAINT "stock_settlement_kind_check" CHECK ("kind" IN ('COMMIT', 'RETURN'));
