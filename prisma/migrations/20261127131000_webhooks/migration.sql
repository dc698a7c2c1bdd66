-- CreateEnum
CREATE TYPE "ordering"."webhook_endpoint_status" AS ENUM ('ACTIVE', 'DISABLED');

-- CreateEnum
CREATE TYPE "ordering"."webhook_delivery_status" AS ENUM ('PENDING', 'SUCCEEDED', 'DEAD_LETTERED');

-- CreateTable
CREATE TABLE "ordering"."webhook_endpoint" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "url" TEXT NOT NULL,
    "description" TEXT,
    "event_types" TEXT[],
    "status" "ordering"."webhook_endpoint_status" NOT NULL DEFAULT 'ACTIVE',
    "secret_ciphertext" TEXT NOT NULL,
    "previous_secret_ciphertext" TEXT,
    "previous_secret_until" TIMESTAMPTZ(3),
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_endpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ordering"."webhook_delivery" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "endpoint_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" "ordering"."webhook_delivery_status" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "attempts_left" INTEGER NOT NULL,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ordering"."webhook_delivery_attempt" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "succeeded" BOOLEAN NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_delivery_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_delivery_endpoint_id_created_at_idx" ON "ordering"."webhook_delivery"("endpoint_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "webhook_delivery_endpoint_id_event_id_key" ON "ordering"."webhook_delivery"("endpoint_id", "event_id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_delivery_attempt_delivery_id_attempt_key" ON "ordering"."webhook_delivery_attempt"("delivery_id", "attempt");

-- AddForeignKey
ALTER TABLE "ordering"."webhook_delivery" ADD CONSTRAINT "webhook_delivery_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "ordering"."webhook_endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ordering"."webhook_delivery_attempt" ADD CONSTRAINT "webhook_delivery_attempt_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "ordering"."webhook_delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- By hand: the worker's claim scans only due, pending rows.
CREATE INDEX "webhook_delivery_due_idx" ON "ordering"."webhook_delivery"("next_attempt_at") WHERE "status" = 'PENDING';
-- An endpoint subscribes to at least one event type, and the fan-out finds endpoints by type.
ALTER TABLE "ordering"."webhook_endpoint" ADD CONSTRAINT "webhook_endpoint_event_types_not_empty" CHECK (cardinality("event_types") > 0);
CREATE INDEX "webhook_endpoint_event_types_idx" ON "ordering"."webhook_endpoint" USING GIN ("event_types") WHERE "status" = 'ACTIVE';
ALTER TABLE "ordering"."webhook_delivery" ADD CONSTRAINT "webhook_delivery_attempts_check" CHECK ("attempts" >= 0 AND "attempts_left" >= 0);
