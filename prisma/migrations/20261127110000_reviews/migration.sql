-- Reviews and ratings (issue 10): reviews, helpful votes, the incremental rating aggregate,
-- verified purchases from order events, and good reviews as a trending signal.
-- CreateEnum
CREATE TYPE "catalog"."ReviewStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- AlterTable
ALTER TABLE "reco"."product_daily_signal" ADD COLUMN     "good_reviews" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "catalog"."review" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "product_id" UUID NOT NULL,
    "customer_id" TEXT NOT NULL,
    "rating" SMALLINT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" "catalog"."ReviewStatus" NOT NULL DEFAULT 'PENDING',
    "helpful_count" INTEGER NOT NULL DEFAULT 0,
    "moderation_note" TEXT,
    "moderated_by" TEXT,
    "moderated_at" TIMESTAMPTZ(3),
    "first_approved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "review_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog"."review_helpful_vote" (
    "review_id" UUID NOT NULL,
    "customer_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "review_helpful_vote_pkey" PRIMARY KEY ("review_id","customer_id")
);

-- CreateTable
CREATE TABLE "catalog"."product_rating" (
    "product_id" UUID NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "star_sum" INTEGER NOT NULL DEFAULT 0,
    "stars_1" INTEGER NOT NULL DEFAULT 0,
    "stars_2" INTEGER NOT NULL DEFAULT 0,
    "stars_3" INTEGER NOT NULL DEFAULT 0,
    "stars_4" INTEGER NOT NULL DEFAULT 0,
    "stars_5" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_rating_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "catalog"."verified_purchase" (
    "order_id" TEXT NOT NULL,
    "product_id" UUID NOT NULL,
    "customer_id" TEXT NOT NULL,
    "placed_at" TIMESTAMPTZ(3) NOT NULL,
    "confirmed_at" TIMESTAMPTZ(3),
    "withdrawn_at" TIMESTAMPTZ(3),

    CONSTRAINT "verified_purchase_pkey" PRIMARY KEY ("order_id","product_id")
);

-- CreateIndex
CREATE INDEX "review_status_created_at_id_idx" ON "catalog"."review"("status", "created_at", "id");

-- CreateIndex
CREATE INDEX "review_customer_id_idx" ON "catalog"."review"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "review_product_id_customer_id_key" ON "catalog"."review"("product_id", "customer_id");

-- CreateIndex
CREATE INDEX "verified_purchase_customer_id_product_id_idx" ON "catalog"."verified_purchase"("customer_id", "product_id");

-- AddForeignKey
ALTER TABLE "catalog"."review_helpful_vote" ADD CONSTRAINT "review_helpful_vote_review_id_fkey" FOREIGN KEY ("review_id") REFERENCES "catalog"."review"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------------------
-- Hand-written: what Prisma cannot express.

-- Reviews and ratings belong to a product of the catalog (kept out of the Product model so
-- it stays untouched). Deleting a product (only drafts can be) takes them along.
ALTER TABLE "catalog"."review" ADD CONSTRAINT "review_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "catalog"."product"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "catalog"."product_rating" ADD CONSTRAINT "product_rating_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "catalog"."product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "catalog"."review"
  ADD CONSTRAINT "review_rating_check" CHECK ("rating" BETWEEN 1 AND 5),
  ADD CONSTRAINT "review_text_check" CHECK (char_length("title") BETWEEN 1 AND 120 AND char_length("body") BETWEEN 1 AND 5000),
  ADD CONSTRAINT "review_helpful_count_check" CHECK ("helpful_count" >= 0);

-- The aggregate can never say something impossible: counts add up, the sum fits the counts.
ALTER TABLE "catalog"."product_rating"
  ADD CONSTRAINT "product_rating_counts_check" CHECK (
    "stars_1" >= 0 AND "stars_2" >= 0 AND "stars_3" >= 0 AND "stars_4" >= 0 AND "stars_5" >= 0
    AND "count" = "stars_1" + "stars_2" + "stars_3" + "stars_4" + "stars_5"
    AND "star_sum" = "stars_1" + 2 * "stars_2" + 3 * "stars_3" + 4 * "stars_4" + 5 * "stars_5");

-- Product.reviews pages (approved only) in each sort, keyset order with the id tie-break.
CREATE INDEX "review_public_recent_idx" ON "catalog"."review" ("product_id", "created_at" DESC, "id" DESC) WHERE "status" = 'APPROVED';
CREATE INDEX "review_public_helpful_idx" ON "catalog"."review" ("product_id", "helpful_count" DESC, "created_at" DESC, "id" DESC) WHERE "status" = 'APPROVED';
CREATE INDEX "review_public_rating_idx" ON "catalog"."review" ("product_id", "rating", "created_at" DESC, "id" DESC) WHERE "status" = 'APPROVED';
