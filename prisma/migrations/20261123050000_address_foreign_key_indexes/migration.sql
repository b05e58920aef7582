-- CreateIndex
CREATE INDEX "order_shipping_address_id_idx" ON "order"("shipping_address_id");

-- CreateIndex
CREATE INDEX "order_billing_address_id_idx" ON "order"("billing_address_id");

-- CreateIndex
CREATE INDEX "shipment_origin_id_idx" ON "shipment"("origin_id");

-- CreateIndex
CREATE INDEX "shipment_destination_id_idx" ON "shipment"("destination_id");

