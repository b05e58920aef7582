// A shipment's status follows its latest scan; an order's shipped and
// delivered dates follow its shipments.
import type { ShipmentStatus } from "../generated/prisma/enums.js";

type Scan = { scannedAt: Date; status: ShipmentStatus };

/** The latest scan by time; among scans at the same instant, the last one given. */
export function latestScan<T extends Scan>(scans: readonly T[]): T | null {
  let latest: T | null = null;
  for (const scan of scans) {
    if (!latest || scan.scannedAt.getTime() >= latest.scannedAt.getTime()) latest = scan;
  }
  return latest;
}

/** The latest scan's status; a shipment the source cancelled stays CANCELLED whatever its scans say. */
export function shipmentStatusFromScans(scans: readonly Scan[], fallback: ShipmentStatus | null | undefined): ShipmentStatus {
  if (fallback === "CANCELLED") return "CANCELLED";
  return latestScan(scans)?.status ?? fallback ?? "UNKNOWN";
}

/** When the carrier first had the parcel: the first scan past PRE_TRANSIT. */
export function shippedAtFromScans(scans: readonly Scan[]): Date | null {
  const moving = scans
    .filter((scan) => scan.status !== "PRE_TRANSIT" && scan.status !== "UNKNOWN" && scan.status !== "CANCELLED")
    .map((scan) => scan.scannedAt.getTime());
  return moving.length ? new Date(Math.min(...moving)) : null;
}

export function deliveredAtFromScans(scans: readonly Scan[]): Date | null {
  const delivered = scans.filter((scan) => scan.status === "DELIVERED").map((scan) => scan.scannedAt.getTime());
  return delivered.length ? new Date(Math.max(...delivered)) : null;
}

/**
 * A shipment's status and delivery date once `scans` are all it has: the
 * status of the latest scan, and when delivered, the latest delivery scan's
 * time (or the date it had).
 */
export function followScans(
  scans: readonly Scan[],
  shipment: { status: ShipmentStatus; deliveredAt: Date | null },
): { status: ShipmentStatus; deliveredAt: Date | null } {
  const status = shipmentStatusFromScans(scans, shipment.status);
  return { status, deliveredAt: status === "DELIVERED" ? (deliveredAtFromScans(scans) ?? shipment.deliveredAt) : shipment.deliveredAt };
}

/** Statuses after which an order can no longer be cancelled. */
export const SHIPPED_STATUSES: ReadonlySet<ShipmentStatus> = new Set([
  "IN_TRANSIT",
  "OUT_FOR_DELIVERY",
  "AVAILABLE_FOR_PICKUP",
  "DELIVERED",
  "DELIVERY_FAILED",
  "RETURN_TO_SENDER",
]);

type ShipmentDates = { status: ShipmentStatus; isReturn: boolean; shippedAt: Date | null; deliveredAt: Date | null };

/**
 * Order dates from its outbound shipments: shipped when the first one moved,
 * delivered when every one of them was delivered (at the last delivery).
 */
export function orderShippingDates(shipments: readonly ShipmentDates[]): { shippedAt: Date | null; deliveredAt: Date | null } {
  const outbound = shipments.filter((shipment) => !shipment.isReturn && shipment.status !== "CANCELLED");
  const shipped = outbound.map((s) => s.shippedAt ?? s.deliveredAt).filter((d): d is Date => d != null);
  const allDelivered = outbound.length > 0 && outbound.every((s) => s.status === "DELIVERED");
  const deliveredTimes = outbound.map((s) => s.deliveredAt?.getTime() ?? 0);
  return {
    shippedAt: shipped.length ? new Date(Math.min(...shipped.map((d) => d.getTime()))) : null,
    deliveredAt: allDelivered ? new Date(Math.max(...deliveredTimes)) : null,
  };
}
