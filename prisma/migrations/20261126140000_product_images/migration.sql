-- Product images: upload tokens, processing status, renditions (issue 8).
-- CreateEnum
CREATE TYPE "catalog"."ImageStatus" AS ENUM ('PENDING', 'PROCESSING', 'READY', 'FAILED');

-- AlterTable
ALTER TABLE "catalog"."product_image" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "error" TEXT,
ADD COLUMN     "original_key" TEXT,
ADD COLUMN     "status" "catalog"."ImageStatus" NOT NULL DEFAULT 'READY',
ALTER COLUMN "url" DROP NOT NULL;

-- CreateTable
CREATE TABLE "catalog"."image_rendition" (
    "image_id" UUID NOT NULL,
    "size" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,

    CONSTRAINT "image_rendition_pkey" PRIMARY KEY ("image_id","size","format")
);

-- CreateTable
CREATE TABLE "catalog"."image_upload" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "product_id" UUID NOT NULL,
    "alt" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "image_id" UUID,
    "refusal" TEXT,

    CONSTRAINT "image_upload_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "image_upload_expires_at_idx" ON "catalog"."image_upload"("expires_at");

-- CreateIndex
CREATE INDEX "product_image_status_idx" ON "catalog"."product_image"("status");

-- AddForeignKey
ALTER TABLE "catalog"."image_rendition" ADD CONSTRAINT "image_rendition_image_id_fkey" FOREIGN KEY ("image_id") REFERENCES "catalog"."product_image"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: what Prisma cannot express.
ALTER TABLE "catalog"."image_rendition" ADD CONSTRAINT "image_rendition_size_check" CHECK ("size" IN ('THUMBNAIL', 'SMALL', 'MEDIUM', 'LARGE'));
ALTER TABLE "catalog"."image_rendition" ADD CONSTRAINT "image_rendition_format_check" CHECK ("format" IN ('JPEG', 'WEBP', 'AVIF'));
-- An image shows something once READY: a url (seeded) or an original to render from (uploaded).
ALTER TABLE "catalog"."product_image" ADD CONSTRAINT "product_image_source_check" CHECK ("url" IS NOT NULL OR "original_key" IS NOT NULL);
