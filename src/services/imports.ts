// Imports of native source payloads: each is mapped to a canonical order and
// upserted by (workspace, source, externalId); a bad payload fails alone. The same payload twice changes nothing; a newer
// one updates the order, merging shipments and scans without losing history;
// an older one (by the source's own update time) adds history only.
import { createHash } from "node:crypto";
import {
  addEvents,
  createAddress,
  deleteAddresses,
  derivedOrderFields,
  findTakenTrackingCode,
  insertOrders,
  isUniqueViolation,
  insertScans,
  insertShipments,
  refreshShipment,
  replaceLineItems,
  type Tx,
} from "../db/orders.js";
import type { OrderInput, ShipmentInput } from "../domain/order-input.js";
import { newScans, planShipments, shipmentKey } from "../domain/order-rules.js";
import { MAX_USER_ERRORS, type UserError } from "../domain/user-error.js";
import { Prisma, type Order, type OrderSource, type PrismaClient } from "../generated/prisma/client.js";
import { silentOutbox, type OrderChange, type Outbox, type ShipmentStatusChange } from "../outbox/index.js";
import { mappers, SourcePayloadError } from "../sources/index.js";

export const MAX_PAYLOADS_PER_IMPORT = 1000;

/** Orders imported side by side in bulk: PGlite's one connection serializes them anyway. */
export function bulkImportConcurrency(database: "postgres" | "pglite"): number {
  return database === "postgres" ? 4 : 1;
}

export type ImportOutcome = "CREATED" | "UPDATED" | "UNCHANGED" | "ERROR";
export type { ShipmentStatusChange };
export type ImportResult = {
  index: number;
  outcome: ImportOutcome;
  order: Order | null;
  errors: UserError[];
  /** Shipments whose status the import moved (for subscribers). */
  statusChanges?: ShipmentStatusChange[];
};
export type ImportSource = Exclude<OrderSource, "API">;

export function isImportSource(source: OrderSource): source is ImportSource {
  return source in mappers;
}

/**
 * Imports a batch of payloads; one result per payload, in the payloads'
 * order. What can be decided for the whole batch at once is: payloads that
 * match their order's last import are UNCHANGED after one lookup, and new
 * orders are created together, one statement per table, in one transaction.
 * The rest (changes to known orders, a second payload for the same order,
 * tracking codes another order may hold) go one by one, `concurrency` at a
 * time, each in its own transaction, after the batch's new orders committed.
 */
export async function importPayloads(
  prisma: PrismaClient,
  workspaceId: string,
  source: ImportSource,
  payloads: readonly unknown[],
  outbox: Outbox = silentOutbox,
  path: string[] = ["payloads"],
  concurrency = 1,
): Promise<ImportResult[]> {
  const results: ImportResult[] = new Array(payloads.length);
  const mapped: Mapped[] = [];
  for (const [index, payload] of payloads.entries()) {
    const result = mapPayload(source, payload, [...path, String(index)]);
    if ("errors" in result) results[index] = { index, outcome: "ERROR", order: null, errors: result.errors };
    else mapped.push({ index, ...result });
  }
  const oneByOne = await importTogether(prisma, workspaceId, source, mapped, outbox, results);
  let next = 0;
  const worker = async () => {
    while (next < oneByOne.length) {
      const { index, input, hash } = oneByOne[next++]!;
      results[index] = { index, ...(await importMapped(prisma, workspaceId, input, hash, [...path, String(index)], outbox)) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, oneByOne.length) }, worker));
  return results;
}

type Mapped = { index: number; input: OrderInput; hash: string };

/**
 * The batch part of importPayloads: fills `results` for what it settles and
 * returns what is left for one-by-one imports.
 */
