-- Partner deliveries: endpoint management, secret rotation, a log of every attempt, the events feed, and the delivery table as its own queue
ALTER TYPE "WebhookTopic" ADD VALUE 'PING';
ALTER TYPE "WebhookTopic" ADD VALUE 'ENDPOINT_DISABLED';

ALTER TABLE "webhook_endpoint"
    ADD COLUMN "description" TEXT,
    ADD COLUMN "previous_secret_encrypted" TEXT,
    ADD COLUMN "previous_secret_expires_at" TIMESTAMPTZ(3),
    ADD COLUMN "disabled_at" TIMESTAMPTZ(3),
    ADD COLUMN "disabled_reason" TEXT;

-- A delivery is due at next_attempt_at, and claimed by one dispatcher until locked_until
ALTER TABLE "webhook_delivery"
    ADD COLUMN "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    ADD COLUMN "locked_until" TIMESTAMPTZ(3);
UPDATE "webhook_delivery" SET "next_attempt_at" = "created_at" WHERE "status" = 'PENDING';
CREATE INDEX "webhook_delivery_due_idx" ON "webhook_delivery"("endpoint_id", "next_attempt_at") WHERE "status" = 'PENDING';
CREATE INDEX "webhook_delivery_endpoint_id_event_id_idx" ON "webhook_delivery"("endpoint_id", "event_id");

CREATE TABLE "webhook_attempt" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "attempted_at" TIMESTAMPTZ(3) NOT NULL,
    "response_status" INTEGER,
    "duration_ms" INTEGER NOT NULL,
    "error" TEXT,
    "response_body" TEXT,
    CONSTRAINT "webhook_attempt_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_attempt_delivery_id_attempted_at_idx" ON "webhook_attempt"("delivery_id", "attempted_at");
ALTER TABLE "webhook_attempt" ADD CONSTRAINT "webhook_attempt_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The events feed. Rows are read in (tx_id, seq) order and only once every
-- transaction that could still add an earlier row has ended, so a cursor
-- never skips a row that commits late
CREATE TABLE "webhook_event" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "seq" BIGINT GENERATED ALWAYS AS IDENTITY,
    "tx_id" XID8 NOT NULL DEFAULT pg_current_xact_id(),
    "topic" "WebhookTopic" NOT NULL,
    "body" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "webhook_event_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_event_workspace_id_tx_id_seq_idx" ON "webhook_event"("workspace_id", "tx_id", "seq");
CREATE INDEX "webhook_event_occurred_at_idx" ON "webhook_event"("occurred_at");
ALTER TABLE "webhook_event" ADD CONSTRAINT "webhook_event_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Claiming a delivery only sets locked_until, a column no index holds: with
-- room left on each page the update is HOT and adds no index entries, so the
-- claims' index scans do not wade through dead ones between vacuums. The body
-- (an order document, kilobytes) is kept out of line, so each update copies a
-- pointer to it rather than the document and the row stays small
ALTER TABLE "webhook_delivery" SET (fillfactor = 70, toast_tuple_target = 128);
-- The due index (PENDING rows) answers every lookup by status
DROP INDEX "webhook_delivery_status_idx";

-- A source that answers 429 or 503 with Retry-After pauses its own connection's writes until then
ALTER TABLE "source_connection" ADD COLUMN "throttled_until" TIMESTAMPTZ(3);
ALTER TABLE "source_write" ADD COLUMN "next_attempt_at" TIMESTAMPTZ(3);
CREATE INDEX "source_write_connection_id_created_at_idx" ON "source_write"("connection_id", "created_at");

-- The trace (W3C traceparent) of the request that queued the work, so its own trace links back to it
ALTER TABLE "webhook_delivery" ADD COLUMN "trace_parent" TEXT;
ALTER TABLE "source_write" ADD COLUMN "trace_parent" TEXT;
