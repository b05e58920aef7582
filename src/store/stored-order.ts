// An order with everything under it, as the outbox reads it in the writing
// transaction: for webhook documents and for the sources' native bodies.
import type { Address, LineItem, Order, ScanEvent, Shipment } from "../generated/prisma/client.js";
import type { Sql } from "./executor.js";
import { anyOf, first, q, run } from "./schema.js";

export type StoredOrder = Order & {
  lineItems: LineItem[];
  shipments: Array<Shipment & { scanEvents: ScanEvent[] }>;
  shippingAddress: Address | null;
  billingAddress: Address | null;
};

export async function loadStoredOrder(tx: Sql, orderId: string): Promise<StoredOrder | null> {
  const order = await first(tx, q.selectFrom("order").selectAll().where("id", "=", orderId));
  if (!order) return null;
  const lineItems = await run(tx, q.selectFrom("lineItem").selectAll().where("orderId", "=", orderId).orderBy("position").orderBy("id"));
  const shipments = await run(tx, q.selectFrom("shipment").selectAll().where("orderId", "=", orderId).orderBy("createdAt").orderBy("id"));
  const scans = shipments.length
    ? await run(tx, q.selectFrom("scanEvent").selectAll().where("shipmentId", "=", anyOf(shipments.map((s) => s.id))).orderBy("scannedAt").orderBy("id"))
    : [];
  const addressIds = [order.shippingAddressId, order.billingAddressId].filter((id): id is string => id != null);
  const addresses = addressIds.length ? await run(tx, q.selectFrom("address").selectAll().where("id", "=", anyOf(addressIds))) : [];
  const address = (id: string | null) => addresses.find((a) => a.id === id) ?? null;
  return {
    ...order,
    lineItems,
    shipments: shipments.map((shipment) => ({ ...shipment, scanEvents: scans.filter((scan) => scan.shipmentId === shipment.id) })),
    shippingAddress: address(order.shippingAddressId),
    billingAddress: address(order.billingAddressId),
  };
}
