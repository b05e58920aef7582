-- Frontend access: publishable keys with their allowed origins, the workspace's allowed origins, and trusted identity providers
ALTER TYPE "ApiKeyScope" ADD VALUE 'PUBLIC';

ALTER TABLE "api_key" ADD COLUMN "allowed_origins" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "workspace" ADD COLUMN "allowed_origins" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

CREATE TABLE "identity_provider" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "issuer" TEXT NOT NULL,
    "jwks_url" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "claims" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "identity_provider_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "identity_provider_issuer_audience_key" ON "identity_provider"("issuer", "audience");
CREATE INDEX "identity_provider_workspace_id_idx" ON "identity_provider"("workspace_id");
ALTER TABLE "identity_provider" ADD CONSTRAINT "identity_provider_workspace_id_fkey"
    FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
