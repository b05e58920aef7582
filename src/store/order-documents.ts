// An order as the API shows it (its field names, global ids, money and
// decimals as strings, ISO-8601 dates), built as JSON by PostgreSQL: the
// document partner webhooks carry and the line a bulk export writes. Built in
// SQL because an export is mostly this work, and PostgreSQL does it in less
// than half the time that reading the rows and shaping them in Node took.
import { isUuid } from "../domain/ids.js";
import type { OrderFilter } from "../domain/order-filter.js";
import type { Address, LineItem, Order, OrderEvent, ScanEvent, Shipment } from "../generated/prisma/client.js";
import type { Sql, TransactionalSql } from "./executor.js";
import { orderFilterSql } from "./order-filter.js";
import { ADDRESS, jsonArrayOf, jsonObjectOf, LINE_ITEM, ORDER, ORDER_EVENT, SCAN_EVENT, SHIPMENT, type Table } from "./prefetch.js";

/** The relations a document can carry; the order's own fields are always there. */
export type DocumentRelation = "ADDRESSES" | "LINE_ITEMS" | "SHIPMENTS" | "EVENTS";

/** The relations of a webhook's order document. */
const WEBHOOK_RELATIONS: ReadonlySet<DocumentRelation> = new Set(["ADDRESSES", "LINE_ITEMS", "SHIPMENTS"]);

type Print = "value" | "date" | "money" | "decimal";

