// Imports of native source payloads: each is mapped to a canonical order and
// upserted by (workspace, source, externalId); a bad payload fails alone. The
// same payload twice changes nothing; a newer one updates the order, merging
// shipments and scans without losing history (and removing the shipments it
// leaves out, where the source documents its list as complete); an older one
// (by the source's own update time) adds history only.
import { hash } from "node:crypto";
import type { OrderInput, ShipmentInput } from "../domain/order-input.js";
import { shipmentKey } from "../domain/order-rules.js";
import { stableJson } from "../domain/stable-json.js";
import { MAX_USER_ERRORS, ok, type UserError } from "../domain/user-error.js";
import type { Order, OrderSource } from "../generated/prisma/client.js";
import { type OrderChange, type Outbox, type ShipmentStatusChange, silentOutbox } from "../outbox/index.js";
import { MAPPING_VERSION, mappers, SourcePayloadError } from "../sources/index.js";
import type { Sql, TransactionalSql } from "../store/executor.js";
import { orderColumns } from "../store/order-fields.js";
import * as store from "../store/orders.js";
import { inTransaction, isUniqueViolation, Refusal } from "../store/transaction.js";

export const MAX_PAYLOADS_PER_IMPORT = 1000;

/** Orders imported side by side in bulk: PGlite's one connection serializes them anyway. */
export function bulkImportConcurrency(database: "postgres" | "pglite"): number {
  return database === "postgres" ? 4 : 1;
}

export type ImportOutcome = "CREATED" | "UPDATED" | "UNCHANGED" | "ERROR";
export type { ShipmentStatusChange };
export type ImportedOrder = store.ImportedOrder;
/** What became of one payload; `order` is the whole order, or for an NDJSON line which order it is. */
export type ImportResult<O extends ImportedOrder = Order> = {
  index: number;
  outcome: ImportOutcome;
  order: O | null;
  errors: UserError[];
  /** Shipments whose status the import moved (for subscribers). */
  statusChanges?: ShipmentStatusChange[];
};
export type ImportSource = Exclude<OrderSource, "API">;

export function isImportSource(source: OrderSource): source is ImportSource {
  return source in mappers;
}

/** How a batch finds the orders it left unchanged and creates new ones, and what it reads of them. */
type OrderReads<O extends ImportedOrder> = {
  byHashes: (sql: Sql, workspaceId: string, source: ImportSource, hashes: string[], column?: "importLineHash") => Promise<Map<string, O>>;
  insert: (tx: Sql, workspaceId: string, orders: readonly store.NewOrder[]) => Promise<O[]>;
};
/** Whole orders, for results that show them (importOrders). */
const wholeOrders: OrderReads<Order> = { byHashes: store.ordersByImportHashes, insert: store.insertOrders };
/** Which orders they are, for results that only name them (NDJSON files, webhooks, pulls). */
const orderIdentities: OrderReads<ImportedOrder> = { byHashes: store.importedOrdersByHashes, insert: store.insertImportedOrders };

/** An import of payloads whose results carry the orders as `reads` reads them. */
const payloadImport =
  <O extends ImportedOrder>(reads: OrderReads<O>) =>
  (
    sql: TransactionalSql,
    workspaceId: string,
    source: ImportSource,
    payloads: readonly unknown[],
    outbox: Outbox = silentOutbox,
    path: string[] = ["payloads"],
  ): Promise<ImportResult<O | Order>[]> => {
    const items = payloads.map((payload) => ({ payload, lineHash: null }));
    return importItems(sql, workspaceId, source, items, reads, outbox, path);
  };

/**
 * Imports a batch of payloads; one result per payload, in the payloads'
 * order. What can be decided for the whole batch at once is: payloads that
 * an order was last imported from are UNCHANGED after one lookup by their
 * hash, before mapping, and new orders are created together in one statement.
 * The rest (changes to known orders, a second payload for the same order,
 * tracking codes another order may hold) go one by one, each in its own
 * transaction, after the batch's new orders committed.
 */
