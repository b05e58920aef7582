-- DropIndex
DROP INDEX "order_workspace_id_email_idx";

-- DropIndex
DROP INDEX "order_workspace_id_customer_email_idx";


-- Emails are matched in any case (customerEmail filter, orderByNumber).
CREATE INDEX "order_workspace_id_lower_email_idx" ON "order"("workspace_id", lower("email"));
CREATE INDEX "order_workspace_id_lower_customer_email_idx" ON "order"("workspace_id", lower("customer_email"));

-- The `q` search looks for substrings of this expression, which must stay the
-- same as SEARCH_TEXT_SQL in src/domain/order-filter.ts for the index to serve.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "order_search_text_trgm_idx" ON "order" USING gin (
  (lower(coalesce(number, '') || ' ' || coalesce(email, '') || ' ' || coalesce(customer_email, '') || ' ' ||
    coalesce(customer_first_name, '') || ' ' || coalesce(customer_last_name, ''))) gin_trgm_ops
);
