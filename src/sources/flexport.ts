// Flexport (fulfillment network) FulfillmentOrder -> canonical order.
// Quirk handled: carrier and tracking code live on each package's label; each
// labelled package becomes a shipment, its carrier timestamps become scans.
import { z } from "zod";
import { isCurrencyCode } from "../domain/money.js";
import type { OrderInput, ScanEventInput } from "../domain/order-input.js";
import type { StoredOrder } from "../store/stored-order.js";
import { decimal, parseNative, quantity, sourceIdText, splitName, text, textOrNumber, timestamp, weightUnit } from "./common.js";
import { flexportOrderStatus, normalizeShipmentStatus } from "./statuses.js";

const address = z
  .object({
    address1: text,
    address2: text,
    city: text,
    company: text,
    countryCode: text,
    name: text,
    phone: text,
    provinceCode: text,
    zip: textOrNumber,
  })
  .nullish();

const lineItem = z.object({ logisticsSku: text, quantity });

const pkg = z.object({
  id: text,
  attemptedDeliveryTime: timestamp,
  carrierDeliveryTime: timestamp,
  carrierPickUpTime: timestamp,
  carrierShipTime: timestamp,
  labelCreateTime: timestamp,
  label: z
    .object({
      carrier: text,
      trackingCode: text,
      trackingUrl: text,
      labelUrl: text,
      shippingMethod: text,
      packageDimensions: z.object({ weight: decimal, weightUnit: text }).nullish(),
    })
    .nullish(),
  lineItems: z.array(lineItem).max(1000).nullish(),
});

const shipment = z.object({
  id: text,
  status: text,
  packages: z.array(pkg).max(100).nullish(),
  estimatedDeliveryTime: timestamp,
  estimatedShipTime: timestamp,
  shippedAt: timestamp,
  lineItems: z.array(lineItem).max(1000).nullish(),
});

export const flexportOrderSchema = z.object({
  id: sourceIdText,
  externalOrderId: textOrNumber,
  address,
  cost: decimal,
  createdAt: timestamp,
  updatedAt: timestamp,
  error: z
    .object({
      code: textOrNumber,
      message: text,
      retriable: z.boolean().nullish(),
      type: text,
      lineItemErrors: z
        .array(z.object({ logisticsSku: text }))
        .max(1000)
        .nullish(),
    })
    .nullish(),
  deliveredAt: timestamp,
  shippedAt: timestamp,
  promisedDeliveryByTime: timestamp,
  promisedShipByTime: timestamp,
  source: text,
  shipMethod: text,
  lineItems: z.array(lineItem.extend({ customsUnitValue: z.object({ amount: decimal, currencyCode: text }).nullish() })).max(1000),
  state: z
    .object({
      fulfillmentStatus: text,
      internalStatus: text,
      fulfillmentDelayed: z.boolean().nullish(),
      fulfillmentInProgress: z.boolean().nullish(),
    })
    .nullish(),
  shipments: z.array(shipment).max(100).nullish(),
  dropshipDetails: z.object({ billingAddress: address }).nullish(),
});

