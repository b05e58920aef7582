// Writes of canonical orders and what hangs under them. Every function takes
// the transaction it runs in, so a change lands whole or not at all.
import { type OperandValueExpression, type RawBuilder, sql as rawSql, type Updateable, type UpdateObject } from "kysely";
import { jsonArrayFrom, jsonObjectFrom } from "kysely/helpers/postgres";
import { deriveFulfillmentStatus } from "../domain/fulfillment.js";
import type { AddressInput, OrderEventInput, OrderInput, ScanEventInput, ShipmentInput } from "../domain/order-input.js";
import { newScans, planShipments, shipmentKey, storedScan } from "../domain/order-rules.js";
import {
  deliveredAtFromScans,
  followScans,
  orderShippingDates,
  shipmentStatusFromScans,
  shippedAtFromScans,
} from "../domain/shipment-status.js";
import type { UserError } from "../domain/user-error.js";
import type {
  FulfillmentStatus,
  Order,
  OrderEvent,
  OrderSource,
  ScanEvent,
  Shipment,
  ShipmentStatus,
  WebhookTopic,
} from "../generated/prisma/client.js";
import type { Sql } from "./executor.js";
import { newId } from "./ids.js";
import { type Listeners, listenerColumns, listenersOf, sourceColumn, sourceValue } from "./listeners.js";
import { type OrderColumns, orderColumns } from "./order-fields.js";
import { ORDER_EVENT, SCAN_EVENT } from "./prefetch.js";
import {
  anyOf,
  columnOf,
  type Database,
  first,
  type NewRow,
  nested,
  q,
  run,
  shapedStatement,
  statement,
  type TableName,
} from "./schema.js";
import { Refusal } from "./transaction.js";

/** What a child row needs of its parent (an order or a shipment): its id and workspace. */
export type Owner = { id: string; workspaceId: string };

// ---------------------------------------------------------------- orders

/**
 * The workspace's order, locked, with who listens to `topics` of its changes
 * (read in the same statement); null when there is no such order.
 */
export async function lockOrderFor(tx: Sql, workspaceId: string, orderId: string, topics: readonly WebhookTopic[]) {
  const [row] = await lockOrder(tx, { workspaceId, orderId, topics });
  if (!row) return null;
  const { listeningConnection, listeningEndpoints, ...order } = row;
  return { order, listeners: listenersOf({ listeningConnection, listeningEndpoints }) };
}

const lockOrder = statement((v: { workspaceId: string; orderId: string; topics: readonly WebhookTopic[] }) =>
  lockingRead(v.workspaceId, v.orderId, v.topics),
);

/** The workspace's order with this id (a value or a subquery), locked, with who listens to `topics`. */
function lockingRead(workspaceId: string, id: OperandValueExpression<Database, "order", "id">, topics: readonly WebhookTopic[]) {
  return q
    .selectFrom("order")
    .selectAll()
    .select(listenerColumns(workspaceId, topics, sourceColumn))
    .where("id", "=", id)
    .where("workspaceId", "=", workspaceId)
    .forUpdate();
}

/** The order a source knows by `externalId`, locked for the rest of the transaction. */
export function lockOrderByExternalId(tx: Sql, workspaceId: string, source: OrderSource, externalId: string): Promise<Order | null> {
  return first(
    tx,
    q
      .selectFrom("order")
      .selectAll()
      .where("workspaceId", "=", workspaceId)
      .where("source", "=", source)
      .where("externalId", "=", externalId)
      .forUpdate(),
  );
}

/** The orders a source knows by these external ids. */
export function ordersByExternalIds(sql: Sql, workspaceId: string, source: OrderSource, externalIds: readonly string[]): Promise<Order[]> {
  return run(
    sql,
    q
      .selectFrom("order")
      .selectAll()
      .where("workspaceId", "=", workspaceId)
      .where("source", "=", source)
      .where("externalId", "=", anyOf(externalIds)),
  );
}

/** What an import needs of an order it finds unchanged: which order it is. */
export type ImportedOrder = Pick<Order, "id" | "externalId">;
type ImportHashColumn = "importHash" | "importLineHash";

/**
 * The orders of a source last imported from a payload with one of these
 * hashes (`importHash`) or from an NDJSON line with one (`importLineHash`),
 * by hash; orders without an external id are never matched again.
 */
export async function ordersByImportHashes(
  sql: Sql,
  workspaceId: string,
  source: OrderSource,
  hashes: readonly string[],
  column: ImportHashColumn = "importHash",
): Promise<Map<string, Order>> {
  if (!hashes.length) return new Map();
  const rows = await run(sql, byImportHashes(workspaceId, hashes, column).selectAll());
  return new Map(rows.flatMap((order) => (order.source === source ? [[order[column]!, order]] : [])));
}

/** ordersByImportHashes, with only which orders they are: reading whole rows was most of finding a batch unchanged. */
export async function importedOrdersByHashes(
  sql: Sql,
  workspaceId: string,
  source: OrderSource,
  hashes: readonly string[],
  column: ImportHashColumn = "importHash",
): Promise<Map<string, ImportedOrder>> {
  if (!hashes.length) return new Map();
  const rows = await run(sql, byImportHashes(workspaceId, hashes, column).select(["id", "externalId", "source", column]));
  return new Map(
    rows.flatMap((order) => (order.source === source ? [[order[column]!, { id: order.id, externalId: order.externalId }]] : [])),
  );
}

/**
 * The orders last imported from one of `hashes`. The hashes name their source,
 * so the callers check it on the rows rather than in SQL: as a condition it
 * would offer the planner the unique key's (workspace_id, source) prefix,
 * which it takes over the hash index when its statistics predate the
 * workspace's orders, and then reads every order of the source.
 */
function byImportHashes(workspaceId: string, hashes: readonly string[], column: ImportHashColumn) {
  return q
    .selectFrom("order")
    .where("workspaceId", "=", workspaceId)
    .where(column, "=", anyOf([...new Set(hashes)]))
    .where("externalId", "is not", null);
}

type OrderChanges = Omit<Updateable<Database["order"]>, "meta" | "id" | "version" | "updatedAt"> & { meta?: unknown };

/**
 * Updates the order's columns, moves its version on, and returns it as it now
 * is; `events` join its history in the same statement.
 */