export const importPayloads = payloadImport(wholeOrders);

/** importPayloads for callers that need only which order each result is (webhooks, pulls): no order is read back whole. */
export const importPayloadsReturningIds = payloadImport(orderIdentities);

/**
 * Imports NDJSON lines as importPayloads imports payloads, but a line its
 * order was last imported from is UNCHANGED by the line's hash, before it is
 * parsed; a line that is not JSON is an ERROR of its own. An UNCHANGED
 * result tells only which order it is.
 */
export function importLines(
  sql: TransactionalSql,
  workspaceId: string,
  source: ImportSource,
  lines: readonly string[],
  outbox: Outbox = silentOutbox,
  path: string[] = ["lines"],
): Promise<ImportResult<ImportedOrder>[]> {
  const items = lines.map((line) => ({ line, lineHash: lineHashOf(source, line) }));
  return importItems(sql, workspaceId, source, items, orderIdentities, outbox, path);
}

/** A payload, or the NDJSON line it is still written as (with that line's hash). */
type Item = { payload?: unknown; line?: string; lineHash: string | null };

async function importItems<O extends ImportedOrder>(
  sql: TransactionalSql,
  workspaceId: string,
  source: ImportSource,
  items: Item[],
  reads: OrderReads<O>,
  outbox: Outbox,
  path: string[],
): Promise<ImportResult<O | Order>[]> {
  const results: ImportResult<O | Order>[] = new Array(items.length);
  const hashes: Array<string | undefined> = new Array(items.length);
  const many = items.length > 1;
  // The line or payload an order was last imported from is unchanged, found
  // by its hash without being parsed or mapped; unless an earlier payload of
  // the batch (which goes first) is for the same order.
  const lineHashes = items.flatMap((item) => (item.lineHash ? [item.lineHash] : []));
  const heldLines =
    many && lineHashes.length ? await reads.byHashes(sql, workspaceId, source, lineHashes, "importLineHash") : new Map<string, O>();
  /** Parses the item's line, if it has one, and hashes its payload; false when the line is not JSON. */
  const read = (index: number): boolean => {
    const item = items[index]!;
    if (item.line !== undefined) {
      try {
        item.payload = JSON.parse(item.line);
      } catch (error) {
        const message = `not valid JSON (${(error as Error).message})`;
        results[index] = {
          index,
          outcome: "ERROR",
          order: null,
          errors: [{ code: "VALIDATION", message, path: [...path, String(index)] }],
        };
        return false;
      }
      item.line = undefined;
    }
    try {
      hashes[index] = hashOf(source, item.payload);
    } catch (error) {
      // Nested too deep to be written out for its hash (thousands of levels):
      // refused as its mapping refuses anything deeper than MAX_JSON_DEPTH.
      if (!(error instanceof RangeError)) throw error;
      const refused = mapPayload(source, item.payload, [...path, String(index)]);
      results[index] = { index, outcome: "ERROR", order: null, errors: "errors" in refused ? refused.errors : [] };
      return false;
    }
    return true;
  };
  const heldLine = (index: number) => heldLines.get(items[index]!.lineHash ?? "");
  const parsed = items.map((_, index) => index).filter((index) => !heldLine(index) && read(index));
  // Payloads are looked up by their hash before they are mapped. Lines were
  // looked up by their own: one whose payload an order came from in another
  // form is mapped, then found unchanged by its order's hash (importTogether).
  const held =
    many && !lineHashes.length
      ? await reads.byHashes(
          sql,
          workspaceId,
          source,
          parsed.map((index) => hashes[index]!),
        )
      : new Map<string, O>();
  const heldOrder = (index: number) => heldLine(index) ?? held.get(hashes[index] ?? "");
  const mapped: Mapped[] = [];
  const map = (index: number) => {
    if (hashes[index] === undefined && !read(index)) return;
    const result = mapPayload(source, items[index]!.payload, [...path, String(index)]);
    if ("errors" in result) results[index] = { index, outcome: "ERROR", order: null, errors: result.errors };
    else mapped.push({ index, input: result.input, hash: hashes[index]!, lineHash: items[index]!.lineHash });
  };
  for (const index of parsed) if (!heldOrder(index)) map(index);
  const firstIndexOf = new Map<string, number>();
  for (const { index, input } of mapped)
    if (input.externalId && !firstIndexOf.has(input.externalId)) firstIndexOf.set(input.externalId, index);
  for (let index = 0; index < items.length; index++) {
    const order = results[index] ? undefined : heldOrder(index);
    if (!order) continue;
    if ((firstIndexOf.get(order.externalId!) ?? Infinity) < index) map(index);
    else results[index] = { index, outcome: "UNCHANGED", order, errors: [] };
  }
  mapped.sort((a, b) => a.index - b.index);
  const oneByOne = await importTogether(sql, workspaceId, source, mapped, reads.insert, outbox, results);
  // In the batch's order: a second payload for the same order sees what the first wrote.
  for (const { index, ...item } of oneByOne) {
    results[index] = { index, ...(await importMapped(sql, workspaceId, item, [...path, String(index)], outbox)) };
  }
  return results;
}

