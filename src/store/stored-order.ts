// Orders with everything under them: as the outbox reads one in the writing
// transaction (webhook documents, the sources' native bodies), and as a bulk
// export reads them, a batch at a time.

import type { OrderFilter } from "../domain/order-filter.js";
import type { Address, LineItem, Order, OrderEvent, ScanEvent, Shipment } from "../generated/prisma/client.js";
import type { Sql } from "./executor.js";
import { orderFilterSql } from "./order-filter.js";
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

/**
 * The next `limit` orders of the workspace that match `filter`, after
 * `afterId` in id order (ids are time-ordered UUIDv7s), with their children;
 * and their events when `events` is set. A keyset page: its cost does not
 * grow with how far into the workspace it is.
 */
export async function storedOrdersAfter(
  sql: Sql,
  workspaceId: string,
  filter: OrderFilter | null,
  afterId: string | null,
  limit: number,
  events: boolean,
): Promise<Array<StoredOrder & { events: OrderEvent[] }>> {
  const { where, args } = orderFilterSql(workspaceId, filter);
  const after = afterId ? ` AND id > $${args.length + 1}::uuid` : "";
  const ids = await sql<{ id: string }>(
    `SELECT id FROM "order" WHERE ${where}${after} ORDER BY id LIMIT ${Math.floor(limit)}`,
    afterId ? [...args, afterId] : args,
  );
  if (!ids.length) return [];
  const orderIds = ids.map((row) => row.id);
  // Outside a transaction, on the pool: the tables are read side by side.
  const [orders, history] = await Promise.all([
    run(sql, q.selectFrom("order").selectAll().where("id", "=", anyOf(orderIds)).orderBy("id")),
    events
      ? run(sql, q.selectFrom("orderEvent").selectAll().where("orderId", "=", anyOf(orderIds)).orderBy("occurredAt").orderBy("id"))
      : [],
  ]);
  const stored = await withChildren(sql, orders, true);
  const byOrder = groupBy(history, (event) => event.orderId);
  return stored.map((order) => ({ ...order, events: byOrder.get(order.id) ?? [] }));
}

/**
 * The orders with their line items, shipments (with scans) and addresses: a
 * statement per table, whatever their number; side by side when `together`
 * (never in a transaction: its statements go one at a time on one connection).
 */
async function withChildren(sql: Sql, orders: readonly Order[], together = false): Promise<StoredOrder[]> {
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
  const [lineItems, { shipments, scans }, addressRows] = together
    ? await Promise.all([readLineItems(), readShipments(), readAddresses()])
    : [await readLineItems(), await readShipments(), await readAddresses()];
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