export async function updateOrder(tx: Sql, order: Owner, changes: OrderChanges, events: readonly OrderEventInput[] = []): Promise<Order> {
  const { meta, ...columns } = changes;
  // As Kysely would, an undefined value leaves its column out.
  const set = (Object.keys(columns) as Array<keyof typeof columns>).filter((column) => columns[column] !== undefined).sort();
  const shape = { columns: set, meta: meta !== undefined, events: events.length > 0 };
  const values = {
    ...columns,
    meta: meta == null ? null : JSON.stringify(meta),
    events: rowsJson(eventRows(order, events), EVENT_FIELDS),
    orderId: order.id,
    now: new Date(),
  };
  return (await orderUpdate(tx, shape, values))[0]!;
}

type OrderUpdateValues = Omit<OrderChanges, "meta"> & { meta: string | null; events: Buffer; orderId: string; now: Date };

/** updateOrder's statement: the columns `shape` names, the version moved on, and its history entries when there are any. */
const orderUpdate = shapedStatement(
  (shape: { columns: ReadonlyArray<keyof Omit<OrderChanges, "meta">>; meta: boolean; events: boolean }) =>
    `${shape.columns.join()} ${shape.meta} ${shape.events}`,
  (shape, v: OrderUpdateValues) => {
    const set: Updateable<Database["order"]> = Object.fromEntries(shape.columns.map((column) => [column, v[column]]));
    const update = versionedUpdate(v.orderId, v.now, {
      ...set,
      ...(shape.meta ? { meta: rawSql<never>`${v.meta}::jsonb` } : {}),
    }).returningAll();
    if (!shape.events) return update;
    return rawSql<Order>`WITH updated AS (${update}), added AS (${insertJson("orderEvent", EVENT_FIELDS, v.events)}) SELECT * FROM updated`.compile(
      q,
    );
  },
);

/** The UPDATE of an order's columns, its version moved on (updateOrder's, and part of recordScans' write). */
function versionedUpdate(orderId: string, now: Date, set: UpdateObject<Database, "order">) {
  return q
    .updateTable("order")
    .set({ ...set, updatedAt: now, version: (eb) => eb("version", "+", 1) })
    .where("id", "=", orderId);
}

/**
 * Moves the order's source-sync columns (not its version: the order itself
 * did not change); false when the order is gone. `localOnly` adds fields the
 * source will not see to the order's localOnlyFields; SYNCED stays
 * LOCAL_ONLY while any are listed.
 */
export async function updateSync(
  tx: Sql,
  orderId: string,
  changes: Pick<Updateable<Database["order"]>, "syncState" | "syncAttempts" | "syncError" | "syncedAt" | "sourceOrderId">,
  localOnly: readonly string[] = [],
): Promise<boolean> {
  const { syncState, ...rest } = changes;
  const query = q
    .updateTable("order")
    .set({ ...rest, updatedAt: new Date() })
    .$if(syncState !== undefined && syncState !== "SYNCED", (update) => update.set({ syncState }))
    .$if(localOnly.length > 0, (update) =>
      update.set({
        localOnlyFields: rawSql<string[]>`ARRAY(SELECT DISTINCT unnest(local_only_fields || ${[...localOnly]}::text[]) ORDER BY 1)`,
      }),
    )
    .$if(syncState === "SYNCED", (update) =>
      update.set({
        syncState: rawSql<"SYNCED">`CASE WHEN cardinality(local_only_fields) = 0 THEN 'SYNCED' ELSE 'LOCAL_ONLY' END::"SyncState"`,
      }),
    )
    .where("id", "=", orderId)
    .returning("id");
  return (await first(tx, query)) != null;
}

/** The orders waiting on a connection's pending writes are local only again (the connection was deleted). */
export async function abandonPendingSync(tx: Sql, connectionId: string, reason: string): Promise<void> {
  const pending = q.selectFrom("sourceWrite").select("orderId").where("connectionId", "=", connectionId).where("state", "=", "PENDING");
  await run(
    tx,
    q.updateTable("order").set({ syncState: "LOCAL_ONLY", syncError: reason, updatedAt: new Date() }).where("id", "in", pending),
  );
}

/** The id the order's source gave it, if any. */
export async function sourceOrderIdOf(sql: Sql, orderId: string): Promise<string | null> {
  return (await first(sql, q.selectFrom("order").select("sourceOrderId").where("id", "=", orderId)))?.sourceOrderId ?? null;
}

/** Deletes the order (its children go with it) and the addresses it and its shipments held. */
export async function deleteOrder(tx: Sql, order: Order): Promise<void> {
  const shipments = await run(tx, q.selectFrom("shipment").select(["originId", "destinationId"]).where("orderId", "=", order.id));
  await run(tx, q.deleteFrom("order").where("id", "=", order.id));
  await deleteAddresses(tx, [order.shippingAddressId, order.billingAddressId, ...shipments.flatMap((s) => [s.originId, s.destinationId])]);
}

/** The order a request with this idempotency key created, and the hash of that request; null for a key not used yet. */
export async function idempotentRequest(sql: Sql, workspaceId: string, key: string): Promise<{ requestHash: string; order: Order } | null> {
  const row = await first(
    sql,
    q
      .selectFrom("idempotencyKey as k")
      .innerJoin("order", "order.id", "k.orderId")
      .selectAll("order")
      .select("k.requestHash")
      .where("k.workspaceId", "=", workspaceId)
      .where("k.key", "=", key),
  );
  if (!row) return null;
  const { requestHash, ...order } = row;
  return { requestHash, order };
}

/** A new order, with the idempotency key its request carried, if any (kept in the same statement). */
export async function insertOrder(
  tx: Sql,
  workspaceId: string,
  input: OrderInput,
  idempotency?: { key: string; requestHash: string },
): Promise<Order> {
  return (await insertOrders(tx, workspaceId, [{ input, idempotency }]))[0]!;
}

/**
 * The status of each of the order's shipments. Read in a statement of its
 * own after the order is locked: read in the locking statement, it would see
 * the shipments as they were before a concurrent change that held the lock
 * committed.
 */
export function shipmentStatusesOf(tx: Sql, orderId: string): Promise<Array<Pick<Shipment, "status" | "isReturn">>> {
  return shipmentStatuses(tx, { orderId });
}
const shipmentStatuses = statement((v: { orderId: string }) =>
  q.selectFrom("shipment").select(["status", "isReturn"]).where("orderId", "=", v.orderId),
);