/** A payload mapped to its canonical order, with the hashes of what it came as. */
type Mapped = { index: number } & Imported;
type Imported = { input: OrderInput; hash: string; lineHash: string | null };

/**
 * The batch part of importPayloads: fills `results` for what it settles and
 * returns what is left for one-by-one imports.
 */
async function importTogether<O extends ImportedOrder>(
  sql: TransactionalSql,
  workspaceId: string,
  source: ImportSource,
  mapped: readonly Mapped[],
  insert: OrderReads<O>["insert"],
  outbox: Outbox,
  results: ImportResult<ImportedOrder>[],
): Promise<Mapped[]> {
  if (mapped.length < 2) return [...mapped];
  const externalIds = [...new Set(mapped.flatMap((m) => (m.input.externalId ? [m.input.externalId] : [])))];
  const codes = mapped.flatMap((m) => (m.input.shipments ?? []).map((s) => s.trackingCode));
  const [orders, held] = await Promise.all([
    store.ordersByExternalIds(sql, workspaceId, source, externalIds),
    store.heldTrackingCodes(sql, workspaceId, codes),
  ]);
  const known = new Map(orders.map((order) => [order.externalId, order]));
  const seen = new Set<string>();
  const claimed = new Set<string>();
  const fresh: Mapped[] = [];
  const rest: Mapped[] = [];
  for (const item of mapped) {
    const key = item.input.externalId;
    const existing = key ? known.get(key) : undefined;
    // A later payload for the same order sees what the earlier one wrote.
    const repeat = key != null && seen.has(key);
    if (key) seen.add(key);
    if (repeat) rest.push(item);
    else if (existing?.importHash === item.hash)
      results[item.index] = { index: item.index, outcome: "UNCHANGED", order: existing, errors: [] };
    else if (existing) rest.push(item);
    else {
      const itemCodes = (item.input.shipments ?? []).map(shipmentKey);
      // A code held already, or by an earlier new order of the batch: decided (and refused) one by one.
      if (itemCodes.some((code) => held.has(code) || claimed.has(code))) rest.push(item);
      else {
        for (const code of itemCodes) claimed.add(code);
        fresh.push(item);
      }
    }
  }
  if (!fresh.length) return rest;
  // In one order whatever the batch's: concurrent batches over the same
  // orders then meet at the same first row, and one waits for the other
  // rather than each holding a row the other needs (a deadlock).
  fresh.sort((a, b) => byExternalId(a.input.externalId, b.input.externalId));
  try {
    const created = await sql.transaction(async (tx) => {
      const orders = await insert(
        tx,
        workspaceId,
        fresh.map(({ input, hash, lineHash }) => ({ input: withImportEvent(input), importHash: hash, importLineHash: lineHash })),
      );
      await outbox.recordAll(
        tx,
        orders.map((order) => importChange(workspaceId, { outcome: "CREATED", order })!),
        source,
      );
      return orders;
    });
    fresh.forEach((item, i) => {
      results[item.index] = { index: item.index, outcome: "CREATED", order: created[i]!, errors: [] };
    });
    return rest;
  } catch (error) {
    // A concurrent import created one of these orders or took one of their
    // codes: each is decided one by one, as if the batch had not been tried.
    if (!isUniqueViolation(error)) throw error;
    return [...fresh, ...rest].sort((a, b) => a.index - b.index);
  }
}