async function importTogether(
  prisma: PrismaClient,
  workspaceId: string,
  source: ImportSource,
  mapped: readonly Mapped[],
  outbox: Outbox,
  results: ImportResult[],
): Promise<Mapped[]> {
  if (mapped.length < 2) return [...mapped];
  const externalIds = [...new Set(mapped.flatMap((m) => (m.input.externalId ? [m.input.externalId] : [])))];
  const known = new Map(
    (await prisma.order.findMany({ where: { workspaceId, source, externalId: { in: externalIds } } })).map((order) => [order.externalId, order]),
  );
  const codes = [...new Set(mapped.flatMap((m) => (m.input.shipments ?? []).map((s) => s.trackingCode)))];
  const held = codes.length
    ? new Set((await prisma.shipment.findMany({ where: { workspaceId, trackingCode: { in: codes } }, select: { carrier: true, trackingCode: true } })).map(shipmentKey))
    : new Set<string>();
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
    else if (existing?.importHash === item.hash) results[item.index] = { index: item.index, outcome: "UNCHANGED", order: existing, errors: [] };
    else if (existing) rest.push(item);
    else {
      const itemCodes = (item.input.shipments ?? []).map(shipmentKey);
      // A code held already, or by an earlier new order of the batch: decided (and refused) one by one.
      if (itemCodes.some((code) => held.has(code) || claimed.has(code))) rest.push(item);
      else {
        itemCodes.forEach((code) => claimed.add(code));
        fresh.push(item);
      }
    }
  }
  if (!fresh.length) return rest;
  try {
    const created = await prisma.$transaction(
      async (tx) => {
        const orders = await insertOrders(tx, workspaceId, fresh.map(({ input, hash }) => ({ input: withImportEvent(input), importHash: hash })));
        await outbox.recordAll(tx, orders.map((order) => importChange(workspaceId, { outcome: "CREATED", order })!), source);
        return orders;
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
    fresh.forEach((item, i) => (results[item.index] = { index: item.index, outcome: "CREATED", order: created[i]!, errors: [] }));
    return rest;
  } catch (error) {
    // A concurrent import created one of these orders or took one of their
    // codes: each is decided one by one, as if the batch had not been tried.
    if (!isUniqueViolation(error)) throw error;
    return [...fresh, ...rest].sort((a, b) => a.index - b.index);
  }
}

/** The canonical order and its import hash, or the payload's mapping errors. */
function mapPayload(source: ImportSource, payload: unknown, path: string[]): { input: OrderInput; hash: string } | { errors: UserError[] } {
  try {
    const input = mappers[source](payload);
    return { input, hash: createHash("sha256").update(JSON.stringify(input)).digest("hex") };
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
  prisma: PrismaClient,
  workspaceId: string,
  source: ImportSource,
  payload: unknown,
  path: string[] = [],
  outbox: Outbox = silentOutbox,
): Promise<Omit<ImportResult, "index">> {
  const mapped = mapPayload(source, payload, path);
  if ("errors" in mapped) return { outcome: "ERROR", order: null, errors: mapped.errors };
  return importMapped(prisma, workspaceId, mapped.input, mapped.hash, path, outbox);
}

/** One mapped payload in its own transaction. */
async function importMapped(
  prisma: PrismaClient,
  workspaceId: string,
  input: OrderInput,
  hash: string,
  path: string[],
  outbox: Outbox,
): Promise<Omit<ImportResult, "index">> {
  // Two imports of a new order can race to create it: the loser updates instead.
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.$transaction(
        async (tx) => {
          const result = await upsert(tx, workspaceId, input, hash, path);
          const change = result.outcome === "UNCHANGED" ? null : importChange(workspaceId, result);
          if (change) await outbox.record(tx, change);
          return result;
        },
        { maxWait: 10_000, timeout: 30_000 },
      );
    } catch (error) {
      if (error instanceof ImportRefusal) return { outcome: "ERROR", order: null, errors: [error.error] };
      if (!isUniqueViolation(error) || attempt > 0) throw error;
    }
  }
}

/** A new order's history starts with its import. */
export function withImportEvent(input: OrderInput): OrderInput {
  return {
    ...input,
    events: [
      { type: "order.imported", label: `Imported from ${input.source.toLowerCase()}`, properties: { source: input.source, externalId: input.externalId ?? null } },
      ...(input.events ?? []),
    ],
  };
}

