// Every source status mapped to the canonical enums, in one place. Raw values
// are always kept beside the canonical ones; a value not listed here maps to
// UNKNOWN (shipments) or OPEN (orders) instead of being rejected.
import type { FulfillmentStatus, OrderStatus, ShipmentStatus } from "../generated/prisma/enums.js";

/** Carrier and source shipment or scan statuses, keyed by their lower_snake form. */
export const SHIPMENT_STATUS: Readonly<Record<string, ShipmentStatus>> = {
  pre_transit: "PRE_TRANSIT",
  label_created: "PRE_TRANSIT",
  info_received: "PRE_TRANSIT",
  label_printed: "PRE_TRANSIT",
  created: "PRE_TRANSIT",
  pending: "PRE_TRANSIT",
  in_transit: "IN_TRANSIT",
  transit: "IN_TRANSIT",
  shipped: "IN_TRANSIT",
  picked_up: "IN_TRANSIT",
  accepted: "IN_TRANSIT",
  out_for_delivery: "OUT_FOR_DELIVERY",
  available_for_pickup: "AVAILABLE_FOR_PICKUP",
  ready_for_pickup: "AVAILABLE_FOR_PICKUP",
  delivered: "DELIVERED",
  failure: "DELIVERY_FAILED",
  failed: "DELIVERY_FAILED",
  delivery_failed: "DELIVERY_FAILED",
  failed_attempt: "DELIVERY_FAILED",
  attempt_fail: "DELIVERY_FAILED",
  exception: "DELIVERY_FAILED",
  undeliverable: "DELIVERY_FAILED",
  return_to_sender: "RETURN_TO_SENDER",
  returned: "RETURN_TO_SENDER",
  returned_to_sender: "RETURN_TO_SENDER",
  cancelled: "CANCELLED",
  canceled: "CANCELLED",
  voided: "CANCELLED",
};

export function normalizeShipmentStatus(raw: string | null | undefined): ShipmentStatus {
  if (!raw) return "UNKNOWN";
  return SHIPMENT_STATUS[snake(raw)] ?? "UNKNOWN";
}

/** Storefront `status`. */
export const STOREFRONT_ORDER_STATUS: Readonly<Record<string, OrderStatus>> = {
  open: "OPEN",
  closed: "CLOSED",
  cancelled: "CANCELLED",
};

/** Storefront `shipping_status`: both vocabularies its docs use. */
export const STOREFRONT_SHIPPED: Readonly<Record<string, boolean>> = {
  unpacked: false,
  unfulfilled: false,
  unshipped: false,
  fulfilled: true,
  shipped: true,
};

/** TrackMage `orderStatus.code` (workspace-defined; the common ones). */
export const TRACKMAGE_ORDER_STATUS: Readonly<Record<string, OrderStatus>> = {
  new: "OPEN",
  pending: "OPEN",
  processing: "OPEN",
  on_hold: "OPEN",
  shipped: "OPEN",
  completed: "CLOSED",
  complete: "CLOSED",
  delivered: "CLOSED",
  closed: "CLOSED",
  cancelled: "CANCELLED",
  canceled: "CANCELLED",
  refunded: "CANCELLED",
};

/** TrackMage `fulfillmentStatus`. */
export const TRACKMAGE_FULFILLMENT: Readonly<Record<string, FulfillmentStatus>> = {
  not_fulfilled: "UNFULFILLED",
  partial: "PARTIALLY_FULFILLED",
  fulfilled: "FULFILLED",
};

/** Flexport `state.internalStatus` / `state.fulfillmentStatus` -> order status. */
export function flexportOrderStatus(internalStatus: string | null, fulfillmentStatus: string | null): OrderStatus {
  const states = [internalStatus, fulfillmentStatus].map((value) => snake(value ?? ""));
  if (states.includes("cancelled") || states.includes("canceled")) return "CANCELLED";
  if (states.includes("delivered")) return "CLOSED";
  return "OPEN";
}

export function lookup<T>(table: Readonly<Record<string, T>>, raw: string | null | undefined, fallback: T): T {
  if (!raw) return fallback;
  return table[snake(raw)] ?? fallback;
}

function snake(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}
