-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "events";

-- CreateTable
CREATE TABLE "catalog"."outbox_event" (
    "position" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "request_id" TEXT,
    "actor" TEXT,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "published_at" TIMESTAMPTZ(6),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "inventory"."outbox_event" (
    "position" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "request_id" TEXT,
    "actor" TEXT,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "published_at" TIMESTAMPTZ(6),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "cart"."outbox_event" (
    "position" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "request_id" TEXT,
    "actor" TEXT,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "published_at" TIMESTAMPTZ(6),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "ordering"."outbox_event" (
    "position" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "request_id" TEXT,
    "actor" TEXT,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "published_at" TIMESTAMPTZ(6),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "reco"."outbox_event" (
    "position" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "request_id" TEXT,
    "actor" TEXT,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "published_at" TIMESTAMPTZ(6),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "events"."event_log" (
    "position" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "sequence" BIGINT NOT NULL,
    "topic" TEXT NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "request_id" TEXT,
    "actor" TEXT,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "appended_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_log_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "events"."consumer_offset" (
    "group_name" TEXT NOT NULL,
    "position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consumer_offset_pkey" PRIMARY KEY ("group_name")
);

-- CreateTable
CREATE TABLE "events"."dead_letter" (
    "id" BIGSERIAL NOT NULL,
    "subscription" TEXT NOT NULL,
    "event_id" TEXT,
    "topic" TEXT,
    "event" JSONB NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "dead_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dead_letter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_event_id_key" ON "catalog"."outbox_event"("event_id");

-- CreateIndex
CREATE INDEX "outbox_event_published_at_idx" ON "catalog"."outbox_event"("published_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_event_id_key" ON "inventory"."outbox_event"("event_id");

-- CreateIndex
CREATE INDEX "outbox_event_published_at_idx" ON "inventory"."outbox_event"("published_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_event_id_key" ON "cart"."outbox_event"("event_id");

-- CreateIndex
CREATE INDEX "outbox_event_published_at_idx" ON "cart"."outbox_event"("published_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_event_id_key" ON "ordering"."outbox_event"("event_id");

-- CreateIndex
CREATE INDEX "outbox_event_published_at_idx" ON "ordering"."outbox_event"("published_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_event_id_key" ON "reco"."outbox_event"("event_id");

-- CreateIndex
CREATE INDEX "outbox_event_published_at_idx" ON "reco"."outbox_event"("published_at");

-- CreateIndex
CREATE UNIQUE INDEX "event_log_event_id_key" ON "events"."event_log"("event_id");

-- CreateIndex
CREATE INDEX "event_log_appended_at_idx" ON "events"."event_log"("appended_at");

-- CreateIndex
CREATE INDEX "dead_letter_subscription_dead_at_idx" ON "events"."dead_letter"("subscription", "dead_at");


-- Unpublished rows in position order: what the relay reads on every batch (the published
-- ones are pruned by published_at after the retention period).
CREATE INDEX "outbox_event_pending_idx" ON "catalog"."outbox_event" ("position") WHERE "published_at" IS NULL;
CREATE INDEX "outbox_event_pending_idx" ON "inventory"."outbox_event" ("position") WHERE "published_at" IS NULL;
CREATE INDEX "outbox_event_pending_idx" ON "cart"."outbox_event" ("position") WHERE "published_at" IS NULL;
CREATE INDEX "outbox_event_pending_idx" ON "ordering"."outbox_event" ("position") WHERE "published_at" IS NULL;
CREATE INDEX "outbox_event_pending_idx" ON "reco"."outbox_event" ("position") WHERE "published_at" IS NULL;