/** Whether the workspace holds any order. */
export async function hasOrders(sql: Sql, workspaceId: string): Promise<boolean> {
  return (await first(sql, q.selectFrom("order").select("id").where("workspaceId", "=", workspaceId).limit(1))) !== null;
}

/** How many orders the workspace holds. */
export async function countOrders(sql: Sql, workspaceId: string): Promise<number> {
  const row = await first(
    sql,
    q
      .selectFrom("order")
      .select((eb) => eb.fn.countAll<string>().as("total"))
      .where("workspaceId", "=", workspaceId),
  );
  return Number(row?.total ?? 0);
}

/**
 * Inserts orders with everything under them in one statement, however many
 * there are (an INSERT per table, as data-modifying CTEs: the foreign keys
 * are checked once the statement is done); returns them in the order given.
 */
export function insertOrders(tx: Sql, workspaceId: string, orders: ReadonlyArray<NewOrder>): Promise<Order[]> {
  return insertReturning<Order>(tx, workspaceId, orders, rawSql`*`);
}

/** insertOrders, returning only which orders they are: reading back whole rows was a tenth of importing a batch. */
export function insertImportedOrders(tx: Sql, workspaceId: string, orders: ReadonlyArray<NewOrder>): Promise<ImportedOrder[]> {
  return insertReturning<ImportedOrder>(tx, workspaceId, orders, rawSql`id, external_id`);
}

async function insertReturning<T extends { id: string }>(
  tx: Sql,
  workspaceId: string,
  orders: ReadonlyArray<NewOrder>,
  columns: RawBuilder<unknown>,
): Promise<T[]> {
  if (!orders.length) return [];
  const rows = newOrderRows(workspaceId, orders);
  const children = [
    insertInto("address", rows.addresses),
    insertInto("lineItem", rows.lineItems),
    insertInto("shipment", rows.shipments),
    insertInto("scanEvent", rows.scanEvents),
    insertInto("orderEvent", rows.events),
    insertInto(
      "idempotencyKey",
      orders.flatMap(({ idempotency }, i) => (idempotency ? [{ workspaceId, ...idempotency, orderId: rows.orders[i]!.id }] : [])),
    ),
  ].flatMap((insert, i) => (insert ? [rawSql`${rawSql.id(`child${i}`)} AS (${insert})`] : []));
  const inserted = await run(
    tx,
    rawSql<T>`WITH ${rawSql.join([rawSql`inserted AS (${insertInto("order", rows.orders)} RETURNING ${columns})`, ...children])} SELECT * FROM inserted`.compile(
      q,
    ),
  );
  const byId = new Map(inserted.map((order) => [order.id, order]));
  return rows.orders.map((order) => byId.get(order.id)!);
}

/**
 * Inserts rows into `table` in one statement whatever their number: they
 * travel as one JSON array, spread into columns by json_populate_recordset.
 * A parameter per value made building and binding a batch of 500 orders the
 * larger part of importing it. Columns no row sets keep their defaults.
 */
export async function insertRows<T extends TableName>(tx: Sql, table: T, rows: ReadonlyArray<NewRow<T>>): Promise<void> {
  const insert = insertInto(table, rows);
  if (insert) await run(tx, insert.compile(q));
}

/** INSERT INTO `table` of `rows` (keys in camelCase) as one JSON array; null when there are none. */
export function insertInto<T extends TableName>(table: T, rows: ReadonlyArray<NewRow<T>>) {
  if (!rows.length) return null;
  const keys = new Set<string>();
  for (const row of rows) for (const key in row) if ((row as Record<string, unknown>)[key] !== undefined) keys.add(key);
  const fields = [...keys];
  return insertJson(table, fields, rowsJson(rows, fields));
}

/** INSERT INTO `table` of the rows in `json` (rowsJson's bytes), setting `fields` (model keys). */
function insertJson(table: TableName, fields: readonly string[], json: Buffer) {
  // Names as raw text, not a reference node each: compiling a node per column
  // was most of the statement's cost to build. The names are the models' own
  // keys, made snake_case as the compiler makes every other identifier.
  const columns = rawSql.raw(fields.map((field) => `"${columnOf(field)}"`).join(", "));
  const into = rawSql.raw(`"${columnOf(table)}"`);
  return rawSql`INSERT INTO ${into} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${into}, ${json}::json)`;
}

/** Text written out as bytes whenever it grows past this many characters (rowsJson). */
const JSON_CHUNK = 16 * 1024;

/**
 * The rows as a JSON array of objects keyed by column name, written out
 * directly, as UTF-8 bytes: copying each row under its column names for
 * JSON.stringify took twice as long, and this text is built for every order
 * a batch writes. A value is written as JSON.stringify writes it. A null or
 * undefined one is left out: json_populate_recordset reads a missing key as
 * NULL, and most rows leave half their columns empty (a quarter less text to
 * build, send and parse). The text goes into bytes a chunk at a time: a whole
 * batch as one string is a rope of a hundred thousand pieces, which took as
 * long to flatten when it was sent as to build.
 */
function rowsJson(rows: ReadonlyArray<object>, fields: readonly string[]): Buffer {
  const keys = fields.map((field) => `"${columnOf(field)}":`);
  const chunks: Buffer[] = [];
  let out = "[";
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, unknown>;
    out += r ? ",{" : "{";
    let first = true;
    for (let i = 0; i < fields.length; i++) {
      const value = row[fields[i]!];
      if (value == null) continue;
      out += (first ? keys[i]! : `,${keys[i]!}`) + jsonValue(value);
      first = false;
    }
    out += "}";
    if (out.length > JSON_CHUNK) {
      chunks.push(Buffer.from(out));
      out = "";
    }
  }
  chunks.push(Buffer.from(`${out}]`));
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** What JSON.stringify escapes in a string: quotes, backslashes, control characters, surrogates (when unpaired). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

function jsonValue(value: unknown): string {
  // Most values need no escaping, and testing for that is faster than JSON.stringify.
  if (typeof value === "string") return ESCAPED.test(value) ? JSON.stringify(value) : `"${value}"`;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return `"${value.toISOString()}"`;
  return JSON.stringify(value) ?? "null";
}

/** A new order: its input, and for an imported one the hashes of what it was imported from. */
export type NewOrder = {
  input: OrderInput;
  importHash?: string;
  importLineHash?: string | null;
  /** The idempotency key of the request that creates it. */
  idempotency?: { key: string; requestHash: string };
};