/** Imports came from the source, so nothing is written back; partners hear of the change. */
function importChange(
  workspaceId: string,
  result: { outcome: ImportOutcome; order: Order | null; statusChanges?: ShipmentStatusChange[]; cancelled?: boolean },
): OrderChange | null {
  if (!result.order) return null;
  return {
    workspaceId,
    orderId: result.order.id,
    topics: result.outcome === "CREATED" ? ["ORDER_CREATED"] : result.cancelled ? ["ORDER_UPDATED", "ORDER_CANCELLED"] : ["ORDER_UPDATED"],
    shipmentChanges: result.statusChanges,
  };
}

class ImportRefusal extends Error {
  constructor(readonly error: UserError) {
    super(error.message);
  }
}

async function upsert(tx: Tx, workspaceId: string, input: OrderInput, hash: string, path: string[]) {
  const existing = input.externalId
    ? await tx.order.findUnique({
        where: { workspaceId_source_externalId: { workspaceId, source: input.source, externalId: input.externalId } },
      })
    : null;
  if (existing?.importHash === hash) return { outcome: "UNCHANGED" as const, order: existing, errors: [] };

  if (!existing) {
    await refuseTakenTrackingCodes(tx, workspaceId, input.shipments ?? [], null, path);
    const [order] = await insertOrders(tx, workspaceId, [{ input: withImportEvent(input), importHash: hash }]);
    return { outcome: "CREATED" as const, order: order!, errors: [] };
  }

  await tx.$queryRaw`SELECT id FROM "order" WHERE id = ${existing.id}::uuid FOR UPDATE`;
  const stale = input.sourceUpdatedAt != null && existing.sourceUpdatedAt != null && input.sourceUpdatedAt < existing.sourceUpdatedAt;
  const merged = await mergeShipments(tx, workspaceId, existing.id, input.shipments ?? [], path);
  if (stale && !merged.added) return { outcome: "UNCHANGED" as const, order: existing, errors: [] };

  const data: Prisma.OrderUncheckedUpdateInput = stale ? {} : await sourceFields(tx, workspaceId, existing, input);
  const derived = await derivedOrderFields(tx, existing);
  const order = await tx.order.update({
    where: { id: existing.id },
    data: {
      ...data,
      ...derived,
      ...(stale ? {} : { shippedAt: input.shippedAt ?? derived.shippedAt, deliveredAt: input.deliveredAt ?? derived.deliveredAt }),
      ...(stale ? {} : { importHash: hash }),
      version: { increment: 1 },
    },
  });
  if (!stale) {
    await deleteAddresses(tx, [
      input.shippingAddress !== undefined ? existing.shippingAddressId : null,
      input.billingAddress !== undefined ? existing.billingAddressId : null,
    ]);
  }
  await addEvents(tx, existing, [
    {
      type: "order.updated",
      label: `Updated from ${input.source.toLowerCase()}`,
      properties: { source: input.source, by: "import", historyOnly: stale, version: order.version },
    },
  ]);
  const cancelled = order.status === "CANCELLED" && existing.status !== "CANCELLED";
  return { outcome: "UPDATED" as const, order, errors: [], statusChanges: merged.statusChanges, cancelled };
}

