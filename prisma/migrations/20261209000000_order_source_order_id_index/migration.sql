-- Lookups by a source's own order id no longer share the (workspace_id, source)
-- prefix of the unique key (workspace_id, source, external_id). With two such
-- indexes, a planner whose statistics predate a workspace's orders (a new
-- workspace, or a table not yet analyzed) could take the other one for an
-- external-id lookup and read every order of that source in the workspace.
DROP INDEX "order_workspace_id_source_source_order_id_idx";

-- CreateIndex
CREATE INDEX "order_workspace_id_source_order_id_idx" ON "order"("workspace_id", "source_order_id");
