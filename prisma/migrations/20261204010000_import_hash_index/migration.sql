-- Imports find the payloads they already hold by their hash, before mapping them
CREATE INDEX "order_workspace_id_import_hash_idx" ON "order"("workspace_id", "import_hash");
