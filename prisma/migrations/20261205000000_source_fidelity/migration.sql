-- What the sources send that was dropped before: notes, payment and closing dates, the
-- money breakdown, the source's customer id, shipment dates and ids, weights with units,
-- and the sync bookkeeping of fields a source never receives
ALTER TABLE "order"
  ADD COLUMN "note" TEXT,
  ADD COLUMN "owner_note" TEXT,
  ADD COLUMN "customer_id" TEXT,
  ADD COLUMN "raw_status_title" TEXT,
  ADD COLUMN "processing_error_skus" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "shipping_cost" DECIMAL,
  ADD COLUMN "discount_coupon" DECIMAL,
  ADD COLUMN "discount_gateway" DECIMAL,
  ADD COLUMN "total_usd" DECIMAL,
  ADD COLUMN "ship_method" TEXT,
  ADD COLUMN "paid_at" TIMESTAMPTZ(3),
  ADD COLUMN "closed_at" TIMESTAMPTZ(3),
  ADD COLUMN "cancellation_requested_at" TIMESTAMPTZ(3),
  ADD COLUMN "local_only_fields" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

ALTER TABLE "line_item"
  ADD COLUMN "weight_unit" TEXT,
  ADD COLUMN "barcode" TEXT,
  ADD COLUMN "width" DECIMAL,
  ADD COLUMN "height" DECIMAL,
  ADD COLUMN "depth" DECIMAL;

ALTER TABLE "shipment"
  ADD COLUMN "weight_unit" TEXT,
  ADD COLUMN "carrier_name" TEXT,
  ADD COLUMN "source_shipment_id" TEXT,
  ADD COLUMN "shipped_at" TIMESTAMPTZ(3),
  ADD COLUMN "estimated_ship_at" TIMESTAMPTZ(3),
  ADD COLUMN "guaranteed_delivery_at" TIMESTAMPTZ(3),
  ADD COLUMN "original_estimated_delivery_at" TIMESTAMPTZ(3),
  ADD COLUMN "estimated_local_delivery_at" TEXT,
  ADD COLUMN "estimated_local_delivery_on" TEXT,
  ADD COLUMN "first_delivery_attempt_at" TIMESTAMPTZ(3),
  ADD COLUMN "label_url" TEXT;

-- Weights stored before units were kept came from sources that give kilograms (storefront)
-- or no unit at all (Malomo, whose weight is in ounces as its carriers report it)
UPDATE "line_item" SET "weight_unit" = 'kg' WHERE "weight" IS NOT NULL;
UPDATE "shipment" SET "weight_unit" = 'oz' WHERE "weight" IS NOT NULL;

-- A weight is never stored without its unit
ALTER TABLE "line_item" ADD CONSTRAINT "line_item_weight_has_unit" CHECK ("weight" IS NULL OR "weight_unit" IS NOT NULL);
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_weight_has_unit" CHECK ("weight" IS NULL OR "weight_unit" IS NOT NULL);

CREATE INDEX "order_workspace_id_source_source_order_id_idx" ON "order"("workspace_id", "source", "source_order_id");
CREATE INDEX "order_workspace_id_customer_id_idx" ON "order"("workspace_id", "customer_id");
CREATE INDEX "order_workspace_id_updated_at_idx" ON "order"("workspace_id", "updated_at");