const byExternalId = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0;

/**
 * What tells a payload from another: a hash of the native payload (keys in
 * any order), or of the NDJSON line as written, and of the mapping's version.
 */
function hashOf(source: ImportSource, payload: unknown): string {
  return hashText(source, stableJson(payload));
}

function lineHashOf(source: ImportSource, line: string): string {
  return hashText(source, `line\u0000${line}`);
}

function hashText(source: ImportSource, text: string): string {
  return hash("sha256", `${MAPPING_VERSION}\u0000${source}\u0000${text}`, "hex");
}

/** The canonical order, or the payload's mapping errors. */
function mapPayload(source: ImportSource, payload: unknown, path: string[]): { input: OrderInput } | { errors: UserError[] } {
  try {
    return { input: mappers[source](payload) };
  } catch (error) {
    if (!(error instanceof SourcePayloadError)) throw error;
    return {
      errors: error.issues.slice(0, MAX_USER_ERRORS).map((issue) => ({
        code: "VALIDATION",
        message: `${error.source} ${issue.path || "payload"}: ${issue.message}`,
        path: [...path, ...(issue.path ? issue.path.split(/[.[\]]+/).filter(Boolean) : [])],
      })),
    };
  }
}

export async function importPayload(
  sql: TransactionalSql,
  workspaceId: string,
  source: ImportSource,
  payload: unknown,
  path: string[] = [],
  outbox: Outbox = silentOutbox,
): Promise<Omit<ImportResult, "index">> {
  const mapped = mapPayload(source, payload, path);
  if ("errors" in mapped) return { outcome: "ERROR", order: null, errors: mapped.errors };
  return importMapped(sql, workspaceId, { input: mapped.input, hash: hashOf(source, payload), lineHash: null }, path, outbox);
}

/** One mapped payload in its own transaction. */
async function importMapped(
  sql: TransactionalSql,
  workspaceId: string,
  imported: Imported,
  path: string[],
  outbox: Outbox,
): Promise<Omit<ImportResult, "index">> {
  // Two imports of a new order can race to create it: the loser updates instead.
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await inTransaction(sql, async (tx) => {
        const upserted = await upsert(tx, workspaceId, imported, path);
        const change = upserted.outcome === "UNCHANGED" ? null : importChange(workspaceId, upserted);
        if (change) await outbox.record(tx, change);
        return ok(upserted);
      });
      return result.ok ? result.value : { outcome: "ERROR", order: null, errors: result.errors };
    } catch (error) {
      if (!isUniqueViolation(error) || attempt > 0) throw error;
    }
  }
}

/** A new order's history starts with its import. */
export function withImportEvent(input: OrderInput): OrderInput {
  return {
    ...input,
    events: [
      {
        type: "order.imported",
        label: `Imported from ${input.source.toLowerCase()}`,
        properties: { source: input.source, externalId: input.externalId ?? null },
      },
      ...(input.events ?? []),
    ],
  };
}

/** Imports came from the source, so nothing is written back; partners hear of the change. */
function importChange(
  workspaceId: string,
  result: { outcome: ImportOutcome; order: ImportedOrder | null; statusChanges?: ShipmentStatusChange[]; cancelled?: boolean },
): OrderChange | null {
  if (!result.order) return null;
  return {
    workspaceId,
    orderId: result.order.id,
    topics: result.outcome === "CREATED" ? ["ORDER_CREATED"] : result.cancelled ? ["ORDER_UPDATED", "ORDER_CANCELLED"] : ["ORDER_UPDATED"],
    shipmentChanges: result.statusChanges,
  };
}

