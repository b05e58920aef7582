// DataLoaders, built once per request: each relation is fetched with one
// statement per batch, whatever the page size. Every loader is scoped to the
// caller's workspace.
import DataLoader from "dataloader";
import type { Address, LineItem, Order, OrderEvent, PrismaClient, ScanEvent, Shipment } from "../generated/prisma/client.js";
import { orderEventsPages, type OrderEventsKey } from "./order-events.js";
import type { Page } from "../domain/pagination.js";

export type Loaders = ReturnType<typeof createLoaders>;

export function createLoaders(prisma: PrismaClient, workspaceId: string, maxPageSize: number) {
  return {
    orderById: new DataLoader<string, Order | null>(async (ids) => {
      const rows = await prisma.order.findMany({ where: { id: { in: [...ids] }, workspaceId } });
      return byKey(ids, rows, (row) => row.id);
    }),
    shipmentById: new DataLoader<string, Shipment | null>(async (ids) => {
      const rows = await prisma.shipment.findMany({ where: { id: { in: [...ids] }, workspaceId } });
      return byKey(ids, rows, (row) => row.id);
    }),
    addressById: new DataLoader<string, Address | null>(async (ids) => {
      const rows = await prisma.address.findMany({ where: { id: { in: [...ids] }, workspaceId } });
      return byKey(ids, rows, (row) => row.id);
    }),
    lineItemById: new DataLoader<string, LineItem | null>(async (ids) => {
      const rows = await prisma.lineItem.findMany({ where: { id: { in: [...ids] }, order: { workspaceId } } });
      return byKey(ids, rows, (row) => row.id);
    }),
    scanEventById: new DataLoader<string, ScanEvent | null>(async (ids) => {
      const rows = await prisma.scanEvent.findMany({ where: { id: { in: [...ids] }, shipment: { workspaceId } } });
      return byKey(ids, rows, (row) => row.id);
    }),
    orderEventById: new DataLoader<string, OrderEvent | null>(async (ids) => {
      const rows = await prisma.orderEvent.findMany({ where: { id: { in: [...ids] }, order: { workspaceId } } });
      return byKey(ids, rows, (row) => row.id);
    }),
    // Children are loaded by parent id; the parent was already checked
    // against the workspace when it was loaded.
    lineItemsByOrderId: new DataLoader<string, LineItem[]>(async (orderIds) => {
      const rows = await prisma.lineItem.findMany({
        where: { orderId: { in: [...orderIds] } },
        orderBy: [{ position: "asc" }, { id: "asc" }],
      });
      return groupBy(orderIds, rows, (row) => row.orderId);
    }),
    shipmentsByOrderId: new DataLoader<string, Shipment[]>(async (orderIds) => {
      const rows = await prisma.shipment.findMany({
        where: { orderId: { in: [...orderIds] } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
      return groupBy(orderIds, rows, (row) => row.orderId);
    }),
    scanEventsByShipmentId: new DataLoader<string, ScanEvent[]>(async (shipmentIds) => {
      const rows = await prisma.scanEvent.findMany({
        where: { shipmentId: { in: [...shipmentIds] } },
        orderBy: [{ scannedAt: "asc" }, { id: "asc" }],
      });
      return groupBy(shipmentIds, rows, (row) => row.shipmentId);
    }),
    orderEventsPage: new DataLoader<OrderEventsKey, Page<OrderEvent>, string>(
      (keys) => orderEventsPages(prisma, keys, maxPageSize),
      { cacheKeyFn: (key) => JSON.stringify(key) },
    ),
  };
}

function byKey<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): Array<T | null> {
  const index = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => index.get(key) ?? null);
}

function groupBy<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}
