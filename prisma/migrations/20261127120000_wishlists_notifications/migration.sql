-- Wishlists in the cart schema (issue 10) and the notifications the order subgraph makes from events (issue 11).

-- CreateTable
CREATE TABLE "cart"."wishlist_item" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" TEXT NOT NULL,
    "product_id" UUID NOT NULL,
    "variant_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "price_when_saved" DECIMAL(12,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "moving_until" TIMESTAMPTZ(3),

    CONSTRAINT "wishlist_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cart"."processed_event" (
    "event_id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "ordering"."notification" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "recipient" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "wishlist_item_customer_id_added_at_id_idx" ON "cart"."wishlist_item"("customer_id", "added_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "wishlist_item_variant_id_idx" ON "cart"."wishlist_item"("variant_id");

-- CreateIndex
CREATE UNIQUE INDEX "wishlist_item_customer_id_variant_id_key" ON "cart"."wishlist_item"("customer_id", "variant_id");

-- CreateIndex
CREATE INDEX "processed_event_processed_at_idx" ON "cart"."processed_event"("processed_at");

-- CreateIndex
CREATE INDEX "notification_recipient_created_at_id_idx" ON "ordering"."notification"("recipient", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "notification_event_id_recipient_kind_key" ON "ordering"."notification"("event_id", "recipient", "kind");


-- Hand-written: what the database itself keeps true.
ALTER TABLE "cart"."wishlist_item" ADD CONSTRAINT "wishlist_item_price_when_saved_check" CHECK ("price_when_saved" >= 0);
ALTER TABLE "ordering"."notification" ADD CONSTRAINT "notification_kind_check"
  CHECK ("kind" IN ('ORDER_CONFIRMED', 'ORDER_SHIPPED', 'REFUND_ISSUED', 'PRICE_DROP', 'LOW_STOCK'));
-- myNotifications(unreadOnly: true) reads only these.
CREATE INDEX "notification_unread_idx" ON "ordering"."notification"("recipient", "created_at" DESC, "id" DESC) WHERE "read_at" IS NULL;
