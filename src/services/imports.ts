// Imports of native source payloads: each is mapped to a canonical order and
// upserted by (workspace, source, externalId) in its own transaction, so a
// bad payload fails alone. The same payload twice changes nothing; a newer
// one updates the order, merging shipments and scans without losing history;
// an older one (by the source's own update time) adds history only.
import { createHash } from "node:crypto";
import {
  addEvents,
  createAddress,
  deleteAddresses,
  derivedOrderFields,
  findTakenTrackingCode,
  insertOrder,
  insertScans,
  insertShipments,
  refreshShipment,
  replaceLineItems,
  type Tx,
} from "../db/orders.js";
import type { OrderInput, ShipmentInput } from "../domain/order-input.js";
import { newScans, planShipments } from "../domain/order-rules.js";
import { MAX_USER_ERRORS, type UserError } from "../domain/user-error.js";
import { Prisma, type Order, type OrderSource, type PrismaClient } from "../generated/prisma/client.js";
import { silentOutbox, type Outbox, type ShipmentStatusChange } from "../outbox/index.js";
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
 * Imports payloads, `concurrency` at a time (each in its own transaction);
 * one result per payload, in the payloads' order.
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
  let next = 0;
  const worker = async () => {
    while (next < payloads.length) {
      const index = next++;
      results[index] = { index, ...(await importPayload(prisma, workspaceId, source, payloads[index], [...path, String(index)], outbox)) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, payloads.length) }, worker));
  return results;
}

export async function importPayload(
  prisma: PrismaClient,
  workspaceId: string,
  source: ImportSource,
  payload: unknown,
  path: string[] = [],
  outbox: Outbox = silentOutbox,
): Promise<Omit<ImportResult, "index">> {
  let input: OrderInput;
  try {
    input = mappers[source](payload);
  } catch (error) {
    if (!(error instanceof SourcePayloadError)) throw error;
    return { outcome: "ERROR", order: null, errors: error.issues.slice(0, MAX_USER_ERRORS).map((issue) => ({
      code: "VALIDATION",
      message: `${error.source} ${issue.path || "payload"}: ${issue.message}`,
      path: [...path, ...(issue.path ? issue.path.split(/[.[\]]+/).filter(Boolean) : [])],
    })) };
  }
  const hash = createHash("sha256").update(JSON.stringify(input)).digest("hex");
  // Two imports of a new order can race to create it: the loser updates instead.
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.$transaction(
        async (tx) => {
          const result = await upsert(tx, workspaceId, input, hash, path);
          if (result.outcome !== "UNCHANGED") await tellPartners(tx, outbox, workspaceId, result);
          return result;
        },
        { maxWait: 10_000, timeout: 30_000 },
      );
    } catch (error) {
      if (error instanceof ImportRefusal) return { outcome: "ERROR", order: null, errors: [error.error] };
      const unique = error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
      if (!unique || attempt > 0) throw error;
    }
  }
}

/** Imports came from the source, so nothing is written back; partners hear of the change. */
function tellPartners(tx: Tx, outbox: Outbox, workspaceId: string, result: { outcome: ImportOutcome; order: Order | null; statusChanges?: ShipmentStatusChange[]; cancelled?: boolean }) {
  if (!result.order) return;
  return outbox.record(tx, {
    workspaceId,
    orderId: result.order.id,
    topics: result.outcome === "CREATED" ? ["ORDER_CREATED"] : result.cancelled ? ["ORDER_UPDATED", "ORDER_CANCELLED"] : ["ORDER_UPDATED"],
    shipmentChanges: result.statusChanges,
  });
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
    const order = await insertOrder(tx, workspaceId, {
      ...input,
      events: [
        { type: "order.imported", label: `Imported from ${input.source.toLowerCase()}`, properties: { source: input.source, externalId: input.externalId ?? null } },
        ...(input.events ?? []),
      ],
    });
    return { outcome: "CREATED" as const, order: await tx.order.update({ where: { id: order.id }, data: { importHash: hash } }), errors: [] };
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
