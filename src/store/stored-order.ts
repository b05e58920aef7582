// An order with everything under it, as the outbox reads one in the
// writing transaction to make the source's native body of a write-through.

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
  return order ? (await withChildren(tx, [order]))[0]! : null;
}

/** The orders with their line items, shipments (with scans) and addresses: a statement per table, whatever their number. */
async function withChildren(sql: Sql, orders: readonly Order[]): Promise<StoredOrder[]> {
  const orderIds = orders.map((o) => o.id);
  const addressIds = orders.flatMap((o) => [o.shippingAddressId, o.billingAddressId]).filter((id): id is string => id != null);
  const readLineItems = () =>
    run(sql, q.selectFrom("lineItem").selectAll().where("orderId", "=", anyOf(orderIds)).orderBy("position").orderBy("id"));
  const readShipments = async () => {
    const shipments = await run(
      sql,
      q.selectFrom("shipment").selectAll().where("orderId", "=", anyOf(orderIds)).orderBy("createdAt").orderBy("id"),
    );
    const scans = shipments.length
      ? await run(
          sql,
          q
            .selectFrom("scanEvent")
            .selectAll()
            .where("shipmentId", "=", anyOf(shipments.map((s) => s.id)))
            .orderBy("scannedAt")
            .orderBy("id"),
        )
      : [];
    return { shipments, scans };
  };
  const readAddresses = async () =>
    addressIds.length ? run(sql, q.selectFrom("address").selectAll().where("id", "=", anyOf(addressIds))) : [];
  const [lineItems, { shipments, scans }, addressRows] = [await readLineItems(), await readShipments(), await readAddresses()];
  const addresses = new Map(addressRows.map((a) => [a.id, a]));
  const itemsOf = groupBy(lineItems, (item) => item.orderId);
  const scansOf = groupBy(scans, (scan) => scan.shipmentId);
  const shipmentsOf = groupBy(
    shipments.map((shipment) => ({ ...shipment, scanEvents: scansOf.get(shipment.id) ?? [] })),
    (shipment) => shipment.orderId,
  );
  const address = (id: string | null) => (id ? (addresses.get(id) ?? null) : null);
  return orders.map((order) => ({
    ...order,
    lineItems: itemsOf.get(order.id) ?? [],
    shipments: shipmentsOf.get(order.id) ?? [],
    shippingAddress: address(order.shippingAddressId),
    billingAddress: address(order.billingAddressId),
  }));
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