/** What refuses a payload whose new shipment's tracking code another order holds. */
const takenBy =
  (path: string[]) =>
  (shipment: ShipmentInput): UserError => ({
    code: "DUPLICATE",
    message: `Tracking code ${shipment.trackingCode} of ${shipment.carrier} already belongs to another order.`,
    path,
  });

async function upsert(tx: Sql, workspaceId: string, { input, hash, lineHash }: Imported, path: string[]) {
  const existing = input.externalId ? await store.lockOrderByExternalId(tx, workspaceId, input.source, input.externalId) : null;
  if (existing?.importHash === hash) return { outcome: "UNCHANGED" as const, order: existing, errors: [] };

  if (!existing) {
    const taken = await store.findTakenTrackingCode(tx, workspaceId, input.shipments ?? [], null);
    if (taken) throw new Refusal([takenBy(path)(taken.shipment)]);
    const [order] = await store.insertOrders(tx, workspaceId, [
      { input: withImportEvent(input), importHash: hash, importLineHash: lineHash },
    ]);
    return { outcome: "CREATED" as const, order: order!, errors: [] };
  }

  const stale = input.sourceUpdatedAt != null && existing.sourceUpdatedAt != null && input.sourceUpdatedAt < existing.sourceUpdatedAt;
  const merged = await store.reconcileShipments(tx, existing, input.shipments ?? [], stale ? "older" : "newer", takenBy(path), {
    complete: input.shipmentsComplete ?? false,
  });
  if (stale && !merged.added) return { outcome: "UNCHANGED" as const, order: existing, errors: [] };

  // The newer payload's own fields replace what the source said before; an older one adds history only.
  if (!stale && input.lineItems) await store.replaceLineItems(tx, existing, input.lineItems);
  const derived = await store.derivedOrderFields(tx, existing);
  const changes: Parameters<typeof store.updateOrder>[2] = stale
    ? derived
    : {
        ...orderColumns(input, existing),
        ...derived,
        shippingAddressId:
          input.shippingAddress !== undefined
            ? await store.createAddress(tx, workspaceId, input.shippingAddress)
            : existing.shippingAddressId,
        billingAddressId:
          input.billingAddress !== undefined ? await store.createAddress(tx, workspaceId, input.billingAddress) : existing.billingAddressId,
        ...(input.fulfillmentStatus && !input.lineItems?.length ? { fulfillmentStatus: input.fulfillmentStatus } : {}),
        shippedAt: input.shippedAt ?? derived.shippedAt,
        deliveredAt: input.deliveredAt ?? derived.deliveredAt,
        importHash: hash,
        importLineHash: lineHash,
        // The source's newer word replaces what was changed here without it.
        localOnlyFields: [],
        // A cancel the source reports settles one waiting on its answer.
        ...(input.status === "CANCELLED" ? { cancellationRequestedAt: null } : {}),
      };
  const order = await store.updateOrder(tx, existing, changes, [
    {
      type: "order.updated",
      label: `Updated from ${input.source.toLowerCase()}`,
      properties: { source: input.source, by: "import", historyOnly: stale, version: existing.version + 1 },
    },
  ]);
  await store.deleteAddresses(tx, [
    ...merged.removedAddresses,
    ...(stale
      ? []
      : [
          input.shippingAddress !== undefined ? existing.shippingAddressId : null,
          input.billingAddress !== undefined ? existing.billingAddressId : null,
        ]),
  ]);
  const cancelled = order.status === "CANCELLED" && existing.status !== "CANCELLED";
  return { outcome: "UPDATED" as const, order, errors: [], statusChanges: merged.statusChanges, cancelled };
}
