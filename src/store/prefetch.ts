// The look-ahead's SQL: what a query asks of its orders (a PrefetchPlan,
// made by loaders/prefetch.ts from the GraphQL selection) fetched in the same
// statement as the orders, relations included (addresses, line items,
// shipments with their scans, one page of events), and only the columns the
// selection reads.
import type { OrderFilter } from "../domain/order-filter.js";
import type { PageArgs, PageRequest } from "../domain/pagination.js";
import type { Address, LineItem, Order, OrderEvent, ScanEvent, Shipment } from "../generated/prisma/client.js";
import { isoTimestamp, type Sql } from "./executor.js";
import { customerEmailSql, orderFilterSql } from "./order-filter.js";

/**
 * A table as the API reads it: the SQL for each model key, the keys every
 * row needs (the columns its cursors are made of), and the keys behind each GraphQL field
 * that is not a column of the same name. A field found in neither (one added
 * later) makes the whole row be fetched.
 */
export type Table<T> = {
  // Every column of the model: one added to the Prisma schema and not mapped
  // here fails to compile.
  columns: { [K in keyof T]-?: string };
  always: ReadonlyArray<keyof T>;
  fields: Record<string, ReadonlyArray<keyof T>>;
  dates: ReadonlyArray<keyof T>;
};

export const ORDER: Table<Order> = {
  columns: {
    id: "id",
    workspaceId: "workspace_id",
    source: "source",
    externalId: "external_id",
    sourceOrderId: "source_order_id",
    sourceUpdatedAt: "source_updated_at",
    importHash: "import_hash",
    importLineHash: "import_line_hash",
    number: "number",
    email: "email",
    phone: "phone",
    customerEmail: "customer_email",
    customerFirstName: "customer_first_name",
    customerLastName: "customer_last_name",
    orderType: "order_type",
    status: "status",
    rawStatus: "raw_status",
    paymentStatus: "payment_status",
    fulfillmentStatus: "fulfillment_status",
    processingState: "processing_state",
    processingErrorCode: "processing_error_code",
    processingErrorMessage: "processing_error_message",
    processingErrorType: "processing_error_type",
    processingErrorRetriable: "processing_error_retriable",
    currency: "currency",
    subtotal: "subtotal",
    discount: "discount",
    total: "total",
    shippingAddressId: "shipping_address_id",
    billingAddressId: "billing_address_id",
    promisedShipBy: "promised_ship_by",
    promisedDeliveryBy: "promised_delivery_by",
    shippedAt: "shipped_at",
    deliveredAt: "delivered_at",
    cancelledAt: "cancelled_at",
    cancelReason: "cancel_reason",
    meta: "meta",
    createdAt: "created_at",
    updatedAt: "updated_at",
    version: "version",
    syncState: "sync_state",
    syncAttempts: "sync_attempts",
    syncError: "sync_error",
    syncedAt: "synced_at",
    note: "note",
    ownerNote: "owner_note",
    customerId: "customer_id",
    rawStatusTitle: "raw_status_title",
    processingErrorSkus: "processing_error_skus",
    shippingCost: "shipping_cost",
    discountCoupon: "discount_coupon",
    discountGateway: "discount_gateway",
    totalUsd: "total_usd",
    shipMethod: "ship_method",
    paidAt: "paid_at",
    closedAt: "closed_at",
    cancellationRequestedAt: "cancellation_requested_at",
    localOnlyFields: "local_only_fields",
  },
  always: ["id", "createdAt"],
  fields: {
    customer: ["customerEmail", "customerFirstName", "customerLastName"],
    processingError: [
      "processingErrorCode",
      "processingErrorMessage",
      "processingErrorType",
      "processingErrorRetriable",
      "processingErrorSkus",
    ],
    shippingAddress: ["shippingAddressId"],
    billingAddress: ["billingAddressId"],
    sourceSync: ["syncState", "syncAttempts", "syncError", "syncedAt", "localOnlyFields"],
    lineItems: [],
    shipments: [],
    events: [],
  },
  // Read by the driver's own column types (see sql.ts).
  dates: [],
};
export const ORDER_KEYS = Object.keys(ORDER.columns);
export const ADDRESS: Table<Address> = {
  columns: {
    id: "id",
    workspaceId: "workspace_id",
    firstName: "first_name",
    lastName: "last_name",
    name: "name",
    company: "company",
    line1: "line1",
    line2: "line2",
    city: "city",
    state: "state",
    postalCode: "postal_code",
    country: "country",
    countryCode: "country_code",
    phone: "phone",
  },
  always: [],
  fields: { name: ["name", "firstName", "lastName"] },
  dates: [],
};
export const LINE_ITEM: Table<LineItem> = {
  columns: {
    id: "id",
    workspaceId: "workspace_id",
    orderId: "order_id",
    position: "position",
    sku: "sku",
    name: "name",
    quantity: "quantity",
    fulfilledQuantity: "fulfilled_quantity",
    unitPrice: "unit_price::text",
    currency: "currency",
    productId: "product_id",
    variantId: "variant_id",
    weight: "weight::text",
    weightUnit: "weight_unit",
    barcode: "barcode",
    width: "width::text",
    height: "height::text",
    depth: "depth::text",
  },
  always: [],
  fields: { dimensions: ["width", "height", "depth"] },
  dates: [],
};
export const SHIPMENT: Table<Shipment> = {
  columns: {
    id: "id",
    workspaceId: "workspace_id",
    orderId: "order_id",
    carrier: "carrier",
    trackingCode: "tracking_code",
    carrierService: "carrier_service",
    trackingUrl: "tracking_url",
    status: "status",
    rawStatus: "raw_status",
    originId: "origin_id",
    destinationId: "destination_id",
    estimatedDeliveryAt: "estimated_delivery_at",
    deliveredAt: "delivered_at",
    isReturn: "is_return",
    signedBy: "signed_by",
    weight: "weight::text",
    createdAt: "created_at",
    updatedAt: "updated_at",
    weightUnit: "weight_unit",
    carrierName: "carrier_name",
    sourceShipmentId: "source_shipment_id",
    shippedAt: "shipped_at",
    estimatedShipAt: "estimated_ship_at",
    guaranteedDeliveryAt: "guaranteed_delivery_at",
    originalEstimatedDeliveryAt: "original_estimated_delivery_at",
    estimatedLocalDeliveryAt: "estimated_local_delivery_at",
    estimatedLocalDeliveryOn: "estimated_local_delivery_on",
    firstDeliveryAttemptAt: "first_delivery_attempt_at",
    labelUrl: "label_url",
  },
  always: [],
  fields: { origin: ["originId"], destination: ["destinationId"], order: ["orderId"], scanEvents: [] },
  dates: [
    "estimatedDeliveryAt",
    "deliveredAt",
    "createdAt",
    "updatedAt",
    "shippedAt",
    "estimatedShipAt",
    "guaranteedDeliveryAt",
    "originalEstimatedDeliveryAt",
    "firstDeliveryAttemptAt",
  ],
};
export const SCAN_EVENT: Table<ScanEvent> = {
  columns: {
    id: "id",
    workspaceId: "workspace_id",
    shipmentId: "shipment_id",
    scannedAt: "scanned_at",
    status: "status",
    rawStatus: "raw_status",
    statusDetail: "status_detail",
    carrierCode: "carrier_code",
    description: "description",
    message: "message",
    locationCity: "location_city",
    locationState: "location_state",
    locationPostalCode: "location_postal_code",
    locationCountry: "location_country",
    source: "source",
    createdAt: "created_at",
  },
  always: [],
  fields: { location: ["locationCity", "locationState", "locationPostalCode", "locationCountry"] },
  dates: ["scannedAt", "createdAt"],
};
export const ORDER_EVENT: Table<OrderEvent> = {
  columns: {
    id: "id",
    workspaceId: "workspace_id",
    orderId: "order_id",
    type: "type",
    label: "label",
    linkBackUrl: "link_back_url",
    properties: "properties",
    occurredAt: "occurred_at",
    createdAt: "created_at",
  },
  always: ["id", "occurredAt"],
  fields: {},
  dates: ["occurredAt", "createdAt"],
};

