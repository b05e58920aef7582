// Malomo (shipment tracking) order -> canonical order.
// Quirks handled: zone-less timestamps (read as UTC), signed_by "null".
// estimated_local_delivered_at/_on are local to the destination and kept as
// written, without a zone. The shipment list is complete (its docs say so
// for updates): a newer payload that leaves a shipment out removes it.
import { z } from "zod";
import { customerOf } from "../domain/order-fields.js";
import type { OrderInput } from "../domain/order-input.js";
import type { OrderEvent } from "../generated/prisma/client.js";
import type { StoredOrder } from "../store/stored-order.js";
import { decimal, jsonObject, localDate, localDateTime, parseNative, sourceIdText, text, textOrNumber, timestamp } from "./common.js";
import { normalizeShipmentStatus } from "./statuses.js";

const location = z.object({ city: text, country: text, postal_code: textOrNumber, state: text }).nullish();

const scanEvent = z.object({
  carrier_code: text,
  description: text,
  location,
  message: text,
  scanned_at: timestamp.refine((value) => value != null, "is required"),
  source: text,
  status: text,
  status_detail: text,
});

const shipment = z.object({
  id: text,
  carrier: z.string().trim().min(1, "is required").max(100),
  carrier_name: text,
  carrier_service: text,
  carrier_url: text,
  tracking_code: z.string().trim().min(1, "is required").max(200),
  status: text,
  delivered_at: timestamp,
  estimated_delivered_at: timestamp,
  estimated_local_delivered_at: localDateTime,
  estimated_local_delivered_on: localDate,
  guaranteed_delivered_at: timestamp,
  original_estimated_delivered_at: timestamp,
  initial_delivery_attempted_at: timestamp,
  is_return: z.boolean().nullish(),
  signed_by: text,
  weight: decimal,
  origin: location,
  destination: location,
  scan_events: z.array(scanEvent).max(1000).nullish(),
});

export const malomoOrderSchema = z
  .object({
    id: sourceIdText.nullish(),
    alternate_id: sourceIdText.nullish(),
    number: textOrNumber,
    email: text,
    customer: z.object({ email: text, first_name: text, last_name: text }).nullish(),
    meta: jsonObject,
    shipments: z.array(shipment).max(100).nullish(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .refine((order) => order.alternate_id || order.id, {
    message: "is required: an order needs its id or an alternate_id",
    path: ["id"],
  });

export const malomoEventSchema = z.object({
  type: z.string().trim().min(1, "is required").max(200),
  label: text,
  link_back_url: text,
  properties: jsonObject,
  timestamp: z.number().int().nonnegative().nullish(),
});

export function mapMalomoOrder(payload: unknown): OrderInput {
  const order = parseNative("Malomo", malomoOrderSchema, payload);
  return {
    source: "MALOMO",
    externalId: order.alternate_id ?? order.id,
    sourceOrderId: order.id,
    number: order.number,
    email: order.email,
    customer: order.customer
      ? { email: order.customer.email, firstName: order.customer.first_name, lastName: order.customer.last_name }
      : null,
    meta: order.meta ?? null,
    sourceUpdatedAt: order.updated_at,
    createdAt: order.created_at,
    // Complete when given: a payload without the list says nothing of shipments.
    shipmentsComplete: Array.isArray(order.shipments),
    shipments: (order.shipments ?? []).map((s) => ({
      carrier: s.carrier,
      carrierName: s.carrier_name,
      sourceShipmentId: s.id,
      trackingCode: s.tracking_code,
      carrierService: s.carrier_service,
      trackingUrl: s.carrier_url,
      status: normalizeShipmentStatus(s.status),
      rawStatus: s.status,
      isReturn: s.is_return ?? false,
      estimatedDeliveryAt: s.estimated_delivered_at,
      estimatedLocalDeliveryAt: s.estimated_local_delivered_at,
      estimatedLocalDeliveryOn: s.estimated_local_delivered_on,
      guaranteedDeliveryAt: s.guaranteed_delivered_at,
      originalEstimatedDeliveryAt: s.original_estimated_delivered_at,
      firstDeliveryAttemptAt: s.initial_delivery_attempted_at,
      deliveredAt: s.delivered_at,
      signedBy: s.signed_by,
      // Malomo's tracking follows EasyPost's tracker, whose weight is in ounces; its docs give no unit.
      weight: s.weight,
      weightUnit: s.weight != null ? ("oz" as const) : null,
      origin: s.origin && toAddress(s.origin),
      destination: s.destination && toAddress(s.destination),
      scanEvents: (s.scan_events ?? []).map((scan) => ({
        scannedAt: scan.scanned_at!,
        status: normalizeShipmentStatus(scan.status),
        rawStatus: scan.status,
        statusDetail: scan.status_detail,
        carrierCode: scan.carrier_code,
        description: scan.description,
        message: scan.message,
        location: scan.location && toAddress(scan.location),
        source: scan.source,
      })),
    })),
  };
}

/** A Malomo order event (POST /orders/:id/events body or response). */
export function mapMalomoEvent(payload: unknown) {
  const event = parseNative("Malomo event", malomoEventSchema, payload);
  return {
    type: event.type,
    label: event.label,
    linkBackUrl: event.link_back_url,
    properties: event.properties ?? null,
    occurredAt: event.timestamp != null ? new Date(event.timestamp * 1000) : new Date(),
  };
}

function toAddress(place: NonNullable<z.output<typeof location>>) {
  return { city: place.city, state: place.state, postalCode: place.postal_code, country: place.country };
}

// ---------------------------------------------------------------- canonical -> Malomo

/** The body of POST /orders, or of PUT /orders/:id (which takes no alternate_id or number). */
export function toMalomoOrder(order: StoredOrder, forUpdate = false) {
  const customer = customerOf(order);
  return {
    ...(forUpdate ? {} : { alternate_id: order.externalId, number: order.number }),
    email: order.email,
    customer: customer && { email: customer.email, first_name: customer.firstName, last_name: customer.lastName },
    meta: order.meta ?? null,
    // On update this is the complete list: a shipment left out is removed.
    shipments: order.shipments.map((shipment) => ({ carrier: shipment.carrier, tracking_code: shipment.trackingCode })),
  };
}

/** The body of POST /orders/:order_id/events. */
export function toMalomoEvent(event: Pick<OrderEvent, "type" | "label" | "linkBackUrl" | "properties" | "occurredAt">) {
  return {
    type: event.type,
    label: event.label,
    link_back_url: event.linkBackUrl,
    properties: event.properties ?? null,
    timestamp: Math.floor(event.occurredAt.getTime() / 1000),
  };
}