/** The rows of new orders, table by table (also what the bench's write floor loads). */
export function newOrderRows(workspaceId: string, orders: ReadonlyArray<NewOrder>) {
  const addresses = addressBatch(workspaceId);
  const rows = orders.map((order) => orderRows(workspaceId, order, addresses.add));
  return {
    addresses: addresses.rows,
    orders: rows.map((r) => r.order),
    lineItems: rows.flatMap((r) => r.lineItems),
    shipments: rows.flatMap((r) => r.shipments.map((s) => s.row)),
    scanEvents: rows.flatMap((r) => r.shipments.flatMap((s) => s.scans)),
    events: rows.flatMap((r) => r.events),
  };
}

/** An order's rows: the order, its line items, shipments with scans, and events (addresses go to `addAddress`). */
function orderRows(
  workspaceId: string,
  { input, importHash, importLineHash }: NewOrder,
  addAddress: (address: AddressInput | null | undefined) => string | null,
) {
  const orderId = newId();
  const owner = { id: orderId, workspaceId };
  const shipments = (input.shipments ?? []).map((s) => shipmentRows(s, workspaceId, orderId, addAddress));
  const lineItems = lineItemRows(owner, input.lineItems ?? []);
  const dates = orderShippingDates(shipments.map((s) => s.dates));
  const shippedAt = input.shippedAt ?? dates.shippedAt;
  const order: NewRow<"order"> & { id: string } = {
    id: orderId,
    workspaceId,
    source: input.source,
    externalId: input.externalId ?? null,
    ...storedColumns(orderColumns(input, null)),
    fulfillmentStatus:
      lineItems.length === 0 && input.fulfillmentStatus ? input.fulfillmentStatus : deriveFulfillmentStatus(lineItems, shippedAt != null),
    shippingAddressId: addAddress(input.shippingAddress),
    billingAddressId: addAddress(input.billingAddress),
    shippedAt,
    deliveredAt: input.deliveredAt ?? dates.deliveredAt,
    createdAt: input.createdAt ?? new Date(),
    importHash: importHash ?? null,
    importLineHash: importLineHash ?? null,
  };
  return { order, lineItems, shipments, events: eventRows(owner, input.events ?? []) };
}

/** Order columns as a row to insert holds them (meta as its JSON value). */
function storedColumns(columns: OrderColumns) {
  return { ...columns, meta: columns.meta as NewRow<"order">["meta"] };
}

/**
 * Brings the planner's statistics of the order tables up to date. A bulk load
 * calls it as the tables grow: planned on the statistics of the empty tables
 * they started as, the load's own lookups would scan whole tables (a
 * 200,000-order import ran at a sixth of its speed where autovacuum had not
 * caught up).
 */
export async function refreshStatistics(sql: Sql): Promise<void> {
  const tables = (["order", "address", "lineItem", "shipment", "scanEvent", "orderEvent"] as const).map((table) => rawSql.table(table));
  await run(sql, rawSql`ANALYZE ${rawSql.join(tables)}`.compile(q));
}

// ---------------------------------------------------------------- children

export async function replaceLineItems(tx: Sql, order: Owner, items: NonNullable<OrderInput["lineItems"]>) {
  await run(tx, q.deleteFrom("lineItem").where("orderId", "=", order.id));
  await insertRows(tx, "lineItem", lineItemRows(order, items));
}

export async function addEvents(tx: Sql, order: Owner, events: readonly OrderEventInput[]) {
  await insertRows(tx, "orderEvent", eventRows(order, events));
}

/**
 * Adds one event to the workspace's order and returns it as stored; null
 * when the workspace has no such order (checked in the same statement).
 */
export async function addEvent(tx: Sql, order: Owner, event: OrderEventInput): Promise<OrderEvent | null> {
  const owner = q.selectFrom("order").select("id").where("id", "=", order.id).where("workspaceId", "=", order.workspaceId);
  const [added] = await run(
    tx,
    rawSql<OrderEvent>`${insertInto("orderEvent", eventRows(order, [event]))} WHERE EXISTS (${owner}) RETURNING *`.compile(q),
  );
  return added ?? null;
}

function eventRows(order: Owner, events: readonly OrderEventInput[]): Array<NewRow<"orderEvent">> {
  return events.map((event) => ({
    id: newId(),
    workspaceId: order.workspaceId,
    orderId: order.id,
    type: event.type,
    label: event.label ?? null,
    linkBackUrl: event.linkBackUrl ?? null,
    properties: (event.properties ?? null) as NewRow<"orderEvent">["properties"],
    occurredAt: event.occurredAt ?? new Date(),
  }));
}

/** Creates an address row (or none for an empty address) and returns its id. */
export async function createAddress(tx: Sql, workspaceId: string, address: AddressInput | null | undefined) {
  const batch = addressBatch(workspaceId);
  const id = batch.add(address);
  await insertRows(tx, "address", batch.rows);
  return id;
}

/** Deletes address rows no longer referenced by the order or shipment that held them. */
export async function deleteAddresses(tx: Sql, ids: ReadonlyArray<string | null>) {
  const present = ids.filter((id): id is string => id != null);
  if (present.length) await run(tx, q.deleteFrom("address").where("id", "=", anyOf(present)));
}

function addressBatch(workspaceId: string) {
  const rows: Array<NewRow<"address">> = [];
  return {
    rows,
    add(address: AddressInput | null | undefined): string | null {
      if (!address || Object.values(address).every((value) => value == null || value === "")) return null;
      const id = newId();
      rows.push({ id, workspaceId, ...address });
      return id;
    },
  };
}

function lineItemRows(
  order: Owner,
  items: NonNullable<OrderInput["lineItems"]>,
): Array<NewRow<"lineItem"> & { fulfilledQuantity: number }> {
  return items.map((item, position) => ({
    id: newId(),
    workspaceId: order.workspaceId,
    orderId: order.id,
    position,
    sku: item.sku ?? null,
    name: item.name ?? null,
    quantity: item.quantity,
    fulfilledQuantity: item.fulfilledQuantity ?? 0,
    unitPrice: item.unitPrice ?? null,
    currency: item.currency ?? null,
    productId: item.productId ?? null,
    variantId: item.variantId ?? null,
    weight: item.weight ?? null,
    weightUnit: item.weight != null ? (item.weightUnit ?? null) : null,
    barcode: item.barcode ?? null,
    width: item.width ?? null,
    height: item.height ?? null,
    depth: item.depth ?? null,
  }));
}

