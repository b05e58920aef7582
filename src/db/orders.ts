// Writes a canonical order and everything under it. Callers pass a
// transaction client, so an order lands whole or not at all.
import { v7 as uuidv7 } from "uuid";
import { deriveFulfillmentStatus } from "../domain/fulfillment.js";
import type { AddressInput, OrderInput, ShipmentInput } from "../domain/order-input.js";
import {
  deliveredAtFromScans,
  orderShippingDates,
  shipmentStatusFromScans,
  shippedAtFromScans,
} from "../domain/shipment-status.js";
import type { Order, Prisma, ShipmentStatus } from "../generated/prisma/client.js";

export type Tx = Prisma.TransactionClient;

type AddressRow = Prisma.AddressCreateManyInput;

export async function insertOrder(tx: Tx, workspaceId: string, input: OrderInput): Promise<Order> {
  const addresses: AddressRow[] = [];
  const addAddress = (address: AddressInput | null | undefined): string | null => {
    if (!address || Object.values(address).every((value) => value == null || value === "")) return null;
    const id = uuidv7();
    addresses.push({ id, workspaceId, ...address });
    return id;
  };

  const orderId = uuidv7();
  const shipments = (input.shipments ?? []).map((shipment) => shipmentRow(shipment, workspaceId, orderId, addAddress));
  const lineItems = (input.lineItems ?? []).map((item, position) => ({
    orderId,
    position,
    sku: item.sku ?? null,
    name: item.name ?? null,
    quantity: item.quantity,
    fulfilledQuantity: item.fulfilledQuantity ?? 0,
    unitPrice: item.unitPrice ?? null,
    currency: item.currency ?? null,
    productId: item.productId ?? null,
    variantId: item.variantId ?? null,
    weight: item.weight ?? null,
  }));
  const dates = orderShippingDates(shipments.map(({ row, shippedAt }) => ({
    status: row.status as ShipmentStatus,
    isReturn: row.isReturn ?? false,
    shippedAt,
    deliveredAt: (row.deliveredAt as Date | null) ?? null,
  })));
  const shippedAt = input.shippedAt ?? dates.shippedAt;
  const customer = input.customer ?? {};

  const shippingAddressId = addAddress(input.shippingAddress);
  const billingAddressId = addAddress(input.billingAddress);
  if (addresses.length) await tx.address.createMany({ data: addresses });

  const order = await tx.order.create({
    data: {
      id: orderId,
      workspaceId,
      source: input.source,
      externalId: input.externalId ?? null,
      number: input.number ?? null,
      email: input.email ?? null,
      phone: input.phone ?? null,
      customerEmail: customer.email ?? null,
      customerFirstName: customer.firstName ?? null,
      customerLastName: customer.lastName ?? null,
      orderType: input.orderType ?? "CUSTOMER",
      status: input.status ?? "OPEN",
      rawStatus: input.rawStatus ?? null,
      paymentStatus: input.paymentStatus ?? null,
      fulfillmentStatus:
        lineItems.length === 0 && input.fulfillmentStatus
          ? input.fulfillmentStatus
          : deriveFulfillmentStatus(lineItems, shippedAt != null),
      processingState: input.processingState ?? null,
      processingErrorCode: input.processingError?.code ?? null,
      processingErrorMessage: input.processingError?.message ?? null,
      processingErrorType: input.processingError?.type ?? null,
      processingErrorRetriable: input.processingError?.retriable ?? false,
      currency: input.currency ?? "USD",
      subtotal: input.subtotal ?? null,
      discount: input.discount ?? null,
      total: input.total ?? null,
      shippingAddressId,
      billingAddressId,
      promisedShipBy: input.promisedShipBy ?? null,
      promisedDeliveryBy: input.promisedDeliveryBy ?? null,
      shippedAt,
      deliveredAt: input.deliveredAt ?? dates.deliveredAt,
      cancelledAt: input.cancelledAt ?? null,
      cancelReason: input.cancelReason ?? null,
      meta: (input.meta ?? undefined) as Prisma.InputJsonValue | undefined,
      ...(input.createdAt ? { createdAt: input.createdAt } : {}),
    },
  });

  if (lineItems.length) await tx.lineItem.createMany({ data: lineItems });
  if (shipments.length) await tx.shipment.createMany({ data: shipments.map(({ row }) => row) });
  const scans = shipments.flatMap(({ scans }) => scans);
  if (scans.length) await tx.scanEvent.createMany({ data: scans });
  const events = (input.events ?? []).map((event) => ({
    orderId,
    type: event.type,
    label: event.label ?? null,
    linkBackUrl: event.linkBackUrl ?? null,
    properties: (event.properties ?? undefined) as Prisma.InputJsonValue | undefined,
    occurredAt: event.occurredAt ?? new Date(),
  }));
  if (events.length) await tx.orderEvent.createMany({ data: events });
  return order;
}

function shipmentRow(
  shipment: ShipmentInput,
  workspaceId: string,
  orderId: string,
  addAddress: (address: AddressInput | null | undefined) => string | null,
) {
  const id = uuidv7();
  const scanInputs = shipment.scanEvents ?? [];
  const scans: Prisma.ScanEventCreateManyInput[] = scanInputs.map((scan) => ({
    shipmentId: id,
    scannedAt: scan.scannedAt,
    status: scan.status,
    rawStatus: scan.rawStatus ?? null,
    statusDetail: scan.statusDetail ?? null,
    carrierCode: scan.carrierCode ?? null,
    description: scan.description ?? null,
    message: scan.message ?? null,
    locationCity: scan.location?.city ?? null,
    locationState: scan.location?.state ?? null,
    locationPostalCode: scan.location?.postalCode ?? null,
    locationCountry: scan.location?.country ?? scan.location?.countryCode ?? null,
    source: scan.source ?? null,
  }));
  const row: Prisma.ShipmentCreateManyInput = {
    id,
    workspaceId,
    orderId,
    carrier: shipment.carrier,
    trackingCode: shipment.trackingCode,
    carrierService: shipment.carrierService ?? null,
    trackingUrl: shipment.trackingUrl ?? null,
    status: shipmentStatusFromScans(scanInputs, shipment.status),
    rawStatus: shipment.rawStatus ?? null,
    isReturn: shipment.isReturn ?? false,
    estimatedDeliveryAt: shipment.estimatedDeliveryAt ?? null,
    deliveredAt: shipment.deliveredAt ?? deliveredAtFromScans(scanInputs),
    signedBy: shipment.signedBy ?? null,
    weight: shipment.weight ?? null,
    originId: addAddress(shipment.origin),
    destinationId: addAddress(shipment.destination),
  };
  return { row, scans, shippedAt: shippedAtFromScans(scanInputs) };
}
