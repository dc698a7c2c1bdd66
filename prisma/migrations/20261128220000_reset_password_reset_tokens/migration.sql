-- Password reset: single-use reset tokens, only their SHA-256 kept. A token is spent when
-- used, when a newer request replaces it, or when the password changes otherwise.
-- CreateTable
CREATE TABLE "ordering"."password_reset_token" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "spent_at" TIMESTAMPTZ(3),
    "spent_reason" TEXT,

    CONSTRAINT "password_reset_token_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "password_reset_token_token_hash_key" ON "ordering"."password_reset_token"("token_hash");

-- CreateIndex
CREATE INDEX "password_reset_token_customer_id_idx" ON "ordering"."password_reset_token"("customer_id");

-- AddForeignKey
ALTER TABLE "ordering"."password_reset_token" ADD CONSTRAINT "password_reset_token_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "ordering"."customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: what the database itself keeps true.
ALTER TABLE "ordering"."password_reset_token" ADD CONSTRAINT "password_reset_token_spent_check"
  CHECK (("spent_at" IS NULL) = ("spent_reason" IS NULL) AND ("spent_reason" IS NULL OR "spent_reason" IN ('USED', 'SUPERSEDED', 'PASSWORD_CHANGED')));
-- The reset link is delivered as a notification of its own kind.
ALTER TABLE "ordering"."notification" DROP CONSTRAINT "notification_kind_check";
ALTER TABLE "ordering"."notification" ADD CONSTRAINT "notification_kind_check"
  CHECK ("kind" IN ('ORDER_CONFIRMED', 'ORDER_SHIPPED', 'REFUND_ISSUED', 'PRICE_DROP', 'LOW_STOCK', 'PASSWORD_RESET'));