// ---------------------------------------------------------------- shipments

function shipmentRows(
  shipment: ShipmentInput,
  workspaceId: string,
  orderId: string,
  addAddress: (address: AddressInput | null | undefined) => string | null,
) {
  const id = newId();
  const scanInputs = shipment.scanEvents ?? [];
  const status = shipmentStatusFromScans(scanInputs, shipment.status);
  const deliveredAt = shipment.deliveredAt ?? deliveredAtFromScans(scanInputs);
  const isReturn = shipment.isReturn ?? false;
  const row: NewRow<"shipment"> = {
    id,
    workspaceId,
    orderId,
    carrier: shipment.carrier,
    trackingCode: shipment.trackingCode,
    carrierService: shipment.carrierService ?? null,
    trackingUrl: shipment.trackingUrl ?? null,
    status,
    rawStatus: shipment.rawStatus ?? null,
    isReturn,
    estimatedDeliveryAt: shipment.estimatedDeliveryAt ?? null,
    deliveredAt,
    signedBy: shipment.signedBy ?? null,
    ...shipmentDetails(shipment),
    originId: addAddress(shipment.origin),
    destinationId: addAddress(shipment.destination),
  };
  return {
    row,
    scans: scanInputs.map((scan) => scanRow({ id, workspaceId }, scan)),
    dates: { status, isReturn, shippedAt: shippedAtFromScans(scanInputs), deliveredAt },
  };
}

/** A shipment's columns that are the source's word as given (no rule derives them). */
function shipmentDetails(shipment: ShipmentInput) {
  return {
    weight: shipment.weight ?? null,
    weightUnit: shipment.weight != null ? (shipment.weightUnit ?? null) : null,
    carrierName: shipment.carrierName ?? null,
    sourceShipmentId: shipment.sourceShipmentId ?? null,
    shippedAt: shipment.shippedAt ?? null,
    estimatedShipAt: shipment.estimatedShipAt ?? null,
    guaranteedDeliveryAt: shipment.guaranteedDeliveryAt ?? null,
    originalEstimatedDeliveryAt: shipment.originalEstimatedDeliveryAt ?? null,
    estimatedLocalDeliveryAt: shipment.estimatedLocalDeliveryAt ?? null,
    estimatedLocalDeliveryOn: shipment.estimatedLocalDeliveryOn ?? null,
    firstDeliveryAttemptAt: shipment.firstDeliveryAttemptAt ?? null,
    labelUrl: shipment.labelUrl ?? null,
  };
}

function scanRow(shipment: Owner, scan: ScanEventInput): NewRow<"scanEvent"> {
  return {
    id: newId(),
    workspaceId: shipment.workspaceId,
    shipmentId: shipment.id,
    ...storedScan(scan),
    rawStatus: scan.rawStatus ?? null,
    source: scan.source ?? null,
  };
}

/** Adds shipments (with their scans and addresses) to an existing order. */
async function insertShipments(tx: Sql, order: Owner, shipments: readonly ShipmentInput[]) {
  if (!shipments.length) return;
  const addresses = addressBatch(order.workspaceId);
  const rows = shipments.map((s) => shipmentRows(s, order.workspaceId, order.id, addresses.add));
  await insertRows(tx, "address", addresses.rows);
  await insertRows(
    tx,
    "shipment",
    rows.map((s) => s.row),
  );
  await insertRows(
    tx,
    "scanEvent",
    rows.flatMap((s) => s.scans),
  );
}

export type ShipmentStatusChange = { shipmentId: string; carrier: string; trackingCode: string; from: string; to: string };

/** The stored scans of these shipments, by shipment id. */
async function scansOf(tx: Sql, shipmentIds: readonly string[]) {
  const byShipment = new Map<string, ScanEvent[]>(shipmentIds.map((id) => [id, []]));
  if (shipmentIds.length) {
    for (const scan of await run(tx, q.selectFrom("scanEvent").selectAll().where("shipmentId", "=", anyOf(shipmentIds))))
      byShipment.get(scan.shipmentId)!.push(scan);
  }
  return byShipment;
}

/**
 * Adds the scans of `incoming` that `shipment` lacks and brings its status
 * and delivery date in line with them, together with `changes` of its own
 * columns, in one update. Returns whether scans were added and the status
 * change, if any.
 */
async function applyScans(
  tx: Sql,
  shipment: Shipment,
  stored: readonly ScanEvent[],
  incoming: readonly ScanEventInput[],
  changes: Updateable<Database["shipment"]> = {},
): Promise<{ added: boolean; change: ShipmentStatusChange | null; shipment: Shipment }> {
  const fresh = newScans(stored, incoming);
  let change: ShipmentStatusChange | null = null;
  if (fresh.length) {
    await insertRows(
      tx,
      "scanEvent",
      fresh.map((scan) => scanRow(shipment, scan)),
    );
    const deliveredAt = (changes.deliveredAt as Date | null | undefined) ?? shipment.deliveredAt;
    const before = (changes.status as ShipmentStatus | undefined) ?? shipment.status;
    const { status, ...followed } = followScans([...stored, ...fresh.map(storedScan)], { status: before, deliveredAt });
    changes = { ...changes, status, ...followed };
  }
  const status = (changes.status as ShipmentStatus | undefined) ?? shipment.status;
  if (status !== shipment.status) {
    change = { shipmentId: shipment.id, carrier: shipment.carrier, trackingCode: shipment.trackingCode, from: shipment.status, to: status };
  }
  const updated = Object.keys(changes).length
    ? (await first(
        tx,
        q
          .updateTable("shipment")
          .set({ ...changes, updatedAt: new Date() })
          .where("id", "=", shipment.id)
          .returningAll(),
      ))!
    : shipment;
  return { added: fresh.length > 0, change, shipment: updated };
}

/**
 * How `reconcileShipments` treats the given list:
 * - "replace" (updateOrder): the complete list; shipments left out are
 *   removed; known shipments take the fields the input gives.
 * - "newer" (a source's newer payload): new shipments are added; known ones
 *   take the source's fields as it now gives them; shipments left out are
 *   removed only when the source documents its list as complete.
 * - "older" (a source's older payload): history only, new shipments and
 *   scans are added and nothing is changed or removed.
 */
