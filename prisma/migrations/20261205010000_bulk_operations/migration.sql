-- Bulk operations: exports and imports of whole workspaces as JSONL, run by the job queue
ALTER TYPE "WebhookTopic" ADD VALUE 'BULK_OPERATION_FINISHED';

CREATE TYPE "BulkOperationKind" AS ENUM ('EXPORT', 'IMPORT');
CREATE TYPE "BulkOperationStatus" AS ENUM ('CREATED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');

CREATE TABLE "bulk_operation" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "kind" "BulkOperationKind" NOT NULL,
    "status" "BulkOperationStatus" NOT NULL DEFAULT 'CREATED',
    "filter" JSONB,
    "include" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "source" "OrderSource",
    "object_count" INTEGER NOT NULL DEFAULT 0,
    "failed_count" INTEGER NOT NULL DEFAULT 0,
    "created_count" INTEGER NOT NULL DEFAULT 0,
    "updated_count" INTEGER NOT NULL DEFAULT 0,
    "unchanged_count" INTEGER NOT NULL DEFAULT 0,
    "file_size" BIGINT,
    "input_key" TEXT,
    "result_key" TEXT,
    "cursor" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    CONSTRAINT "bulk_operation_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "bulk_operation_error" (
    "operation_id" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "errors" JSONB NOT NULL,
    CONSTRAINT "bulk_operation_error_pkey" PRIMARY KEY ("operation_id", "line")
);

CREATE INDEX "bulk_operation_workspace_id_created_at_id_idx" ON "bulk_operation"("workspace_id", "created_at" DESC, "id" DESC);
CREATE INDEX "bulk_operation_status_idx" ON "bulk_operation"("status");

ALTER TABLE "bulk_operation" ADD CONSTRAINT "bulk_operation_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "bulk_operation_error" ADD CONSTRAINT "bulk_operation_error_operation_id_fkey" FOREIGN KEY ("operation_id") REFERENCES "bulk_operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