/** The model keys the GraphQL fields `names` read, or every key. */
export function keysFor<T>(table: Table<T>, names: readonly string[]): string[] {
  const keys = new Set<string>(table.always as readonly string[]);
  for (const name of names) {
    if (name === "__typename") continue;
    const derived = table.fields[name] as readonly string[] | undefined;
    if (derived) for (const key of derived) keys.add(key);
    else if (name in table.columns) keys.add(name);
    else return Object.keys(table.columns);
  }
  return [...keys];
}

/** The fields (each a name and its SQL) as a select list naming each. */
const selectList = (fields: ReadonlyArray<readonly [string, string]>) => fields.map(([name, value]) => `${value} AS "${name}"`).join(", ");

/**
 * A JSON object of the fields, as row_to_json writes a row named by them:
 * json_build_object looks up the type of each argument on every call, which
 * made it the dearer of the two by a tenth, and writes a space on each side
 * of every colon. With `from` (a FROM clause's text), of the row it reads.
 */
export const jsonObjectOf = (fields: ReadonlyArray<readonly [string, string]>, from?: string) =>
  `(SELECT row_to_json(fields) FROM (SELECT ${selectList(fields)}${from ? ` FROM ${from}` : ""}) fields)`;

/**
 * A JSON array of the fields' objects, one for each row that `from` reads,
 * in its order (an ordered ARRAY(subquery) keeps it). The objects are made
 * around the rows the subquery reads rather than by a subquery for each row:
 * a twentieth less of an export's database time.
 */
