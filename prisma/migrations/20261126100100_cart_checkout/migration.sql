-- Carts for checkout (issue 4): token hashes instead of tokens, status and version,
-- coupons and their redemptions, and the projection by the cart of current prices.

-- The token of a guest cart is a credential: keep only its sha256 (base64url, as caches.ts tokenKey).
ALTER TABLE "cart"."cart" ADD COLUMN "token_hash" TEXT;
UPDATE "cart"."cart" SET "token_hash" = translate(rtrim(encode(sha256(convert_to("token", 'UTF8')), 'base64'), '='), '+/', '-_');
DROP INDEX "cart"."cart_token_key";
ALTER TABLE "cart"."cart" DROP COLUMN "token",
ADD COLUMN     "coupon_code" TEXT,
ADD COLUMN     "order_id" TEXT,
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'OPEN',
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1,
ALTER COLUMN "customer_id" SET DATA TYPE TEXT;

-- CreateTable
CREATE TABLE "cart"."price" (
    "variant_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "price" DECIMAL(12,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "price_pkey" PRIMARY KEY ("variant_id")
);

-- CreateTable
CREATE TABLE "cart"."coupon" (
    "code" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" DECIMAL(12,2) NOT NULL,
    "currency" CHAR(3),
    "min_spend" DECIMAL(12,2),
    "starts_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "usage_limit" INTEGER,
    "per_customer_limit" INTEGER,
    "used_count" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coupon_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "cart"."coupon_redemption" (
    "order_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "cart_id" UUID NOT NULL,
    "customer_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coupon_redemption_pkey" PRIMARY KEY ("order_id")
);

-- CreateIndex
CREATE INDEX "coupon_redemption_code_customer_id_idx" ON "cart"."coupon_redemption"("code", "customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "cart_token_hash_key" ON "cart"."cart"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "cart_order_id_key" ON "cart"."cart"("order_id");

-- AddForeignKey
ALTER TABLE "cart"."coupon_redemption" ADD CONSTRAINT "coupon_redemption_code_fkey" FOREIGN KEY ("code") REFERENCES "cart"."coupon"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written: what Prisma cannot express.
-- One open cart per signed-in customer (mergeGuestCart and createCart rely on it).
CREATE UNIQUE INDEX "cart_open_customer_key" ON "cart"."cart"("customer_id") WHERE "status" = 'OPEN' AND "customer_id" IS NOT NULL;
ALTER TABLE "cart"."cart" ADD CONSTRAINT "cart_status_check" CHECK ("status" IN ('OPEN', 'CHECKED_OUT', 'MERGED', 'EXPIRED'));
ALTER TABLE "cart"."cart" ADD CONSTRAINT "cart_holder_check" CHECK ("token_hash" IS NOT NULL OR "customer_id" IS NOT NULL);
ALTER TABLE "cart"."coupon" ADD CONSTRAINT "coupon_rules_check" CHECK (
  "kind" IN ('PERCENTAGE', 'FIXED') AND "value" > 0 AND ("kind" <> 'PERCENTAGE' OR "value" <= 100)
  AND ("kind" <> 'FIXED' OR "currency" IS NOT NULL)
  AND ("usage_limit" IS NULL OR "usage_limit" > 0) AND ("per_customer_limit" IS NULL OR "per_customer_limit" > 0)
  AND "used_count" >= 0 AND ("usage_limit" IS NULL OR "used_count" <= "usage_limit")
  AND ("min_spend" IS NULL OR "min_spend" >= 0) AND ("starts_at" IS NULL OR "ends_at" IS NULL OR "starts_at" < "ends_at")
);
ALTER TABLE "cart"."price" ADD CONSTRAINT "price_nonnegative_check" CHECK ("price" >= 0);
