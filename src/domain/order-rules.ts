// Rules the mutations follow, as pure functions over plain values.
import type { OrderStatus, ShipmentStatus } from "../generated/prisma/enums.js";
import type { ScanEventInput, ShipmentInput } from "./order-input.js";
import { SHIPPED_STATUSES } from "./shipment-status.js";

/** Why an order cannot be cancelled, or null when it can (Flexport: not once shipped). */
export function cancelRefusal(
  order: { status: OrderStatus; shippedAt: Date | null; deliveredAt: Date | null },
  shipments: ReadonlyArray<{ status: ShipmentStatus; isReturn: boolean }>,
): string | null {
  if (order.deliveredAt) return "The order has been delivered and can no longer be cancelled.";
  const moving = shipments.find((s) => !s.isReturn && SHIPPED_STATUSES.has(s.status));
  if (moving || order.shippedAt) {
    return `The order has shipped${moving ? ` (a shipment is ${moving.status})` : ""} and can no longer be cancelled.`;
  }
  return null;
}

/** Why an order cannot be retried, or null when it can (Flexport: only a retriable processing error). */
export function retryRefusal(order: {
  status: OrderStatus;
  processingErrorMessage: string | null;
  processingErrorRetriable: boolean;
}): string | null {
  if (order.status === "CANCELLED") return "The order is cancelled.";
  if (order.processingErrorMessage == null) return "The order has no processing error to retry.";
  if (!order.processingErrorRetriable) {
    return `The order's processing error is not retriable: ${order.processingErrorMessage}`;
  }
  return null;
}

type ExistingShipment = { id: string; carrier: string; trackingCode: string };

/** What identifies a shipment within a workspace: its carrier (in any case) and tracking code. */
export function shipmentKey(shipment: { carrier: string; trackingCode: string }): string {
  return `${shipment.carrier.toLowerCase()}\u0000${shipment.trackingCode}`;
}

/**
 * Malomo's update semantics: the given shipments are the complete list.
 * Pairs (carrier, tracking code) left out are removed, new pairs added, and
 * pairs already there kept with their history.
 */
export function planShipments(existing: readonly ExistingShipment[], given: readonly ShipmentInput[]) {
  const byKey = new Map(existing.map((s) => [shipmentKey(s), s]));
  const keep: Array<{ id: string; input: ShipmentInput }> = [];
  const add: ShipmentInput[] = [];
  for (const input of given) {
    const found = byKey.get(shipmentKey(input));
    if (found) {
      keep.push({ id: found.id, input });
      byKey.delete(shipmentKey(input));
    } else {
      add.push(input);
    }
  }
  return { keep, add, remove: [...byKey.values()].map((s) => s.id) };
}

type StoredScan = {
  scannedAt: Date;
  status: ShipmentStatus;
  statusDetail: string | null;
  carrierCode: string | null;
  description: string | null;
  message: string | null;
  locationCity: string | null;
  locationState: string | null;
  locationPostalCode: string | null;
  locationCountry: string | null;
};

export function scanFingerprint(scan: StoredScan): string {
  return JSON.stringify([
    scan.scannedAt.getTime(),
    scan.status,
    scan.statusDetail,
    scan.carrierCode,
    scan.description,
    scan.message,
    scan.locationCity,
    scan.locationState,
    scan.locationPostalCode,
    scan.locationCountry,
  ]);
}

export function storedScan(scan: ScanEventInput): StoredScan {
  return {
    scannedAt: scan.scannedAt,
    status: scan.status,
    statusDetail: scan.statusDetail ?? null,
    carrierCode: scan.carrierCode ?? null,
    description: scan.description ?? null,
    message: scan.message ?? null,
    locationCity: scan.location?.city ?? null,
    locationState: scan.location?.state ?? null,
    locationPostalCode: scan.location?.postalCode ?? null,
    locationCountry: scan.location?.country ?? scan.location?.countryCode ?? null,
  };
}

/** The incoming scans not already stored (nor repeated within the batch). */
export function newScans(stored: readonly StoredScan[], incoming: readonly ScanEventInput[]): ScanEventInput[] {
  const seen = new Set(stored.map(scanFingerprint));
  return incoming.filter((scan) => {
    const fingerprint = scanFingerprint(storedScan(scan));
    if (seen.has(fingerprint)) return false;
    seen.add(fingerprint);
    return true;
  });
}