/** The order's own fields as the newer payload has them. */
async function sourceFields(tx: Tx, workspaceId: string, existing: Order, input: OrderInput): Promise<Prisma.OrderUncheckedUpdateInput> {
  if (input.lineItems) await replaceLineItems(tx, existing, input.lineItems);
  const customer = input.customer;
  return {
    sourceOrderId: input.sourceOrderId ?? existing.sourceOrderId,
    sourceUpdatedAt: input.sourceUpdatedAt ?? existing.sourceUpdatedAt,
    number: input.number ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    customerEmail: customer?.email ?? null,
    customerFirstName: customer?.firstName ?? null,
    customerLastName: customer?.lastName ?? null,
    orderType: input.orderType ?? existing.orderType,
    status: input.status ?? existing.status,
    rawStatus: input.rawStatus ?? null,
    paymentStatus: input.paymentStatus ?? null,
    processingState: input.processingState ?? null,
    processingErrorCode: input.processingError?.code ?? null,
    processingErrorMessage: input.processingError?.message ?? null,
    processingErrorType: input.processingError?.type ?? null,
    processingErrorRetriable: input.processingError?.retriable ?? false,
    currency: input.currency ?? existing.currency,
    subtotal: input.subtotal ?? null,
    discount: input.discount ?? null,
    total: input.total ?? null,
    shippingAddressId: input.shippingAddress !== undefined ? await createAddress(tx, workspaceId, input.shippingAddress) : existing.shippingAddressId,
    billingAddressId: input.billingAddress !== undefined ? await createAddress(tx, workspaceId, input.billingAddress) : existing.billingAddressId,
    promisedShipBy: input.promisedShipBy ?? null,
    promisedDeliveryBy: input.promisedDeliveryBy ?? null,
    cancelledAt: input.cancelledAt ?? existing.cancelledAt,
    cancelReason: input.cancelReason ?? existing.cancelReason,
    meta: input.meta == null ? Prisma.DbNull : (input.meta as Prisma.InputJsonValue),
    ...(input.fulfillmentStatus && !input.lineItems?.length ? { fulfillmentStatus: input.fulfillmentStatus } : {}),
  };
}

/**
 * Shipments from a source are merged, never replaced: new ones are added,
 * known ones get the scans they lack. Returns whether anything was added, and
 * which statuses moved.
 */
async function mergeShipments(tx: Tx, workspaceId: string, orderId: string, given: readonly ShipmentInput[], path: string[]) {
  if (!given.length) return { added: false, statusChanges: [] };
  const existing = await tx.shipment.findMany({ where: { orderId } });
  const plan = planShipments(existing, given);
  await refuseTakenTrackingCodes(tx, workspaceId, plan.add, orderId, path);
  await insertShipments(tx, workspaceId, orderId, plan.add);
  let added = plan.add.length > 0;
  const statusChanges: ShipmentStatusChange[] = [];
  for (const { id, input } of plan.keep) {
    const stored = await tx.scanEvent.findMany({ where: { shipmentId: id } });
    const fresh = newScans(stored, input.scanEvents ?? []);
    await insertScans(tx, { id, workspaceId }, fresh);
    await tx.shipment.update({
      where: { id },
      data: {
        carrierService: input.carrierService ?? undefined,
        trackingUrl: input.trackingUrl ?? undefined,
        estimatedDeliveryAt: input.estimatedDeliveryAt ?? undefined,
        signedBy: input.signedBy ?? undefined,
        rawStatus: input.rawStatus ?? undefined,
        // Without scans, the source's own status is all there is to follow.
        ...(stored.length === 0 && fresh.length === 0 && input.status ? { status: input.status } : {}),
        ...(input.deliveredAt ? { deliveredAt: input.deliveredAt } : {}),
      },
    });
    if (fresh.length) {
      const { before, after, shipment } = await refreshShipment(tx, id);
      if (before !== after) {
        statusChanges.push({ shipmentId: id, carrier: shipment.carrier, trackingCode: shipment.trackingCode, from: before, to: after });
      }
      added = true;
    }
  }
  return { added, statusChanges };
}

async function refuseTakenTrackingCodes(tx: Tx, workspaceId: string, shipments: readonly ShipmentInput[], orderId: string | null, path: string[]) {
  const taken = await findTakenTrackingCode(tx, workspaceId, shipments, orderId);
  if (taken) {
    throw new ImportRefusal({
      code: "DUPLICATE",
      message: `Tracking code ${taken.shipment.trackingCode} of ${taken.shipment.carrier} already belongs to another order.`,
      path,
    });
  }
}
