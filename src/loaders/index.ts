// DataLoaders, built once per request: each relation is fetched with one
// statement per batch, whatever the page size. Every loader is scoped to the
// caller's workspace.
import DataLoader from "dataloader";
import type { Sql } from "../store/executor.js";
import type { Page } from "../domain/pagination.js";
import type { Address, LineItem, Order, OrderEvent, ScanEvent, Shipment } from "../generated/prisma/client.js";
import { orderEventsPages, type OrderEventsKey } from "./order-events.js";

export type Loaders = ReturnType<typeof createLoaders>;

/** `rows` in the order of `ids`, null where an id has no row (a DataLoader's answer). */
export function inOrderOf<T extends { id: string }>(ids: readonly string[], rows: readonly T[]): Array<T | null> {
  const index = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => index.get(id) ?? null);
}

export function createLoaders(sql: Sql, workspaceId: string, maxPageSize: number) {
  /** Rows by id, among those the workspace may see. */
  const byId = <T extends { id: string }>(query: string) =>
    new DataLoader<string, T | null>(async (ids) => {
      return inOrderOf(ids, await sql<T>(query, [ids, workspaceId]));
    });
  // Children by parent id: the parent was checked against the workspace when it was loaded.
  const byParent = <T>(query: string, parentOf: (row: T) => string) =>
    new DataLoader<string, T[]>(async (parentIds) => {
      const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
      for (const row of await sql<T>(query, [parentIds])) groups.get(parentOf(row))?.push(row);
      return parentIds.map((id) => groups.get(id) ?? []);
    });

  return {
    orderById: byId<Order>(`SELECT * FROM "order" WHERE id = ANY($1::uuid[]) AND workspace_id = $2::uuid`),
    shipmentById: byId<Shipment>(`SELECT * FROM shipment WHERE id = ANY($1::uuid[]) AND workspace_id = $2::uuid`),
    addressById: byId<Address>(`SELECT * FROM address WHERE id = ANY($1::uuid[]) AND workspace_id = $2::uuid`),
    lineItemById: byId<LineItem>(
      `SELECT li.* FROM line_item li JOIN "order" o ON o.id = li.order_id WHERE li.id = ANY($1::uuid[]) AND o.workspace_id = $2::uuid`,
    ),
    scanEventById: byId<ScanEvent>(
      `SELECT se.* FROM scan_event se JOIN shipment s ON s.id = se.shipment_id WHERE se.id = ANY($1::uuid[]) AND s.workspace_id = $2::uuid`,
    ),
    orderEventById: byId<OrderEvent>(
      `SELECT e.* FROM order_event e JOIN "order" o ON o.id = e.order_id WHERE e.id = ANY($1::uuid[]) AND o.workspace_id = $2::uuid`,
    ),
    lineItemsByOrderId: byParent<LineItem>(
      `SELECT * FROM line_item WHERE order_id = ANY($1::uuid[]) ORDER BY position, id`,
      (row) => row.orderId,
    ),
    shipmentsByOrderId: byParent<Shipment>(
      `SELECT * FROM shipment WHERE order_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      (row) => row.orderId,
    ),
    scanEventsByShipmentId: byParent<ScanEvent>(
      `SELECT * FROM scan_event WHERE shipment_id = ANY($1::uuid[]) ORDER BY scanned_at, id`,
      (row) => row.shipmentId,
    ),
    orderEventsPage: new DataLoader<OrderEventsKey, Page<OrderEvent>, string>(
      (keys) => orderEventsPages(sql, keys, maxPageSize),
      { cacheKeyFn: (key) => JSON.stringify(key) },
    ),
  };
}