export const jsonArrayOf = (fields: ReadonlyArray<readonly [string, string]>, from: string) =>
  `array_to_json(ARRAY(SELECT row_to_json(fields) FROM (SELECT ${selectList(fields)} FROM ${from}) fields))`;

/** A row's keys, each as its column (aliased `alias`). */
const columnFields = (table: Table<never>, alias: string, keys: string[]) =>
  keys.map((key) => [key, `${alias}.${table.columns[key as never]}`] as const);

/**
 * A relation's row from its JSON. Timestamps become the API's ISO-8601 text
 * and decimals stay PostgreSQL's text: the DateTime scalar, formatMoney and
 * formatDecimal take both forms, and building a Date or a Decimal per value
 * only to print it again cost a tenth of a page's CPU.
 */
export function decode<T>(table: Table<T>, value: Record<string, unknown>): T {
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

/**
 * The select list for the plan, for an order row aliased `o`. Each relation is
 * a JSON array built from an ordered ARRAY(subquery), which keeps the
 * subquery's order: json_agg(... ORDER BY ...) costs a sort per order on top,
 * 6% of the page's statement time.
 */
function prefetchColumns(plan: PrefetchPlan): string {
  const columns = plan.order.map((key) => `o.${ORDER.columns[key as keyof Order]}`);
  for (const [keys, column, alias] of [
    [plan.shippingAddress, "shipping_address_id", "prefetch_shipping_address"],
    [plan.billingAddress, "billing_address_id", "prefetch_billing_address"],
  ] as const) {
    if (keys)
      columns.push(`${jsonObjectOf(columnFields(ADDRESS as Table<never>, "a", keys), `address a WHERE a.id = o.${column}`)} AS ${alias}`);
  }
  if (plan.lineItems) {
    const from = "line_item li WHERE li.order_id = o.id ORDER BY li.position, li.id";
    columns.push(`${jsonArrayOf(columnFields(LINE_ITEM as Table<never>, "li", plan.lineItems), from)} AS prefetch_line_items`);
  }
  if (plan.shipments) {
    const scans = plan.shipments.scanEvents
      ? ([
          [
            "scanEvents",
            jsonArrayOf(
              columnFields(SCAN_EVENT as Table<never>, "se", plan.shipments.scanEvents),
              "scan_event se WHERE se.shipment_id = s.id ORDER BY se.scanned_at, se.id",
            ),
          ],
        ] as const)
      : [];
    const shipment = [["shipment", jsonObjectOf(columnFields(SHIPMENT as Table<never>, "s", plan.shipments.keys))], ...scans] as const;
    columns.push(`${jsonArrayOf(shipment, "shipment s WHERE s.order_id = o.id ORDER BY s.created_at, s.id")} AS prefetch_shipments`);
  }
  if (plan.events) {
    const { request } = plan.events;
    const forward = request.direction === "forward";
    const order = forward ? "e.occurred_at, e.id" : "e.occurred_at DESC, e.id DESC";
    // The cursor was decoded and checked (epoch milliseconds and a UUID), so it can stand in the text.
    const cursor = request.cursor
      ? `AND (e.occurred_at, e.id) ${forward ? ">" : "<"} ('${request.cursor.at.toISOString()}'::timestamptz, '${request.cursor.id}'::uuid)`
      : "";
    const from = `order_event e WHERE e.order_id = o.id ${cursor} ORDER BY ${order} LIMIT ${request.limit + 1}`;
    columns.push(`${jsonArrayOf(columnFields(ORDER_EVENT as Table<never>, "e", plan.events.keys), from)} AS prefetch_events`);
  }
  return columns.join(", ");
}

export type PrefetchedRow = Order & {
  prefetchShippingAddress?: Record<string, unknown> | null;
  prefetchBillingAddress?: Record<string, unknown> | null;
  prefetchLineItems?: Record<string, unknown>[];
  prefetchShipments?: Array<{ shipment: Record<string, unknown>; scanEvents?: Record<string, unknown>[] }>;
  prefetchEvents?: Record<string, unknown>[];
};

/**
 * The newest order of the workspace that `lookup` names, with what `plan`
 * asks of it; with `onlyCustomer`, only among that customer's orders.
 */
export async function prefetchOne(
  sql: Sql,
  workspaceId: string,
  plan: PrefetchPlan,
  lookup: OrderLookup,
  onlyCustomer?: string,
): Promise<PrefetchedRow | null> {
  const { where, args } = lookupSql(lookup);
  const params = [workspaceId, ...args];
  let condition = `o.workspace_id = $1::uuid AND ${where}`;
  if (onlyCustomer != null) {
    params.push(onlyCustomer);
    condition += ` AND ${customerEmailSql(`$${params.length}`, "o.")}`;
  }
  const [row] = await sql<PrefetchedRow>(
    `SELECT ${prefetchColumns(plan)} FROM "order" o WHERE ${condition} ORDER BY o.created_at DESC, o.id DESC LIMIT 1`,
    params,
  );
  return row ?? null;
}

export type OrderLookup =
  | { id: string }
  | { source: string; externalId: string }
  | { source: string; sourceOrderId: string }
  | { trackingCode: string }
  | { number: string; customerEmail: string };

function lookupSql(lookup: OrderLookup): { where: string; args: unknown[] } {
  if ("id" in lookup) return { where: "o.id = $2::uuid", args: [lookup.id] };
  if ("externalId" in lookup)
    return { where: `o.source = $2::"OrderSource" AND o.external_id = $3`, args: [lookup.source, lookup.externalId] };
  if ("sourceOrderId" in lookup) {
    return { where: `o.source = $2::"OrderSource" AND o.source_order_id = $3`, args: [lookup.source, lookup.sourceOrderId] };
  }
  if ("trackingCode" in lookup) {
    return {
      where: "o.id = (SELECT order_id FROM shipment WHERE workspace_id = $1::uuid AND tracking_code = $2 ORDER BY created_at DESC LIMIT 1)",
      args: [lookup.trackingCode],
    };
  }
  return { where: `o.number = $2 AND ${customerEmailSql("$3", "o.")}`, args: [lookup.number, lookup.customerEmail] };
}

/**
 * One page of the workspace's orders matching `filter`, newest first (or
 * oldest first when paging backwards), limit + 1 rows; and how to count all.
 * With `withCount`, a search counts in the page's statement: its condition
 * reads a trigram index, which took most of each statement's time, so the
 * page and the count share one reading of it.
 */
export async function prefetchPage(
  sql: Sql,
  workspaceId: string,
  filter: OrderFilter | null | undefined,
  request: PageRequest,
  plan: PrefetchPlan,
  options: { onlyCustomer?: string; withCount?: boolean } = {},
) {
  const condition = orderFilterSql(workspaceId, filter, options.onlyCustomer);
  const { cursor, direction, limit } = request;
  const params = [...condition.args];
  let past = "";
  if (cursor) {
    params.push(cursor.at, cursor.id);
    past = ` AND (created_at, id) ${direction === "forward" ? "<" : ">"} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  const order = direction === "forward" ? "created_at DESC, id DESC" : "created_at ASC, id ASC";
  // The limit is a checked integer and stands in the text: a prepared
  // statement's generic plan then knows it and keeps the index scan.
  // No parameter but the workspace (no filter, or enum filters written into
  // the text): the same plan suits every workspace.
  const prepare = condition.args.length === 1;
  const countAll = async () =>
    (await sql<{ count: number }>(`SELECT count(*)::int AS count FROM "order" WHERE ${condition.where}`, condition.args, { prepare }))[0]!
      .count;
  if (options.withCount && condition.searches) {
    const rows = await sql<PrefetchedRow & { matchedCount: number }>(
      `WITH matched AS MATERIALIZED (SELECT id, created_at FROM "order" WHERE ${condition.where})
      SELECT ${prefetchColumns(plan)}, (SELECT count(*)::int FROM matched) AS matched_count FROM "order" o
      WHERE o.id IN (SELECT id FROM matched WHERE true${past} ORDER BY ${order} LIMIT ${limit + 1}) ORDER BY ${order}`,
      params,
    );
    // No row: nothing matched, unless the cursor is past the last match.
    const counted = rows[0]?.matchedCount ?? (cursor ? null : 0);
    return { rows, countAll: counted === null ? countAll : async () => counted };
  }
  const rows = await sql<PrefetchedRow>(
    `SELECT ${prefetchColumns(plan)} FROM "order" o WHERE ${condition.where}${past} ORDER BY ${order} LIMIT ${limit + 1}`,
    params,
    { prepare },
  );
  return { rows, countAll };
}
