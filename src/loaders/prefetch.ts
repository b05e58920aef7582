// Looks ahead at what a query asks of its orders and fetches those relations
// (line items, shipments with their scans, one page of events) in the same
// SQL statement as the orders, then primes the loaders with them. On this
// kind of query the statement count drops from five or six to one; anything
// the look-ahead does not cover is still served by the loaders.
import {
  getArgumentValues,
  Kind,
  type FieldNode,
  type GraphQLField,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from "graphql";

import { parsePageArgs, toPage, type PageArgs, type PageRequest } from "../domain/pagination.js";
import { Prisma, type LineItem, type Order, type OrderEvent, type ScanEvent, type Shipment } from "../generated/prisma/client.js";
import type { Loaders } from "./index.js";

type Columns = Record<string, string>;
type Table<T> = { columns: Columns; dates: ReadonlyArray<keyof T>; decimals: ReadonlyArray<keyof T> };

const LINE_ITEM: Table<LineItem> = {
  columns: {
    id: "id", orderId: "order_id", position: "position", sku: "sku", name: "name", quantity: "quantity",
    fulfilledQuantity: "fulfilled_quantity", unitPrice: "unit_price::text", currency: "currency",
    productId: "product_id", variantId: "variant_id", weight: "weight::text",
  },
  dates: [],
  decimals: ["unitPrice", "weight"],
};
const SHIPMENT: Table<Shipment> = {
  columns: {
    id: "id", workspaceId: "workspace_id", orderId: "order_id", carrier: "carrier", trackingCode: "tracking_code",
    carrierService: "carrier_service", trackingUrl: "tracking_url", status: "status", rawStatus: "raw_status",
    originId: "origin_id", destinationId: "destination_id", estimatedDeliveryAt: "estimated_delivery_at",
    deliveredAt: "delivered_at", isReturn: "is_return", signedBy: "signed_by", weight: "weight::text",
    createdAt: "created_at", updatedAt: "updated_at",
  },
  dates: ["estimatedDeliveryAt", "deliveredAt", "createdAt", "updatedAt"],
  decimals: ["weight"],
};
const SCAN_EVENT: Table<ScanEvent> = {
  columns: {
    id: "id", shipmentId: "shipment_id", scannedAt: "scanned_at", status: "status", rawStatus: "raw_status",
    statusDetail: "status_detail", carrierCode: "carrier_code", description: "description", message: "message",
    locationCity: "location_city", locationState: "location_state", locationPostalCode: "location_postal_code",
    locationCountry: "location_country", source: "source", createdAt: "created_at",
  },
  dates: ["scannedAt", "createdAt"],
  decimals: [],
};
const ORDER_EVENT: Table<OrderEvent> = {
  columns: {
    id: "id", orderId: "order_id", type: "type", label: "label", linkBackUrl: "link_back_url",
    properties: "properties", occurredAt: "occurred_at", createdAt: "created_at",
  },
  dates: ["occurredAt", "createdAt"],
  decimals: [],
};

const object = (table: Table<never>, alias: string) =>
  `json_build_object(${Object.entries(table.columns)
    .map(([key, column]) => `'${key}', ${alias}.${column}`)
    .join(", ")})`;

function decode<T>(table: Table<T>, value: Record<string, unknown>): T {
  for (const key of table.dates) if (value[key as string] != null) value[key as string] = new Date(value[key as string] as string);
  for (const key of table.decimals) if (value[key as string] != null) value[key as string] = new Prisma.Decimal(value[key as string] as string);
  return value as T;
}

export type PrefetchPlan = {
  lineItems: boolean;
  shipments: boolean;
  scanEvents: boolean;
  events: { args: PageArgs; request: PageRequest } | null;
};

/** What the selection asks of each order, read from the selections of type Order under `path` (e.g. ["nodes"]). */
export function planPrefetch(info: GraphQLResolveInfo, paths: string[][], maxPageSize: number): PrefetchPlan {
  const orderFields = paths.flatMap((path) => fieldsAt(info, info.fieldNodes, path));
  const shipmentFields = subFields(info, orderFields, "shipments");
  const eventFields = orderFields.filter((field) => field.name.value === "events");
  let events: PrefetchPlan["events"] = null;
  if (eventFields.length === 1) {
    const orderType = info.schema.getType("Order") as unknown as { getFields(): Record<string, GraphQLField<unknown, unknown>> };
    const args = getArgumentValues(orderType.getFields().events!, eventFields[0]!, info.variableValues) as PageArgs;
    try {
      events = { args, request: parsePageArgs(args, maxPageSize) };
    } catch {
      events = null; // the loader reports the error where the field is
    }
  }
  return {
    lineItems: orderFields.some((field) => field.name.value === "lineItems"),
    shipments: shipmentFields.length > 0 || orderFields.some((field) => field.name.value === "shipments"),
    scanEvents: shipmentFields.some((field) => field.name.value === "scanEvents"),
    events,
  };
}

/** The extra select-list entries for the plan, for an order row aliased `o`. */
export function prefetchColumns(plan: PrefetchPlan): string {
  const columns: string[] = [];
  if (plan.lineItems) {
    columns.push(`(SELECT coalesce(json_agg(${object(LINE_ITEM as Table<never>, "li")} ORDER BY li.position, li.id), '[]')
      FROM line_item li WHERE li.order_id = o.id) AS prefetch_line_items`);
  }
  if (plan.shipments) {
    const scans = plan.scanEvents
      ? `, 'scanEvents', (SELECT coalesce(json_agg(${object(SCAN_EVENT as Table<never>, "se")} ORDER BY se.scanned_at, se.id), '[]')
          FROM scan_event se WHERE se.shipment_id = s.id)`
      : "";
    columns.push(`(SELECT coalesce(json_agg(json_build_object('shipment', ${object(SHIPMENT as Table<never>, "s")}${scans})
      ORDER BY s.created_at, s.id), '[]') FROM shipment s WHERE s.order_id = o.id) AS prefetch_shipments`);
  }
  if (plan.events) {
    const { request } = plan.events;
    const forward = request.direction === "forward";
    const order = forward ? "e.occurred_at, e.id" : "e.occurred_at DESC, e.id DESC";
    // The cursor was decoded and checked (epoch milliseconds and a UUID), so it can stand in the text.
    const cursor = request.cursor
      ? `AND (e.occurred_at, e.id) ${forward ? ">" : "<"} ('${request.cursor.at.toISOString()}'::timestamptz, '${request.cursor.id}'::uuid)`
      : "";
    columns.push(`(SELECT coalesce(json_agg(page.event ORDER BY page.n), '[]') FROM (
      SELECT ${object(ORDER_EVENT as Table<never>, "e")} AS event, row_number() OVER (ORDER BY ${order}) AS n FROM order_event e
      WHERE e.order_id = o.id ${cursor}
      ORDER BY ${order} LIMIT ${request.limit + 1}) page) AS prefetch_events`);
  }
  return columns.map((column) => `, ${column}`).join("");
}

type PrefetchedRow = Order & {
  prefetchLineItems?: Record<string, unknown>[];
  prefetchShipments?: Array<{ shipment: Record<string, unknown>; scanEvents?: Record<string, unknown>[] }>;
  prefetchEvents?: Record<string, unknown>[];
};

/** Strips the prefetched columns off an order row and primes the loaders with them. */
export function primeLoaders(loaders: Loaders, plan: PrefetchPlan, row: PrefetchedRow): Order {
  const { prefetchLineItems, prefetchShipments, prefetchEvents } = row;
  // Cleared in place: copying a 40-field row per order costs more than the rest of this.
  row.prefetchLineItems = row.prefetchShipments = row.prefetchEvents = undefined;
  const order: Order = row;
  loaders.orderById.prime(order.id, order);
  if (prefetchLineItems) loaders.lineItemsByOrderId.prime(order.id, prefetchLineItems.map((item) => decode(LINE_ITEM, item)));
  if (prefetchShipments) {
    const shipments = prefetchShipments.map(({ shipment, scanEvents }) => {
      const decoded = decode(SHIPMENT, shipment);
      if (scanEvents) loaders.scanEventsByShipmentId.prime(decoded.id, scanEvents.map((scan) => decode(SCAN_EVENT, scan)));
      return decoded;
    });
    loaders.shipmentsByOrderId.prime(order.id, shipments);
  }
  if (prefetchEvents && plan.events) {
    const events = prefetchEvents.map((event) => decode(ORDER_EVENT, event));
    const page = toPage(events, plan.events.request, (event) => ({ at: event.occurredAt, id: event.id }));
    loaders.orderEventsPage.prime({ orderId: order.id, ...plan.events.args }, page);
  }
  return order;
}

/** The field nodes reached by following `path` (field names) from `nodes`, through fragments. */
function fieldsAt(info: GraphQLResolveInfo, nodes: readonly FieldNode[], path: string[]): FieldNode[] {
  let current = nodes.flatMap((node) => selections(info, node.selectionSet));
  for (const name of path) {
    current = current.filter((field) => field.name.value === name).flatMap((field) => selections(info, field.selectionSet));
  }
  return current;
}

function subFields(info: GraphQLResolveInfo, fields: FieldNode[], name: string): FieldNode[] {
  return fields.filter((field) => field.name.value === name).flatMap((field) => selections(info, field.selectionSet));
}

function selections(info: GraphQLResolveInfo, set: SelectionSetNode | undefined): FieldNode[] {
  if (!set) return [];
  return set.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return selections(info, selection.selectionSet);
    const fragment = info.fragments[selection.name.value];
    return fragment ? selections(info, fragment.selectionSet) : [];
  });
}
