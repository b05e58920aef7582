-- Every order-owned row carries the tenant key: the distribution column should
-- the store outgrow one primary, and the key for row-level security. Written
-- by the store with the workspace of its order, backfilled here from the order.
-- (No semicolons in these comments: the migration runner splits on them.)

ALTER TABLE "line_item" ADD COLUMN "workspace_id" UUID;
UPDATE "line_item" li SET "workspace_id" = o."workspace_id" FROM "order" o WHERE o."id" = li."order_id";
ALTER TABLE "line_item" ALTER COLUMN "workspace_id" SET NOT NULL;

ALTER TABLE "order_event" ADD COLUMN "workspace_id" UUID;
UPDATE "order_event" e SET "workspace_id" = o."workspace_id" FROM "order" o WHERE o."id" = e."order_id";
ALTER TABLE "order_event" ALTER COLUMN "workspace_id" SET NOT NULL;

ALTER TABLE "scan_event" ADD COLUMN "workspace_id" UUID;
UPDATE "scan_event" se SET "workspace_id" = s."workspace_id" FROM "shipment" s WHERE s."id" = se."shipment_id";
ALTER TABLE "scan_event" ALTER COLUMN "workspace_id" SET NOT NULL;