export function mapFlexportOrder(payload: unknown): OrderInput {
  const order = parseNative("Flexport", flexportOrderSchema, payload);
  const shipped = (order.shipments ?? []).filter((s) => normalizeShipmentStatus(s.status) !== "CANCELLED");
  const shippedBySku = new Map<string, number>();
  for (const s of shipped) {
    if (!s.shippedAt && !["IN_TRANSIT", "DELIVERED"].includes(normalizeShipmentStatus(s.status))) continue;
    for (const item of s.lineItems ?? []) {
      if (item.logisticsSku) shippedBySku.set(item.logisticsSku, (shippedBySku.get(item.logisticsSku) ?? 0) + item.quantity);
    }
  }
  const currency = order.lineItems.find((item) => item.customsUnitValue?.currencyCode)?.customsUnitValue?.currencyCode;
  const cancelled = [order.state?.internalStatus, order.state?.fulfillmentStatus].some(
    (state) => normalizeShipmentStatus(state) === "CANCELLED",
  );
  return {
    source: "FLEXPORT",
    externalId: order.externalOrderId ?? order.id,
    sourceOrderId: order.id,
    status: flexportOrderStatus(order.state?.internalStatus ?? null, order.state?.fulfillmentStatus ?? null),
    rawStatus: order.state?.fulfillmentStatus ?? null,
    processingState: order.state?.internalStatus ?? null,
    processingError: order.error?.message
      ? {
          code: order.error.code,
          message: order.error.message,
          type: order.error.type,
          retriable: order.error.retriable ?? false,
          skus: (order.error.lineItemErrors ?? []).flatMap((item) => (item.logisticsSku ? [item.logisticsSku] : [])),
        }
      : null,
    phone: order.address?.phone ?? null,
    customer: order.address?.name ? { ...splitName(order.address.name) } : null,
    currency: currency && isCurrencyCode(currency) ? currency.toUpperCase() : "USD",
    shippingAddress: toAddress(order.address),
    billingAddress: toAddress(order.dropshipDetails?.billingAddress),
    lineItems: order.lineItems.map((item) => {
      const fulfilled = item.logisticsSku ? (shippedBySku.get(item.logisticsSku) ?? 0) : 0;
      const taken = Math.min(fulfilled, item.quantity);
      if (item.logisticsSku) shippedBySku.set(item.logisticsSku, fulfilled - taken);
      return {
        sku: item.logisticsSku,
        quantity: item.quantity,
        fulfilledQuantity: taken,
        unitPrice: item.customsUnitValue?.amount ?? null,
        currency: item.customsUnitValue?.currencyCode ?? null,
      };
    }),
    shipments: (order.shipments ?? []).flatMap((s) =>
      (s.packages ?? [])
        .filter((p) => p.label?.carrier && p.label.trackingCode)
        .map((p) => {
          const dimensions = p.label!.packageDimensions;
          const unit = weightUnit(dimensions?.weightUnit);
          return {
            carrier: p.label!.carrier!,
            trackingCode: p.label!.trackingCode!,
            sourceShipmentId: p.id,
            carrierService: p.label!.shippingMethod,
            trackingUrl: p.label!.trackingUrl,
            labelUrl: p.label!.labelUrl,
            // A cancelled shipment stays CANCELLED whatever its package's scans say.
            status: normalizeShipmentStatus(s.status),
            rawStatus: s.status,
            estimatedDeliveryAt: s.estimatedDeliveryTime,
            estimatedShipAt: s.estimatedShipTime,
            shippedAt: s.shippedAt,
            firstDeliveryAttemptAt: p.attemptedDeliveryTime,
            deliveredAt: p.carrierDeliveryTime,
            // Never a weight without its unit.
            weight: unit ? (dimensions?.weight ?? null) : null,
            weightUnit: unit,
            scanEvents: packageScans(p),
          };
        }),
    ),
    promisedShipBy: order.promisedShipByTime,
    promisedDeliveryBy: order.promisedDeliveryByTime,
    shipMethod: order.shipMethod,
    shippedAt: order.shippedAt,
    deliveredAt: order.deliveredAt,
    cancelledAt: cancelled ? (order.updatedAt ?? null) : null,
    meta: {
      flexport: {
        marketplace: order.source,
        cost: order.cost,
        fulfillmentDelayed: order.state?.fulfillmentDelayed ?? null,
        fulfillmentInProgress: order.state?.fulfillmentInProgress ?? null,
      },
    },
    sourceUpdatedAt: order.updatedAt,
    createdAt: order.createdAt,
  };
}

/** The package's carrier milestones, as tracking scans. */
function packageScans(p: z.output<typeof pkg>): ScanEventInput[] {
  const milestones: Array<[Date | null, ScanEventInput["status"], string]> = [
    [p.labelCreateTime, "PRE_TRANSIT", "Label created"],
    [p.carrierPickUpTime, "IN_TRANSIT", "Picked up by carrier"],
    [p.carrierShipTime, "IN_TRANSIT", "Shipped by carrier"],
    [p.attemptedDeliveryTime, "DELIVERY_FAILED", "Delivery attempted"],
    [p.carrierDeliveryTime, "DELIVERED", "Delivered"],
  ];
  return milestones
    .filter((m): m is [Date, ScanEventInput["status"], string] => m[0] != null)
    .map(([scannedAt, status, description]) => ({ scannedAt, status, description, source: "FLEXPORT" }));
}

function toAddress(a: z.output<typeof address>) {
  if (!a) return null;
  return {
    name: a.name,
    ...splitName(a.name),
    company: a.company,
    line1: a.address1,
    line2: a.address2,
    city: a.city,
    state: a.provinceCode,
    postalCode: a.zip,
    countryCode: a.countryCode,
    phone: a.phone,
  };
}

// ---------------------------------------------------------------- canonical -> Flexport

/** The body of Flexport's create order: the shipping address, line items and promised dates. */
export function toFlexportOrder(order: StoredOrder) {
  const flexport = ((order.meta as Record<string, unknown> | null)?.flexport ?? {}) as Record<string, unknown>;
  const address = order.shippingAddress;
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    externalOrderId: order.externalId ?? order.id,
    address: address && {
      name: address.name ?? ([address.firstName, address.lastName].filter(Boolean).join(" ") || null),
      company: address.company,
      address1: address.line1,
      address2: address.line2,
      city: address.city,
      provinceCode: address.state,
      zip: address.postalCode,
      countryCode: address.countryCode,
      phone: address.phone ?? order.phone,
    },
    lineItems: order.lineItems.map((item) => ({
      logisticsSku: item.sku,
      quantity: item.quantity,
      ...(item.unitPrice != null
        ? { customsUnitValue: { amount: Number(item.unitPrice.toString()), currencyCode: item.currency ?? order.currency } }
        : {}),
    })),
    // Left out when unknown: Flexport then sets its own promise.
    ...(order.promisedShipBy ? { promisedShipByTime: iso(order.promisedShipBy) } : {}),
    ...(order.promisedDeliveryBy ? { promisedDeliveryByTime: iso(order.promisedDeliveryBy) } : {}),
    ...(order.shipMethod ? { shipMethod: order.shipMethod } : {}),
    ...(typeof flexport.marketplace === "string" ? { source: flexport.marketplace } : {}),
  };
}
