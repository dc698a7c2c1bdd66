-- Public review pages are cached per product (issue 10): every transition a shopper could
-- see (a review entering or leaving APPROVED, a helpful mark, a new note on an approved
-- review) adds one to its product's reviews_version in the same transaction, and cached
-- pages are keyed by it, so one product's change leaves every other product's pages cached.
-- AlterTable
ALTER TABLE "catalog"."product_rating" ADD COLUMN     "reviews_version" INTEGER NOT NULL DEFAULT 0;