export type ShipmentReconciliation = "replace" | "newer" | "older";

/**
 * Brings the order's shipments in line with `given` (see
 * ShipmentReconciliation). Known shipments keep their history and get the
 * scans they lack. A tracking code another order of the workspace holds
 * refuses the change with `taken`'s error. Returns whether anything was
 * added or removed, the status changes, and the addresses no longer used
 * (for deleteAddresses).
 */
export async function reconcileShipments(
  tx: Sql,
  order: Owner,
  given: readonly ShipmentInput[],
  mode: ShipmentReconciliation,
  taken: (shipment: ShipmentInput, index: number) => UserError,
  { complete = false }: { complete?: boolean } = {},
) {
  const statusChanges: ShipmentStatusChange[] = [];
  const removes = mode === "replace" || (mode === "newer" && complete);
  if (!removes && !given.length) return { added: false, statusChanges, removedAddresses: [] as Array<string | null> };
  const existing = await run(tx, q.selectFrom("shipment").selectAll().where("orderId", "=", order.id));
  const plan = planShipments(existing, given);
  // Replacing checks every given code (an index into the input); otherwise only the new ones.
  const held = await findTakenTrackingCode(tx, order.workspaceId, mode === "replace" ? given : plan.add, order.id);
  if (held) throw new Refusal([taken(held.shipment, held.index)]);
  const removed = removes ? existing.filter((s) => plan.remove.includes(s.id)) : [];
  if (removed.length) await run(tx, q.deleteFrom("shipment").where("id", "=", anyOf(removed.map((s) => s.id))));
  await insertShipments(tx, order, plan.add);
  let added = plan.add.length > 0 || removed.length > 0;
  const removedAddresses: Array<string | null> = removed.flatMap((s) => [s.originId, s.destinationId]);
  const addresses = addressBatch(order.workspaceId);
  const storedScans = await scansOf(
    tx,
    plan.keep.map((k) => k.id),
  );
  const updates: Array<{ shipment: Shipment; stored: ScanEvent[]; input: ShipmentInput; changes: Updateable<Database["shipment"]> }> = [];
  for (const { id, input } of plan.keep) {
    const shipment = existing.find((s) => s.id === id)!;
    const stored = storedScans.get(id)!;
    // An older payload brings scans only.
    const changes: Updateable<Database["shipment"]> =
      mode === "replace"
        ? givenShipmentFields(input)
        : mode === "newer"
          ? sourceShipmentFields(input, shipment, stored.length > 0 || !!input.scanEvents?.length)
          : {};
    // An address given replaces the one held; updateOrder's null clears it, a source's absent value keeps it.
    for (const place of mode === "older" ? [] : (["origin", "destination"] as const)) {
      const column = place === "origin" ? "originId" : "destinationId";
      if (mode === "replace" ? input[place] === undefined : !input[place]) continue;
      changes[column] = addresses.add(input[place]);
      removedAddresses.push(shipment[column]);
    }
    updates.push({ shipment, stored, input, changes });
  }
  await insertRows(tx, "address", addresses.rows);
  for (const { shipment, stored, input, changes } of updates) {
    const applied = await applyScans(tx, shipment, stored, input.scanEvents ?? [], changes);
    if (applied.change) statusChanges.push(applied.change);
    added ||= applied.added;
  }
  return { added, statusChanges, removedAddresses };
}

/** What updateOrder's input sets on a known shipment: only the fields it gives. */
function givenShipmentFields(input: ShipmentInput): Updateable<Database["shipment"]> {
  const changes: Updateable<Database["shipment"]> = {};
  if (input.carrierService !== undefined) changes.carrierService = input.carrierService;
  if (input.trackingUrl !== undefined) changes.trackingUrl = input.trackingUrl;
  if (input.isReturn != null) changes.isReturn = input.isReturn;
  if (input.estimatedDeliveryAt !== undefined) changes.estimatedDeliveryAt = input.estimatedDeliveryAt;
  if (input.signedBy !== undefined) changes.signedBy = input.signedBy;
  if (input.weight !== undefined)
    Object.assign(changes, { weight: input.weight, weightUnit: input.weight == null ? null : input.weightUnit });
  return changes;
}

/**
 * What a source's newer payload sets on a known shipment: what it gives (a
 * value it leaves out is kept, not cleared). Its status counts where there
 * are no scans to follow, and always when it cancels or un-cancels the
 * shipment.
 */
function sourceShipmentFields(input: ShipmentInput, shipment: Shipment, scanned: boolean): Updateable<Database["shipment"]> {
  const changes: Record<string, unknown> = {};
  const details = { ...shipmentDetails(input), weightUnit: input.weight != null ? (input.weightUnit ?? null) : undefined };
  const given = {
    carrierService: input.carrierService,
    trackingUrl: input.trackingUrl,
    estimatedDeliveryAt: input.estimatedDeliveryAt,
    signedBy: input.signedBy,
    rawStatus: input.rawStatus,
    deliveredAt: input.deliveredAt,
    isReturn: input.isReturn,
    ...details,
  };
  for (const [key, value] of Object.entries(given)) if (value != null) changes[key] = value;
  if (input.status && (!scanned || input.status === "CANCELLED" || shipment.status === "CANCELLED")) changes.status = input.status;
  return changes as Updateable<Database["shipment"]>;
}

/**
 * The order fields that follow from its line items and shipments:
 * fulfillment status and the shipped / delivered dates.
 */
export async function derivedOrderFields(tx: Sql, order: Order) {
  return deriveOrderFields(order, await derivationInputs(tx, order.id));
}

type DerivationInputs = {
  lineItems: Array<{ quantity: number; fulfilledQuantity: number }>;
  shipments: Array<{ id: string; status: ShipmentStatus; isReturn: boolean; deliveredAt: Date | null }>;
  scans: Array<{ shipmentId: string; scannedAt: Date; status: ShipmentStatus }>;
};

/** The order's line items, shipments and scans, as far as derivedOrderFields reads them, in one statement. */
async function derivationInputs(tx: Sql, orderId: string): Promise<DerivationInputs> {
  const [row] = await run(tx, q.selectNoFrom(derivationColumns(orderId)));
  return derivationInputsOf(row!);
}

/** An order's id: a value, or the subquery that finds the scanned shipment's order. */
type OrderIdOperand = string | ReturnType<typeof scannedOrderId>;

