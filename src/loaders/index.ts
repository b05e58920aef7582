// DataLoaders, built once per request: each relation is fetched with one
// statement per batch, whatever the page size. Every loader is scoped to the
// caller's workspace.
import DataLoader from "dataloader";
import type { Page } from "../domain/pagination.js";
import type { Order, OrderEvent } from "../generated/prisma/client.js";
import type { Sql } from "../store/executor.js";
import * as reads from "../store/reads.js";
import { type OrderEventsKey, orderEventsPages } from "./order-events.js";

export type Loaders = ReturnType<typeof createLoaders>;

/** `rows` in the order of `ids`, null where an id has no row (a DataLoader's answer). */
export function inOrderOf<T extends { id: string }>(ids: readonly string[], rows: readonly T[]): Array<T | null> {
  const index = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => index.get(id) ?? null);
}

/**
 * With `onlyCustomer` (a customer's token), orders by id are only that
 * customer's, and the other rows are not found by id at all: a customer
 * reaches shipments, line items and events through their orders.
 */
export function createLoaders(sql: Sql, workspaceId: string, maxPageSize: number, onlyCustomer?: string) {
  /** Rows by id, among those the workspace may see. */
  const byId = <T extends { id: string }>(read: (sql: Sql, workspaceId: string, ids: readonly string[]) => Promise<T[]>) =>
    new DataLoader<string, T | null>(async (ids) =>
      onlyCustomer == null ? inOrderOf(ids, await read(sql, workspaceId, ids)) : ids.map(() => null),
    );
  // Children by parent id: the parent was checked against the workspace when it was loaded.
  const byParent = <T>(read: (sql: Sql, parentIds: readonly string[]) => Promise<T[]>, parentOf: (row: T) => string) =>
    new DataLoader<string, T[]>(async (parentIds) => {
      const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
      for (const row of await read(sql, parentIds)) groups.get(parentOf(row))?.push(row);
      return parentIds.map((id) => groups.get(id) ?? []);
    });

  return {
    orderById: new DataLoader<string, Order | null>(async (ids) =>
      inOrderOf(ids, await reads.ordersByIds(sql, workspaceId, ids, onlyCustomer)),
    ),
    shipmentById: byId(reads.shipmentsByIds),
    addressById: byId(reads.addressesByIds),
    lineItemById: byId(reads.lineItemsByIds),
    scanEventById: byId(reads.scanEventsByIds),
    orderEventById: byId(reads.orderEventsByIds),
    lineItemsByOrderId: byParent(reads.lineItemsOf, (row) => row.orderId),
    shipmentsByOrderId: byParent(reads.shipmentsOf, (row) => row.orderId),
    scanEventsByShipmentId: byParent(reads.scanEventsOf, (row) => row.shipmentId),
    orderEventsPage: new DataLoader<OrderEventsKey, Page<OrderEvent>, string>((keys) => orderEventsPages(sql, keys, maxPageSize), {
      cacheKeyFn: (key) => JSON.stringify(key),
    }),
  };
}
