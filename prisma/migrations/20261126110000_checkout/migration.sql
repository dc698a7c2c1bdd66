-- Checkout saga, payments, refunds and the order timeline (issue 4).
-- CreateEnum
CREATE TYPE "ordering"."PaymentStatus" AS ENUM ('PENDING', 'AUTHORIZED', 'CAPTURED', 'DECLINED', 'VOIDED');

-- AlterEnum (hand-written: rename in place, so existing rows keep their meaning: PAID is now CONFIRMED)
ALTER TYPE "ordering"."OrderStatus" RENAME VALUE 'PAID' TO 'CONFIRMED';
ALTER TYPE "ordering"."OrderStatus" ADD VALUE 'FAILED';
ALTER TYPE "ordering"."OrderStatus" ADD VALUE 'PARTIALLY_REFUNDED';

-- DropForeignKey
ALTER TABLE "ordering"."order" DROP CONSTRAINT "order_customer_id_fkey";

-- AlterTable
ALTER TABLE "ordering"."order" ADD COLUMN     "billing_address" JSONB,
ADD COLUMN     "cart_id" UUID,
ADD COLUMN     "cart_version" INTEGER,
ADD COLUMN     "checkout_step" TEXT,
ADD COLUMN     "coupon_code" TEXT,
ADD COLUMN     "discount" DECIMAL(12,2) NOT NULL DEFAULT 0,
ADD COLUMN     "failure_reason" TEXT,
ADD COLUMN     "idempotency_key" TEXT,
ADD COLUMN     "lease_owner" TEXT,
ADD COLUMN     "lease_until" TIMESTAMPTZ(3),
ADD COLUMN     "request_hash" TEXT,
ADD COLUMN     "shipping_address" JSONB,
ADD COLUMN     "stock_owner" TEXT,
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "ordering"."order_timeline" (
    "id" BIGSERIAL NOT NULL,
    "order_id" UUID NOT NULL,
    "status" "ordering"."OrderStatus" NOT NULL,
    "previous_status" "ordering"."OrderStatus",
    "note" TEXT,
    "actor" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_timeline_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ordering"."payment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "order_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "status" "ordering"."PaymentStatus" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount" DECIMAL(12,2) NOT NULL,
    "authorized_amount" DECIMAL(12,2) NOT NULL DEFAULT 0,
    "captured_amount" DECIMAL(12,2) NOT NULL DEFAULT 0,
    "refunded_amount" DECIMAL(12,2) NOT NULL DEFAULT 0,
    "provider_reference" TEXT,
    "decline_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ordering"."refund" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "order_id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "amount" DECIMAL(12,2) NOT NULL,
    "reason" TEXT NOT NULL,
    "actor" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refund_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "order_timeline_order_id_id_idx" ON "ordering"."order_timeline"("order_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "payment_order_id_key" ON "ordering"."payment"("order_id");

-- CreateIndex
CREATE INDEX "refund_payment_id_idx" ON "ordering"."refund"("payment_id");

-- CreateIndex
CREATE UNIQUE INDEX "refund_order_id_idempotency_key_key" ON "ordering"."refund"("order_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "order_status_placed_at_idx" ON "ordering"."order"("status", "placed_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "order_customer_id_idempotency_key_key" ON "ordering"."order"("customer_id", "idempotency_key");

-- AddForeignKey
ALTER TABLE "ordering"."order_timeline" ADD CONSTRAINT "order_timeline_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "ordering"."order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ordering"."payment" ADD CONSTRAINT "payment_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "ordering"."order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ordering"."refund" ADD CONSTRAINT "refund_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "ordering"."order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ordering"."refund" ADD CONSTRAINT "refund_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "ordering"."payment"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: what Prisma cannot express.
-- Money never goes negative, and a refund can never exceed what was captured, nor a capture what was authorised.
ALTER TABLE "ordering"."payment"
  ADD CONSTRAINT "payment_amounts_nonnegative" CHECK ("amount" >= 0 AND "authorized_amount" >= 0 AND "captured_amount" >= 0 AND "refunded_amount" >= 0),
  ADD CONSTRAINT "payment_captured_within_authorized" CHECK ("captured_amount" <= "authorized_amount"),
  ADD CONSTRAINT "payment_refunded_within_captured" CHECK ("refunded_amount" <= "captured_amount");
ALTER TABLE "ordering"."refund" ADD CONSTRAINT "refund_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "ordering"."order" ADD CONSTRAINT "order_idempotency_key_nonempty" CHECK ("idempotency_key" IS NULL OR length("idempotency_key") BETWEEN 1 AND 200);

-- The recovery job's scan: checkouts still under way whose lease lapsed (seeded history has no checkout_step).
CREATE INDEX "order_checkout_lease_idx" ON "ordering"."order" ("lease_until") WHERE "status" = 'PENDING' AND "checkout_step" IS NOT NULL;

-- Order numbers of checkout: SG-10000001 onwards (the seeded history uses SG-100001 upwards).
CREATE SEQUENCE "ordering"."order_number_seq" START 10000001;
