-- Customers' accounts (issue 10): passwords, address book, sign-in sessions with rotating refresh tokens.
-- AlterTable
ALTER TABLE "ordering"."customer" ADD COLUMN     "password_hash" TEXT,
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "ordering"."customer_address" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "line1" TEXT NOT NULL,
    "line2" TEXT,
    "city" TEXT NOT NULL,
    "postal_code" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "country" CHAR(2) NOT NULL,
    "phone" TEXT,
    "is_default_shipping" BOOLEAN NOT NULL DEFAULT false,
    "is_default_billing" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_address_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ordering"."session_family" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_reason" TEXT,

    CONSTRAINT "session_family_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ordering"."refresh_token" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "family_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "spent_at" TIMESTAMPTZ(3),

    CONSTRAINT "refresh_token_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "customer_address_customer_id_created_at_idx" ON "ordering"."customer_address"("customer_id", "created_at");

-- CreateIndex
CREATE INDEX "session_family_customer_id_idx" ON "ordering"."session_family"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_token_token_hash_key" ON "ordering"."refresh_token"("token_hash");

-- CreateIndex
CREATE INDEX "refresh_token_family_id_idx" ON "ordering"."refresh_token"("family_id");

-- AddForeignKey
ALTER TABLE "ordering"."customer_address" ADD CONSTRAINT "customer_address_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "ordering"."customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ordering"."session_family" ADD CONSTRAINT "session_family_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "ordering"."customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ordering"."refresh_token" ADD CONSTRAINT "refresh_token_family_id_fkey" FOREIGN KEY ("family_id") REFERENCES "ordering"."session_family"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: emails are stored lower-cased, so the unique index on email is case-insensitive.
ALTER TABLE "ordering"."customer" ADD CONSTRAINT "customer_email_lower_case" CHECK ("email" = lower("email"));

-- Hand-written: at most one default shipping and one default billing address per customer.
CREATE UNIQUE INDEX "customer_address_default_shipping_key" ON "ordering"."customer_address"("customer_id") WHERE "is_default_shipping";
CREATE UNIQUE INDEX "customer_address_default_billing_key" ON "ordering"."customer_address"("customer_id") WHERE "is_default_billing";
ALTER TABLE "ordering"."customer_address" ADD CONSTRAINT "customer_address_country_code" CHECK ("country" ~ '^[A-Z]{2}$');
