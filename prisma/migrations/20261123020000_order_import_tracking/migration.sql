-- AlterTable
ALTER TABLE "order" ADD COLUMN     "import_hash" TEXT,
ADD COLUMN     "source_order_id" TEXT,
ADD COLUMN     "source_updated_at" TIMESTAMPTZ(3);

