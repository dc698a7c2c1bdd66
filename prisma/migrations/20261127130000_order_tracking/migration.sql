-- issue 11: a shipped order's tracking number and carrier (updateOrderStatus SHIPPED).
ALTER TABLE "ordering"."order" ADD COLUMN     "carrier" TEXT,
ADD COLUMN     "tracking_number" TEXT;

-- A carrier says whose tracking number it is: never one without the other.
ALTER TABLE "ordering"."order" ADD CONSTRAINT "order_carrier_with_tracking" CHECK ("carrier" IS NULL OR "tracking_number" IS NOT NULL);