function derivationColumns(orderId: OrderIdOperand) {
  return [
    jsonArrayFrom(q.selectFrom("lineItem").select(["quantity", "fulfilledQuantity"]).where("orderId", "=", orderId)).as("lineItems"),
    jsonArrayFrom(q.selectFrom("shipment").select(["id", "status", "isReturn", "deliveredAt"]).where("orderId", "=", orderId)).as(
      "shipments",
    ),
    jsonArrayFrom(
      q
        .selectFrom("scanEvent")
        .innerJoin("shipment", "shipment.id", "scanEvent.shipmentId")
        .selectAll("scanEvent")
        .where("shipment.orderId", "=", orderId),
    ).as("scans"),
  ] as const;
}

/** The relations come back as JSON, so their timestamps are text. */
type Json<T, Dates extends keyof T> = Omit<T, Dates> & { [K in Dates]: string | Extract<T[K], null> };
function derivationInputsOf(row: {
  lineItems: DerivationInputs["lineItems"];
  shipments: Array<Json<DerivationInputs["shipments"][number], "deliveredAt">>;
  scans: Array<Json<ScanEvent, "scannedAt" | "createdAt">>;
}) {
  return {
    lineItems: nested(row.lineItems),
    shipments: nested(row.shipments).map((s) => ({ ...s, deliveredAt: dateOf(s.deliveredAt) })),
    scans: nested(row.scans).map((scan) => ({ ...scan, scannedAt: dateOf(scan.scannedAt), createdAt: dateOf(scan.createdAt) })),
  };
}

function deriveOrderFields(order: Order, { lineItems, shipments, scans }: DerivationInputs) {
  const dates = orderShippingDates(
    shipments.map((s) => ({ ...s, shippedAt: shippedAtFromScans(scans.filter((scan) => scan.shipmentId === s.id)) })),
  );
  const shippedAt = dates.shippedAt ?? order.shippedAt;
  const deliveredAt = shipments.length ? dates.deliveredAt : order.deliveredAt;
  let fulfillmentStatus: FulfillmentStatus = order.fulfillmentStatus;
  if (lineItems.length) fulfillmentStatus = deriveFulfillmentStatus(lineItems);
  else if (shipments.length) fulfillmentStatus = deriveFulfillmentStatus([], shippedAt != null);
  return { shippedAt, deliveredAt, fulfillmentStatus };
}

/**
 * Adds scans to the workspace's shipment with this carrier (in any case) and
 * tracking code, moves the shipment's status and the order's derived fields
 * with them, and adds `statusChanged`'s history entry when the status moved;
 * in three statements: the order's lock (with who listens to `topics`), what
 * the derivation reads, and one write of the scans, the shipment, the order
 * and its entry (through `writeWith`, which may send the COMMIT behind it).
 * Null when there is no such shipment.
 */
export async function recordScans(
  tx: Sql,
  workspaceId: string,
  carrier: string,
  trackingCode: string,
  incoming: readonly ScanEventInput[],
  topics: readonly WebhookTopic[],
  /** The Sql the write of the scans goes through, given who listens (lastStatement's, when nothing follows it). */
  writeWith: (listeners: Listeners) => Sql,
  statusChanged: (shipment: Pick<Shipment, "carrier" | "trackingCode">, change: ShipmentStatusChange) => OrderEventInput,
) {
  const scanned = { workspaceId, trackingCode, carrier: carrier.toLowerCase() };
  // Sent together; the inputs are read once the order is locked, when a
  // concurrent recording of scans has committed.
  const [[locked], [read]] = await Promise.all([lockScannedOrder(tx, { ...scanned, topics }), scanInputsOfScannedOrder(tx, scanned)]);
  if (!locked) return null;
  const { listeningConnection, listeningEndpoints, ...order } = locked;
  const listeners = listenersOf({ listeningConnection, listeningEndpoints });
  const shipmentOf = (inputs: typeof read) => (inputs?.shipment ? nested([inputs.shipment])[0]! : null);
  let row = read;
  if (shipmentOf(row)?.orderId !== order.id) [row] = await scanInputsOfOrder(tx, { ...scanned, orderId: order.id });
  const inputs = derivationInputsOf(row!);
  const { id: shipmentId, carrier: shipmentCarrier, trackingCode: shipmentCode } = shipmentOf(row)!;
  const stored = inputs.scans.filter((scan) => scan.shipmentId === shipmentId);
  const fresh = newScans(stored, incoming);
  if (!fresh.length) {
    const shipment = (await first(tx, q.selectFrom("shipment").selectAll().where("id", "=", shipmentId)))!;
    return { order, listeners, shipment, change: null, added: false };
  }
  const before = inputs.shipments.find((s) => s.id === shipmentId)!;
  const { status, deliveredAt } = followScans([...stored, ...fresh.map(storedScan)], before);
  const change =
    status === before.status ? null : { shipmentId, carrier: shipmentCarrier, trackingCode: shipmentCode, from: before.status, to: status };
  const derived = deriveOrderFields(order, {
    ...inputs,
    shipments: inputs.shipments.map((s) => (s.id === shipmentId ? { ...s, status, deliveredAt } : s)),
    scans: [...inputs.scans, ...fresh.map((scan) => ({ shipmentId, scannedAt: scan.scannedAt, status: scan.status }))],
  });
  const events = change ? [statusChanged({ carrier: shipmentCarrier, trackingCode: shipmentCode }, change)] : [];
  const now = new Date();
  const [shipment] = await writeScans(writeWith(listeners), {
    scans: rowsJson(
      fresh.map((scan) => scanRow({ id: shipmentId, workspaceId }, scan)),
      SCAN_FIELDS,
    ),
    events: rowsJson(eventRows(order, events), EVENT_FIELDS),
    orderId: order.id,
    ...derived,
    shipmentId,
    status,
    shipmentDeliveredAt: deliveredAt,
    now,
  });
  return { order, listeners, shipment: shipment!, change, added: true };
}

type ScannedShipment = { workspaceId: string; trackingCode: string; carrier: string };

/** The workspace's latest shipment with this tracking code and carrier (in any case: `carrier` in lower case). */
const scannedShipment = (v: ScannedShipment) =>
  q
    .selectFrom("shipment")
    .where("workspaceId", "=", v.workspaceId)
    .where("trackingCode", "=", v.trackingCode)
    .where((eb) => eb(eb.fn("lower", ["carrier"]), "=", v.carrier))
    .orderBy("createdAt", "desc")
    .orderBy("id", "desc")
    .limit(1);

