// Looks ahead at what a query asks of its orders and fetches exactly that, the
// relations (addresses, line items, shipments with their scans, one page of events)
// included, in the same SQL statement as the orders. On this kind of query the
// statement count drops from five or six to one, and only the columns the
// selection reads are selected, built and parsed.
//
// Rows fetched this way may hold only some columns, so they are never put in
// the shared loaders (another part of the same query may ask for more): the
// relations are attached to the row they belong to, and the resolvers take
// them from there (prefetched*) before falling back to the loaders.
import {
  getArgumentValues,
  Kind,
  type FieldNode,
  type GraphQLField,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from "graphql";

import { isoTimestamp } from "../store/executor.js";
import { parsePageArgs, toPage, type Page, type PageArgs, type PageRequest } from "../domain/pagination.js";
import type { Address, LineItem, Order, OrderEvent, ScanEvent, Shipment } from "../generated/prisma/client.js";
import type { Loaders } from "./index.js";

/**
 * A table as the API reads it: the SQL for each model key, the keys every
 * row needs (the columns its cursors are made of), and the keys behind each GraphQL field
 * that is not a column of the same name. A field found in neither (one added
 * later) makes the whole row be fetched.
 */
type Table<T> = {
  // Every column of the model: one added to the Prisma schema and not mapped
  // here fails to compile.
  columns: { [K in keyof T]-?: string };
  always: ReadonlyArray<keyof T>;
  fields: Record<string, ReadonlyArray<keyof T>>;
  dates: ReadonlyArray<keyof T>;
};

const ORDER: Table<Order> = {
  columns: {
    id: "id", workspaceId: "workspace_id", source: "source", externalId: "external_id", sourceOrderId: "source_order_id",
    sourceUpdatedAt: "source_updated_at", importHash: "import_hash", number: "number", email: "email", phone: "phone",
    customerEmail: "customer_email", customerFirstName: "customer_first_name", customerLastName: "customer_last_name",
    orderType: "order_type", status: "status", rawStatus: "raw_status", paymentStatus: "payment_status",
    fulfillmentStatus: "fulfillment_status", processingState: "processing_state", processingErrorCode: "processing_error_code",
    processingErrorMessage: "processing_error_message", processingErrorType: "processing_error_type",
    processingErrorRetriable: "processing_error_retriable", currency: "currency", subtotal: "subtotal", discount: "discount",
    total: "total", shippingAddressId: "shipping_address_id", billingAddressId: "billing_address_id",
    promisedShipBy: "promised_ship_by", promisedDeliveryBy: "promised_delivery_by", shippedAt: "shipped_at",
    deliveredAt: "delivered_at", cancelledAt: "cancelled_at", cancelReason: "cancel_reason", meta: "meta",
    createdAt: "created_at", updatedAt: "updated_at", version: "version", syncState: "sync_state",
    syncAttempts: "sync_attempts", syncError: "sync_error", syncedAt: "synced_at",
  },
  always: ["id", "createdAt"],
  fields: {
    customer: ["customerEmail", "customerFirstName", "customerLastName"],
    processingError: ["processingErrorCode", "processingErrorMessage", "processingErrorType", "processingErrorRetriable"],
    shippingAddress: ["shippingAddressId"],
    billingAddress: ["billingAddressId"],
    sourceSync: ["syncState", "syncAttempts", "syncError", "syncedAt"],
    lineItems: [],
    shipments: [],
    events: [],
  },
  // Read by the driver's own column types (see sql.ts).
  dates: [],
};
const ORDER_KEYS = Object.keys(ORDER.columns);
const ADDRESS: Table<Address> = {
  columns: {
    id: "id", workspaceId: "workspace_id", firstName: "first_name", lastName: "last_name", name: "name", company: "company",
    line1: "line1", line2: "line2", city: "city", state: "state", postalCode: "postal_code", country: "country",
    countryCode: "country_code", phone: "phone",
  },
  always: [],
  fields: { name: ["name", "firstName", "lastName"] },
  dates: [],
};
const LINE_ITEM: Table<LineItem> = {
  columns: {
    id: "id", workspaceId: "workspace_id", orderId: "order_id", position: "position", sku: "sku", name: "name", quantity: "quantity",
    fulfilledQuantity: "fulfilled_quantity", unitPrice: "unit_price::text", currency: "currency",
    productId: "product_id", variantId: "variant_id", weight: "weight::text",
  },
  always: [],
  fields: {},
  dates: [],
};
const SHIPMENT: Table<Shipment> = {
  columns: {
    id: "id", workspaceId: "workspace_id", orderId: "order_id", carrier: "carrier", trackingCode: "tracking_code",
    carrierService: "carrier_service", trackingUrl: "tracking_url", status: "status", rawStatus: "raw_status",
    originId: "origin_id", destinationId: "destination_id", estimatedDeliveryAt: "estimated_delivery_at",
    deliveredAt: "delivered_at", isReturn: "is_return", signedBy: "signed_by", weight: "weight::text",
    createdAt: "created_at", updatedAt: "updated_at",
  },
  always: [],
  fields: { origin: ["originId"], destination: ["destinationId"], order: ["orderId"], scanEvents: [] },
  dates: ["estimatedDeliveryAt", "deliveredAt", "createdAt", "updatedAt"],
};
const SCAN_EVENT: Table<ScanEvent> = {
  columns: {
    id: "id", workspaceId: "workspace_id", shipmentId: "shipment_id", scannedAt: "scanned_at", status: "status", rawStatus: "raw_status",
    statusDetail: "status_detail", carrierCode: "carrier_code", description: "description", message: "message",
    locationCity: "location_city", locationState: "location_state", locationPostalCode: "location_postal_code",
    locationCountry: "location_country", source: "source", createdAt: "created_at",
  },
  always: [],
  fields: { location: ["locationCity", "locationState", "locationPostalCode", "locationCountry"] },
  dates: ["scannedAt", "createdAt"],
};
const ORDER_EVENT: Table<OrderEvent> = {
  columns: {
    id: "id", workspaceId: "workspace_id", orderId: "order_id", type: "type", label: "label", linkBackUrl: "link_back_url",
    properties: "properties", occurredAt: "occurred_at", createdAt: "created_at",
  },
  always: ["id", "occurredAt"],
  fields: {},
  dates: ["occurredAt", "createdAt"],
};

/** The model keys `fields` (GraphQL field names) read, or every key. */
function keysFor<T>(table: Table<T>, fields: FieldNode[]): string[] {
  const keys = new Set<string>(table.always as readonly string[]);
  for (const field of fields) {
    const name = field.name.value;
    if (name === "__typename") continue;
    const derived = table.fields[name] as readonly string[] | undefined;
    if (derived) derived.forEach((key) => keys.add(key));
    else if (name in table.columns) keys.add(name);
    else return Object.keys(table.columns);
  }
  return [...keys];
}

const jsonObject = (table: Table<never>, alias: string, keys: string[]) =>
  `json_build_object(${keys.map((key) => `'${key}', ${alias}.${table.columns[key as never]}`).join(", ")})`;

/**
 * A relation's row from its JSON. Timestamps become the API's ISO-8601 text
 * and decimals stay PostgreSQL's text: the DateTime scalar, formatMoney and
 * formatDecimal take both forms, and building a Date or a Decimal per value
 * only to print it again cost a tenth of a page's CPU.
 */
function decode<T>(table: Table<T>, value: Record<string, unknown>): T {
  for (const key of table.dates) if (value[key as string] != null) value[key as string] = isoTimestamp(value[key as string] as string);
  return value as T;
}

export type PrefetchPlan = {
  /** Model keys of the order row; every key when the row is also served to Shipment.order. */
  order: string[];
  shippingAddress: string[] | null;
  billingAddress: string[] | null;
  lineItems: string[] | null;
  shipments: { keys: string[]; scanEvents: string[] | null } | null;
  events: { keys: string[]; args: PageArgs; request: PageRequest } | null;
};

/** What the selection asks of each order, read from the selections of type Order under `path` (e.g. ["nodes"]). */
export function planPrefetch(info: GraphQLResolveInfo, paths: string[][], maxPageSize: number): PrefetchPlan {
  const orderFields = paths.flatMap((path) => fieldsAt(info, info.fieldNodes, path));
  const named = (fields: FieldNode[], name: string) => fields.filter((field) => field.name.value === name);
  const shipments = named(orderFields, "shipments");
  const shipmentFields = subFields(info, shipments);
  const eventFields = named(orderFields, "events");
  let events: PrefetchPlan["events"] = null;
  if (eventFields.length === 1) {
    const orderType = info.schema.getType("Order") as unknown as { getFields(): Record<string, GraphQLField<unknown, unknown>> };
    const args = getArgumentValues(orderType.getFields().events!, eventFields[0]!, info.variableValues) as PageArgs;
    const connectionFields = subFields(info, eventFields);
    const eventNodeFields = [
      ...subFields(info, named(connectionFields, "nodes")),
      ...subFields(info, named(subFields(info, named(connectionFields, "edges")), "node")),
    ];
    try {
      events = { keys: keysFor(ORDER_EVENT, eventNodeFields), args, request: parsePageArgs(args, maxPageSize) };
    } catch {
      events = null; // the loader reports the error where the field is
    }
  }
  // Shipment.order is the order itself: fetch it whole, and let the loader serve it.
  const whole = named(shipmentFields, "order").length > 0;
  const lineItems = named(orderFields, "lineItems");
  const scanEvents = named(shipmentFields, "scanEvents");
  const address = (name: string) => {
    const fields = named(orderFields, name);
    return fields.length ? keysFor(ADDRESS, subFields(info, fields)) : null;
  };
  return {
    order: whole ? ORDER_KEYS : keysFor(ORDER, orderFields),
    shippingAddress: address("shippingAddress"),
    billingAddress: address("billingAddress"),
    lineItems: lineItems.length ? keysFor(LINE_ITEM, subFields(info, lineItems)) : null,
    shipments: shipments.length
      ? {
          keys: keysFor(SHIPMENT, shipmentFields),
          scanEvents: scanEvents.length ? keysFor(SCAN_EVENT, subFields(info, scanEvents)) : null,
        }
      : null,
    events,
  };
}

/**
 * The select list for the plan, for an order row aliased `o`. Each relation is
 * a JSON array built from an ordered ARRAY(subquery), which keeps the
 * subquery's order: json_agg(... ORDER BY ...) costs a sort per order on top,
 * 6% of the page's statement time.
 */
export function prefetchColumns(plan: PrefetchPlan): string {
  const columns = plan.order.map((key) => `o.${ORDER.columns[key as keyof Order]}`);
  for (const [keys, column, alias] of [
    [plan.shippingAddress, "shipping_address_id", "prefetch_shipping_address"],
    [plan.billingAddress, "billing_address_id", "prefetch_billing_address"],
  ] as const) {
    if (keys) columns.push(`(SELECT ${jsonObject(ADDRESS as Table<never>, "a", keys)} FROM address a WHERE a.id = o.${column}) AS ${alias}`);
  }
  if (plan.lineItems) {
    columns.push(`array_to_json(ARRAY(SELECT ${jsonObject(LINE_ITEM as Table<never>, "li", plan.lineItems)}
      FROM line_item li WHERE li.order_id = o.id ORDER BY li.position, li.id)) AS prefetch_line_items`);
  }
  if (plan.shipments) {
    const scans = plan.shipments.scanEvents
      ? `, 'scanEvents', array_to_json(ARRAY(SELECT ${jsonObject(SCAN_EVENT as Table<never>, "se", plan.shipments.scanEvents)}
          FROM scan_event se WHERE se.shipment_id = s.id ORDER BY se.scanned_at, se.id))`
      : "";
    columns.push(`array_to_json(ARRAY(SELECT json_build_object('shipment', ${jsonObject(SHIPMENT as Table<never>, "s", plan.shipments.keys)}${scans})
      FROM shipment s WHERE s.order_id = o.id ORDER BY s.created_at, s.id)) AS prefetch_shipments`);
  }
  if (plan.events) {
    const { request } = plan.events;
    const forward = request.direction === "forward";
    const order = forward ? "e.occurred_at, e.id" : "e.occurred_at DESC, e.id DESC";
    // The cursor was decoded and checked (epoch milliseconds and a UUID), so it can stand in the text.
    const cursor = request.cursor
      ? `AND (e.occurred_at, e.id) ${forward ? ">" : "<"} ('${request.cursor.at.toISOString()}'::timestamptz, '${request.cursor.id}'::uuid)`
      : "";
    columns.push(`array_to_json(ARRAY(SELECT ${jsonObject(ORDER_EVENT as Table<never>, "e", plan.events.keys)} FROM order_event e
      WHERE e.order_id = o.id ${cursor} ORDER BY ${order} LIMIT ${request.limit + 1})) AS prefetch_events`);
  }
  return columns.join(", ");
}

type PrefetchedRow = Order & {
  prefetchShippingAddress?: Record<string, unknown> | null;
  prefetchBillingAddress?: Record<string, unknown> | null;
  prefetchLineItems?: Record<string, unknown>[];
  prefetchShipments?: Array<{ shipment: Record<string, unknown>; scanEvents?: Record<string, unknown>[] }>;
  prefetchEvents?: Record<string, unknown>[];
};

type Prefetched = {
  shippingAddress?: Address | null;
  billingAddress?: Address | null;
  lineItems?: LineItem[]; shipments?: Shipment[]; events?: { args: PageArgs; page: Page<OrderEvent> } };
// Kept on the rows themselves, under symbols (which neither JSON nor
// Object.keys sees), so that they live exactly as long as their row. They
// were in WeakMaps, about a hundred entries a page: V8 resolves WeakMap
// entries in the pause of its full collections, which under workload 1 took
// up to 123 ms each (445 ms in 20 s); on the rows, at most 18 ms (87 ms).
const PREFETCHED = Symbol("prefetched");
const SCAN_EVENTS = Symbol("scanEvents");
type OrderWithPrefetched = Order & { [PREFETCHED]?: Prefetched };
type ShipmentWithScans = Shipment & { [SCAN_EVENTS]?: ScanEvent[] };

/** Strips the prefetched columns off an order row and attaches the relations to it. */
export function attachPrefetched(loaders: Loaders, plan: PrefetchPlan, row: PrefetchedRow): Order {
  const { prefetchShippingAddress, prefetchBillingAddress, prefetchLineItems, prefetchShipments, prefetchEvents } = row;
  // Cleared in place: copying a row per order costs more than the rest of this.
  row.prefetchShippingAddress = row.prefetchBillingAddress = row.prefetchLineItems = row.prefetchShipments = row.prefetchEvents = undefined;
  const order: OrderWithPrefetched = row;
  if (plan.order.length === ORDER_KEYS.length) loaders.orderById.prime(order.id, order);
  const prefetched: Prefetched = {};
  // null: the order has no such address.
  if (plan.shippingAddress) prefetched.shippingAddress = prefetchShippingAddress ? decode(ADDRESS, prefetchShippingAddress) : null;
  if (plan.billingAddress) prefetched.billingAddress = prefetchBillingAddress ? decode(ADDRESS, prefetchBillingAddress) : null;
  if (prefetchLineItems) prefetched.lineItems = prefetchLineItems.map((item) => decode(LINE_ITEM, item));
  if (prefetchShipments) {
    prefetched.shipments = prefetchShipments.map(({ shipment, scanEvents }) => {
      const decoded: ShipmentWithScans = decode(SHIPMENT, shipment);
      if (scanEvents) decoded[SCAN_EVENTS] = scanEvents.map((scan) => decode(SCAN_EVENT, scan));
      return decoded;
    });
  }
  if (prefetchEvents && plan.events) {
    const events = prefetchEvents.map((event) => decode(ORDER_EVENT, event));
    const page = toPage(events, plan.events.request, (event) => ({ at: new Date(event.occurredAt), id: event.id }));
    prefetched.events = { args: plan.events.args, page };
  }
  order[PREFETCHED] = prefetched;
  return order;
}

/** The prefetched address (null: the order has none), or undefined when it was not prefetched. */
export const prefetchedAddress = (order: OrderWithPrefetched, which: "shippingAddress" | "billingAddress") => order[PREFETCHED]?.[which];
export const prefetchedLineItems = (order: OrderWithPrefetched) => order[PREFETCHED]?.lineItems;
export const prefetchedShipments = (order: OrderWithPrefetched) => order[PREFETCHED]?.shipments;
export const prefetchedScanEvents = (shipment: ShipmentWithScans) => shipment[SCAN_EVENTS];

/** The prefetched page of events, when it was fetched for these same arguments. */
export function prefetchedEvents(order: OrderWithPrefetched, args: PageArgs): Page<OrderEvent> | undefined {
  const events = order[PREFETCHED]?.events;
  const same = (a: PageArgs, b: PageArgs) => a.first == b.first && a.after == b.after && a.last == b.last && a.before == b.before;
  return events && same(events.args, args) ? events.page : undefined;
}

/** The field nodes reached by following `path` (field names) from `nodes`, through fragments. */
function fieldsAt(info: GraphQLResolveInfo, nodes: readonly FieldNode[], path: string[]): FieldNode[] {
  let current = subFields(info, nodes);
  for (const name of path) current = subFields(info, current.filter((field) => field.name.value === name));
  return current;
}

/** The fields selected under `fields`, through fragments. */
function subFields(info: GraphQLResolveInfo, fields: readonly FieldNode[]): FieldNode[] {
  return fields.flatMap((field) => selections(info, field.selectionSet));
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
