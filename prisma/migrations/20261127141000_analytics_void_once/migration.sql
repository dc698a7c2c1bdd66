-- Hand-written (a second migration: 20261127140000 was already merged and may be applied):
-- an order's purchases are taken back at most once, whichever status event and instance gets
-- there first (the analytics ingest's ON CONFLICT DO NOTHING skips the second).
-- IF NOT EXISTS: main briefly carried this index inside 20261127140000.
CREATE UNIQUE INDEX IF NOT EXISTS "analytics_fact_order_void_key" ON "reco"."analytics_fact"("order_id", "product_id") WHERE "kind" = 'purchase_void';
