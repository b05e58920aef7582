// An order as the API shows it (same field names, global ids, decimals as
// strings, ISO dates), for partner webhooks: the event carries the order as
// it was when the change committed.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { formatDecimal, formatMoney } from "../domain/money.js";
import { customerOf, processingErrorOf } from "../domain/order-fields.js";
import type { Address } from "../generated/prisma/client.js";
import type { StoredOrder } from "../store/stored-order.js";

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function orderDocument(order: StoredOrder) {
  return {
    id: encodeGlobalID("Order", order.id),
    source: order.source,
    externalId: order.externalId,
    sourceOrderId: order.sourceOrderId,
    number: order.number,
    email: order.email,
    phone: order.phone,
    note: order.note,
    ownerNote: order.ownerNote,
    customerId: order.customerId,
    customer: customerOf(order),
    orderType: order.orderType,
    status: order.status,
    rawStatus: order.rawStatus,
    rawStatusTitle: order.rawStatusTitle,
    paymentStatus: order.paymentStatus,
    fulfillmentStatus: order.fulfillmentStatus,
    processingState: order.processingState,
    processingError: processingErrorOf(order),
    currency: order.currency,
    subtotal: formatMoney(order.subtotal),
    discount: formatMoney(order.discount),
    total: formatMoney(order.total),
    shippingCost: formatMoney(order.shippingCost),
    discountCoupon: formatMoney(order.discountCoupon),
    discountGateway: formatMoney(order.discountGateway),
    totalUsd: formatMoney(order.totalUsd),
    shipMethod: order.shipMethod,
    paidAt: iso(order.paidAt),
    closedAt: iso(order.closedAt),
    cancellationRequestedAt: iso(order.cancellationRequestedAt),
    sourceUpdatedAt: iso(order.sourceUpdatedAt),
    shippingAddress: addressDocument(order.shippingAddress),
    billingAddress: addressDocument(order.billingAddress),
    lineItems: order.lineItems.map((item) => ({
      id: encodeGlobalID("LineItem", item.id),
      sku: item.sku,
      name: item.name,
      quantity: item.quantity,
      fulfilledQuantity: item.fulfilledQuantity,
      unitPrice: formatMoney(item.unitPrice),
      currency: item.currency,
      productId: item.productId,
      variantId: item.variantId,
    })),
    shipments: order.shipments.map((shipment) => ({
      id: encodeGlobalID("Shipment", shipment.id),
      carrier: shipment.carrier,
      carrierName: shipment.carrierName,
      sourceShipmentId: shipment.sourceShipmentId,
      trackingCode: shipment.trackingCode,
      carrierService: shipment.carrierService,
      trackingUrl: shipment.trackingUrl,
      status: shipment.status,
      rawStatus: shipment.rawStatus,
      isReturn: shipment.isReturn,
      estimatedDeliveryAt: iso(shipment.estimatedDeliveryAt),
      shippedAt: iso(shipment.shippedAt),
      deliveredAt: iso(shipment.deliveredAt),
      weight: formatDecimal(shipment.weight),
      weightUnit: shipment.weightUnit,
      scanEvents: shipment.scanEvents.map((scan) => ({
        id: encodeGlobalID("ScanEvent", scan.id),
        scannedAt: iso(scan.scannedAt),
        status: scan.status,
        description: scan.description,
      })),
    })),
    promisedShipBy: iso(order.promisedShipBy),
    promisedDeliveryBy: iso(order.promisedDeliveryBy),
    shippedAt: iso(order.shippedAt),
    deliveredAt: iso(order.deliveredAt),
    cancelledAt: iso(order.cancelledAt),
    cancelReason: order.cancelReason,
    meta: order.meta,
    createdAt: iso(order.createdAt),
    updatedAt: iso(order.updatedAt),
    version: order.version,
  };
}

function addressDocument(address: Address | null) {
  if (!address) return null;
  const { id, workspaceId: _workspace, ...fields } = address;
  return { id: encodeGlobalID("Address", id), ...fields };
}
