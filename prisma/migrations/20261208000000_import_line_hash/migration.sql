-- The NDJSON line an order was last imported from, by its hash: the same
-- file again is found UNCHANGED line by line without parsing or mapping it.
ALTER TABLE "order" ADD COLUMN "import_line_hash" TEXT;
CREATE INDEX "order_workspace_id_import_line_hash_idx" ON "order"("workspace_id", "import_line_hash");
