-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OrderSource" AS ENUM ('MALOMO', 'FLEXPORT', 'STOREFRONT', 'TRACKMAGE', 'API');

-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('OPEN', 'CLOSED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "OrderType" AS ENUM ('CUSTOMER', 'VENDOR');

-- CreateEnum
CREATE TYPE "FulfillmentStatus" AS ENUM ('UNFULFILLED', 'PARTIALLY_FULFILLED', 'FULFILLED');

-- CreateEnum
CREATE TYPE "ShipmentStatus" AS ENUM ('PRE_TRANSIT', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'AVAILABLE_FOR_PICKUP', 'DELIVERED', 'DELIVERY_FAILED', 'RETURN_TO_SENDER', 'CANCELLED', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "CancelReason" AS ENUM ('CUSTOMER', 'FRAUD', 'INVENTORY', 'OTHER');

-- CreateTable
CREATE TABLE "workspace" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workspace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "address" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "first_name" TEXT,
    "last_name" TEXT,
    "name" TEXT,
    "company" TEXT,
    "line1" TEXT,
    "line2" TEXT,
    "city" TEXT,
    "state" TEXT,
    "postal_code" TEXT,
    "country" TEXT,
    "country_code" TEXT,
    "phone" TEXT,

    CONSTRAINT "address_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "source" "OrderSource" NOT NULL DEFAULT 'API',
    "external_id" TEXT,
    "number" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "customer_email" TEXT,
    "customer_first_name" TEXT,
    "customer_last_name" TEXT,
    "order_type" "OrderType" NOT NULL DEFAULT 'CUSTOMER',
    "status" "OrderStatus" NOT NULL DEFAULT 'OPEN',
    "raw_status" TEXT,
    "payment_status" TEXT,
    "fulfillment_status" "FulfillmentStatus" NOT NULL DEFAULT 'UNFULFILLED',
    "processing_state" TEXT,
    "processing_error_code" TEXT,
    "processing_error_message" TEXT,
    "processing_error_type" TEXT,
    "processing_error_retriable" BOOLEAN NOT NULL DEFAULT false,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "subtotal" DECIMAL,
    "discount" DECIMAL,
    "total" DECIMAL,
    "shipping_address_id" UUID,
    "billing_address_id" UUID,
    "promised_ship_by" TIMESTAMPTZ(3),
    "promised_delivery_by" TIMESTAMPTZ(3),
    "shipped_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "cancel_reason" "CancelReason",
    "meta" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "line_item" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "sku" TEXT,
    "name" TEXT,
    "quantity" INTEGER NOT NULL,
    "fulfilled_quantity" INTEGER NOT NULL DEFAULT 0,
    "unit_price" DECIMAL,
    "currency" TEXT,
    "product_id" TEXT,
    "variant_id" TEXT,
    "weight" DECIMAL,

    CONSTRAINT "line_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shipment" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "carrier" TEXT NOT NULL,
    "tracking_code" TEXT NOT NULL,
    "carrier_service" TEXT,
    "tracking_url" TEXT,
    "status" "ShipmentStatus" NOT NULL DEFAULT 'UNKNOWN',
    "raw_status" TEXT,
    "origin_id" UUID,
    "destination_id" UUID,
    "estimated_delivery_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "is_return" BOOLEAN NOT NULL DEFAULT false,
    "signed_by" TEXT,
    "weight" DECIMAL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shipment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scan_event" (
    "id" UUID NOT NULL,
    "shipment_id" UUID NOT NULL,
    "scanned_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "ShipmentStatus" NOT NULL,
    "raw_status" TEXT,
    "status_detail" TEXT,
    "carrier_code" TEXT,
    "description" TEXT,
    "message" TEXT,
    "location_city" TEXT,
    "location_state" TEXT,
    "location_postal_code" TEXT,
    "location_country" TEXT,
    "source" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scan_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_event" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "label" TEXT,
    "link_back_url" TEXT,
    "properties" JSONB,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "workspace_slug_key" ON "workspace"("slug");

-- CreateIndex
CREATE INDEX "address_workspace_id_idx" ON "address"("workspace_id");

-- CreateIndex
CREATE INDEX "order_workspace_id_created_at_id_idx" ON "order"("workspace_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "order_workspace_id_status_created_at_idx" ON "order"("workspace_id", "status", "created_at" DESC);

-- CreateIndex
CREATE INDEX "order_workspace_id_fulfillment_status_created_at_idx" ON "order"("workspace_id", "fulfillment_status", "created_at" DESC);

-- CreateIndex
CREATE INDEX "order_workspace_id_payment_status_idx" ON "order"("workspace_id", "payment_status");

-- CreateIndex
CREATE INDEX "order_workspace_id_number_idx" ON "order"("workspace_id", "number");

-- CreateIndex
CREATE INDEX "order_workspace_id_email_idx" ON "order"("workspace_id", "email");

-- CreateIndex
CREATE INDEX "order_workspace_id_customer_email_idx" ON "order"("workspace_id", "customer_email");

-- CreateIndex
CREATE UNIQUE INDEX "order_workspace_id_source_external_id_key" ON "order"("workspace_id", "source", "external_id");

-- CreateIndex
CREATE INDEX "line_item_order_id_position_idx" ON "line_item"("order_id", "position");

-- CreateIndex
CREATE INDEX "shipment_workspace_id_tracking_code_idx" ON "shipment"("workspace_id", "tracking_code");

-- CreateIndex
CREATE INDEX "shipment_order_id_idx" ON "shipment"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "shipment_workspace_id_carrier_tracking_code_key" ON "shipment"("workspace_id", "carrier", "tracking_code");

-- CreateIndex
CREATE INDEX "scan_event_shipment_id_scanned_at_idx" ON "scan_event"("shipment_id", "scanned_at");

-- CreateIndex
CREATE INDEX "order_event_order_id_occurred_at_id_idx" ON "order_event"("order_id", "occurred_at", "id");

-- AddForeignKey
ALTER TABLE "address" ADD CONSTRAINT "address_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order" ADD CONSTRAINT "order_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order" ADD CONSTRAINT "order_shipping_address_id_fkey" FOREIGN KEY ("shipping_address_id") REFERENCES "address"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order" ADD CONSTRAINT "order_billing_address_id_fkey" FOREIGN KEY ("billing_address_id") REFERENCES "address"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "line_item" ADD CONSTRAINT "line_item_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_origin_id_fkey" FOREIGN KEY ("origin_id") REFERENCES "address"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "address"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scan_event" ADD CONSTRAINT "scan_event_shipment_id_fkey" FOREIGN KEY ("shipment_id") REFERENCES "shipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_event" ADD CONSTRAINT "order_event_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