const scannedOrderId = (v: ScannedShipment) => scannedShipment(v).select("orderId");

/** recordScans' lock: the scanned shipment's order, with who listens to `topics`. */
const lockScannedOrder = statement((v: ScannedShipment & { topics: readonly WebhookTopic[] }) =>
  lockingRead(v.workspaceId, scannedOrderId(v), v.topics),
);

/**
 * What recordScans reads after the lock: the order's derivation inputs and
 * its scanned shipment. The order is found by the shipment, as the lock found
 * it, so this can go out with the lock, in the same round trip; or given, when
 * a shipment with the same code came in between.
 */
const scanInputs = (orderId: OrderIdOperand, shipment: ReturnType<typeof scannedShipment>) =>
  q.selectNoFrom([
    ...derivationColumns(orderId),
    jsonObjectFrom(shipment.select(["id", "orderId", "carrier", "trackingCode"])).as("shipment"),
  ]);
const scanInputsOfScannedOrder = statement((v: ScannedShipment) => scanInputs(scannedOrderId(v), scannedShipment(v)));
const scanInputsOfOrder = statement((v: ScannedShipment & { orderId: string }) =>
  scanInputs(v.orderId, scannedShipment(v).where("orderId", "=", v.orderId)),
);

/** A new scan row's columns: all but the one the database fills in. */
const SCAN_FIELDS = Object.keys(SCAN_EVENT.columns).filter((key) => key !== "createdAt");
const EVENT_FIELDS = Object.keys(ORDER_EVENT.columns).filter((key) => key !== "createdAt");

/**
 * recordScans' write: the scans, the order's derived fields and version, its
 * history entries (none when `events` is an empty list) and the shipment.
 */
const writeScans = statement(
  (v: {
    scans: Buffer;
    events: Buffer;
    orderId: string;
    shippedAt: Date | null;
    deliveredAt: Date | null;
    fulfillmentStatus: FulfillmentStatus;
    shipmentId: string;
    status: ShipmentStatus;
    shipmentDeliveredAt: Date | null;
    now: Date;
  }) =>
    rawSql<Shipment>`WITH added AS (${insertJson("scanEvent", SCAN_FIELDS, v.scans)}),
      order_updated AS (${versionedUpdate(v.orderId, v.now, {
        shippedAt: v.shippedAt,
        deliveredAt: v.deliveredAt,
        fulfillmentStatus: v.fulfillmentStatus,
      })}),
      history AS (${insertJson("orderEvent", EVENT_FIELDS, v.events)})
      ${q
        .updateTable("shipment")
        .set({ status: v.status, deliveredAt: v.shipmentDeliveredAt, updatedAt: v.now })
        .where("id", "=", v.shipmentId)
        .returningAll()}`.compile(q),
);

/** A timestamp read inside JSON (text), as a Date. */
function dateOf(value: string): Date;
function dateOf(value: string | null): Date | null;
function dateOf(value: string | null) {
  return value == null ? null : new Date(value);
}

/**
 * What keeps a new order from being created, in one statement: another order
 * of its source with its external id, and the first of its shipments whose
 * tracking code another order holds; and who would hear of it (`topics`).
 */
export async function newOrderConflicts(sql: Sql, workspaceId: string, input: OrderInput, topics: readonly WebhookTopic[]) {
  const shipments = input.shipments ?? [];
  const [row] = await conflicts(sql, {
    workspaceId,
    source: input.source,
    externalId: input.externalId ?? null,
    trackingCodes: shipments.map((s) => s.trackingCode),
    topics,
  });
  return {
    externalIdTaken: row!.externalIdTaken,
    taken: firstTaken(shipments, new Set(nested(row!.held).map(shipmentKey))),
    listeners: listenersOf(row!),
  };
}

const conflicts = statement(
  (v: { workspaceId: string; source: OrderSource; externalId: string | null; trackingCodes: string[]; topics: readonly WebhookTopic[] }) =>
    q.selectNoFrom((eb) => [
      eb
        .exists(
          q
            .selectFrom("order")
            .select("id")
            .where("workspaceId", "=", v.workspaceId)
            .where("source", "=", v.source)
            .where("externalId", "=", v.externalId),
        )
        .as("externalIdTaken"),
      jsonArrayFrom(
        q
          .selectFrom("shipment")
          .select(["carrier", "trackingCode"])
          .where("workspaceId", "=", v.workspaceId)
          .where("trackingCode", "=", anyOf(v.trackingCodes)),
      ).as("held"),
      ...listenerColumns(v.workspaceId, v.topics, sourceValue(v.source)),
    ]),
);

/**
 * The first of `shipments` (with its index) whose carrier and tracking code
 * another order of the workspace already holds, or null when none is taken.
 */
export async function findTakenTrackingCode(
  sql: Sql,
  workspaceId: string,
  shipments: readonly ShipmentInput[],
  ownOrderId: string | null,
): Promise<{ index: number; shipment: ShipmentInput } | null> {
  if (!shipments.length) return null;
  return firstTaken(
    shipments,
    await heldTrackingCodes(
      sql,
      workspaceId,
      shipments.map((s) => s.trackingCode),
      ownOrderId,
    ),
  );
}

/** The first of `shipments` (with its index) among the `held` shipment keys. */
function firstTaken(shipments: readonly ShipmentInput[], held: ReadonlySet<string>): { index: number; shipment: ShipmentInput } | null {
  const index = shipments.findIndex((s) => held.has(shipmentKey(s)));
  return index < 0 ? null : { index, shipment: shipments[index]! };
}

/** The shipment keys (carrier and code) among `codes` that orders of the workspace hold, other than `ownOrderId`. */
export async function heldTrackingCodes(
  sql: Sql,
  workspaceId: string,
  codes: readonly string[],
  ownOrderId: string | null = null,
): Promise<Set<string>> {
  if (!codes.length) return new Set();
  let query = q
    .selectFrom("shipment")
    .select(["carrier", "trackingCode"])
    .where("workspaceId", "=", workspaceId)
    .where("trackingCode", "=", anyOf([...new Set(codes)]));
  if (ownOrderId) query = query.where("orderId", "!=", ownOrderId);
  return new Set((await run(sql, query)).map(shipmentKey));
}