/** A column of `table` (aliased `alias`) as the API prints it. */
function column<T>(table: Table<T>, alias: string, key: keyof T, print: Print = "value"): string {
  // The read path's column map casts some decimals to text; the document prints them itself.
  const value = `${alias}.${table.columns[key].replace(/::text$/, "")}`;
  switch (print) {
    case "value":
      return value;
    case "date":
      // As JavaScript's toISOString: milliseconds, UTC, "Z".
      return `to_char(${value} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    case "money":
      // At least two decimals, no trailing zeros past them (formatMoney).
      return `CASE WHEN scale(trim_scale(${value})) < 2 THEN round(${value}, 2)::text ELSE trim_scale(${value})::text END`;
    case "decimal":
      return `trim_scale(${value})::text`;
  }
}

/** The API's global id of a row (base64 of "Type:id", as encodeGlobalID makes it; short enough for one base64 line). */
const globalId = (type: string, alias: string) => `encode(convert_to('${type}:' || ${alias}.id, 'UTF8'), 'base64')`;

/** Fields named as the model keys, each printed as `print` says. */
function fieldsOf<T>(table: Table<T>, alias: string, keys: ReadonlyArray<keyof T & string>, print: Print = "value") {
  return keys.map((key) => [key, column(table, alias, key, print)] as const);
}

const address = (foreignKey: keyof Order) =>
  jsonObjectOf(
    [
      ["id", globalId("Address", "a")],
      ...fieldsOf<Address>(ADDRESS, "a", ["firstName", "lastName"]),
      // As the API's Address.name: the source's, or first and last name joined.
      ["name", "coalesce(a.name, nullif(concat_ws(' ', nullif(a.first_name, ''), nullif(a.last_name, '')), ''))"],
      ...fieldsOf<Address>(ADDRESS, "a", ["company", "line1", "line2", "city", "state", "postalCode", "country", "countryCode", "phone"]),
    ],
    `address a WHERE a.id = ${column(ORDER, "o", foreignKey)}`,
  );

const LINE_ITEMS = jsonArrayOf(
  [
    ["id", globalId("LineItem", "li")],
    ...fieldsOf<LineItem>(LINE_ITEM, "li", ["sku", "name", "quantity", "fulfilledQuantity"]),
    ["unitPrice", column(LINE_ITEM, "li", "unitPrice", "money")],
    ...fieldsOf<LineItem>(LINE_ITEM, "li", ["currency", "productId", "variantId"]),
  ],
  `line_item li WHERE li.order_id = o.id ORDER BY li.position, li.id`,
);

const SCAN_EVENTS = jsonArrayOf(
  [
    ["id", globalId("ScanEvent", "se")],
    ["scannedAt", column(SCAN_EVENT, "se", "scannedAt", "date")],
    ...fieldsOf<ScanEvent>(SCAN_EVENT, "se", ["status", "description"]),
  ],
  `scan_event se WHERE se.shipment_id = s.id ORDER BY se.scanned_at, se.id`,
);

const SHIPMENTS = jsonArrayOf(
  [
    ["id", globalId("Shipment", "s")],
    ...fieldsOf<Shipment>(SHIPMENT, "s", [
      "carrier",
      "carrierName",
      "sourceShipmentId",
      "trackingCode",
      "carrierService",
      "trackingUrl",
      "status",
      "rawStatus",
      "isReturn",
    ]),
    ...fieldsOf<Shipment>(SHIPMENT, "s", ["estimatedDeliveryAt", "shippedAt", "deliveredAt"], "date"),
    ["weight", column(SHIPMENT, "s", "weight", "decimal")],
    // Stored as the sources write it ("oz"), shown as the WeightUnit enum ("OZ").
    ["weightUnit", `upper(${column(SHIPMENT, "s", "weightUnit")})`],
    ["scanEvents", SCAN_EVENTS],
  ],
  `shipment s WHERE s.order_id = o.id ORDER BY s.created_at, s.id`,
);

const EVENTS = jsonArrayOf(
  [
    ["id", globalId("OrderEvent", "e")],
    ...fieldsOf<OrderEvent>(ORDER_EVENT, "e", ["type", "label", "linkBackUrl", "properties"]),
    ["occurredAt", column(ORDER_EVENT, "e", "occurredAt", "date")],
  ],
  `order_event e WHERE e.order_id = o.id ORDER BY e.occurred_at, e.id`,
);

const o = <K extends keyof Order & string>(...keys: K[]) => fieldsOf<Order>(ORDER, "o", keys);
const filled = (key: keyof Order) => `coalesce(${column(ORDER, "o", key)}, '') <> ''`;

/** The order's document with the relations in `include`, as SQL on an order row aliased `o`. */
function orderDocumentSql(include: ReadonlySet<DocumentRelation>): string {
  const customer = `CASE WHEN ${filled("customerEmail")} OR ${filled("customerFirstName")} OR ${filled("customerLastName")} THEN ${jsonObjectOf(
    [
      ["email", column(ORDER, "o", "customerEmail")],
      ["firstName", column(ORDER, "o", "customerFirstName")],
      ["lastName", column(ORDER, "o", "customerLastName")],
    ],
  )} END`;
  const processingError = `CASE WHEN ${column(ORDER, "o", "processingErrorMessage")} IS NOT NULL THEN ${jsonObjectOf([
    ["code", column(ORDER, "o", "processingErrorCode")],
    ["message", column(ORDER, "o", "processingErrorMessage")],
    ["type", column(ORDER, "o", "processingErrorType")],
    ["retriable", column(ORDER, "o", "processingErrorRetriable")],
    ["lineItemSkus", column(ORDER, "o", "processingErrorSkus")],
  ])} END`;
  return jsonObjectOf([
    ["id", globalId("Order", "o")],
    ...o("source", "externalId", "sourceOrderId", "number", "email", "phone", "note", "ownerNote", "customerId"),
    ["customer", customer],
    ...o("orderType", "status", "rawStatus", "rawStatusTitle", "paymentStatus", "fulfillmentStatus", "processingState"),
    ["processingError", processingError],
    ["currency", column(ORDER, "o", "currency")],
    ...fieldsOf<Order>(
      ORDER,
      "o",
      ["subtotal", "discount", "total", "shippingCost", "discountCoupon", "discountGateway", "totalUsd"],
      "money",
    ),
    ["shipMethod", column(ORDER, "o", "shipMethod")],
    ...fieldsOf<Order>(ORDER, "o", ["paidAt", "closedAt", "cancellationRequestedAt", "sourceUpdatedAt"], "date"),
    ...(include.has("ADDRESSES")
      ? ([
          ["shippingAddress", address("shippingAddressId")],
          ["billingAddress", address("billingAddressId")],
        ] as const)
      : []),
    ...(include.has("LINE_ITEMS") ? ([["lineItems", LINE_ITEMS]] as const) : []),
    ...(include.has("SHIPMENTS") ? ([["shipments", SHIPMENTS]] as const) : []),
    ...fieldsOf<Order>(ORDER, "o", ["promisedShipBy", "promisedDeliveryBy", "shippedAt", "deliveredAt", "cancelledAt"], "date"),
    ...o("cancelReason", "meta"),
    ...fieldsOf<Order>(ORDER, "o", ["createdAt", "updatedAt"], "date"),
    ["version", column(ORDER, "o", "version")],
    ...(include.has("EVENTS") ? ([["events", EVENTS]] as const) : []),
  ]);
}

/** The order's webhook document (with its addresses, line items and shipments), or null when there is no such order. */
export async function loadOrderDocument(sql: Sql, orderId: string): Promise<Record<string, unknown> | null> {
  const [row] = await sql<{ document: Record<string, unknown> }>(
    `SELECT ${orderDocumentSql(WEBHOOK_RELATIONS)} AS document FROM "order" o WHERE o.id = $1::uuid`,
    [orderId],
  );
  return row?.document ?? null;
}

/**
 * The ids of the next `limit` orders of the workspace that match `filter`,
 * after `afterId` in id order (ids are time-ordered UUIDv7s): a keyset page,
 * whose cost does not grow with how far into the workspace it is.
 */
export async function orderIdsAfter(
  sql: Sql,
  workspaceId: string,
  filter: OrderFilter | null,
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  const { where, args } = orderFilterSql(workspaceId, filter);
  const after = afterId ? ` AND id > $${args.length + 1}::uuid` : "";
  // As one text rather than a row each: an export reads a page every few
  // milliseconds, and 500 rows cost the server three times the CPU.
  const [row] = await sql<{ ids: string | null }>(
    `SELECT string_agg(id::text, ',' ORDER BY id) AS ids FROM (SELECT id FROM "order" WHERE ${where}${after} ORDER BY id LIMIT ${Math.floor(limit)}) page`,
    afterId ? [...args, afterId] : args,
    { prepare: args.length === 1 },
  );
  return row?.ids ? row.ids.split(",") : [];
}

/**
 * The documents of the orders (aliased `o`) that `where` selects, with the
 * relations in `include`, in id order: a text column a line, which COPY
 * writes out as it is.
 */
export function orderDocumentSelect(include: ReadonlySet<DocumentRelation>, where: string): string {
  return `SELECT ${orderDocumentSql(include)}::text FROM "order" o WHERE ${where} ORDER BY o.id`;
}

/**
 * The orders' documents with the relations in `include`, in id order, a line
 * each (every line ends in a line break), and how many: what an export
 * writes. Copied out as bytes (copyLines), which go on to the file as they
 * are: PostgreSQL neither gathers the lines into one text nor sends them as
 * rows, and no string is made of them here.
 */
export async function orderDocumentLines(
  sql: TransactionalSql,
  orderIds: readonly string[],
  include: ReadonlySet<DocumentRelation>,
): Promise<{ lines: Buffer[]; count: number }> {
  if (!orderIds.length) return { lines: [], count: 0 };
  // COPY takes no parameters: the ids are written into the statement, each checked to be a UUID.
  const bad = orderIds.find((id) => !isUuid(id));
  if (bad !== undefined) throw new Error(`Not an order id: ${JSON.stringify(bad)}`);
  const lines = await sql.copyLines(orderDocumentSelect(include, `o.id = ANY('{${orderIds.join(",")}}'::uuid[])`));
  let count = 0;
  for (const chunk of lines) count += countLines(chunk);
  return { lines, count };
}

/** Lines of JSON text, which never holds a raw line break: each one ends a line. */
function countLines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) count++;
  return count;
}
