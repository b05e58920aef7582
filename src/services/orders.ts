// The mutations' work: each runs in one transaction and returns either its
// result or the user errors that stopped it, leaving the data as it was.
import { createHash } from "node:crypto";
import {
  addEvents,
  createAddress,
  deleteAddresses,
  derivedOrderFields,
  findTakenTrackingCode,
  insertOrder,
  isUniqueViolation,
  insertScans,
  insertShipments,
  refreshShipment,
  replaceLineItems,
  type Tx,
} from "../db/orders.js";
import type { OrderEventInput, OrderInput, ShipmentInput } from "../domain/order-input.js";
import { cancelRefusal, newScans, planShipments, retryRefusal } from "../domain/order-rules.js";
import {
  validateCreateOrder,
  validateIdempotencyKey,
  validateOrderEvent,
  validateScanEvents,
  validateUpdateOrder,
  type OrderPatch,
} from "../domain/order-validation.js";
import { fail, ok, type Result, type UserError } from "../domain/user-error.js";
import { silentOutbox, type Outbox, type OrderChange } from "../outbox/index.js";
import { Prisma, type CancelReason, type Order, type OrderEvent, type PrismaClient, type Shipment } from "../generated/prisma/client.js";

const TRANSACTION = { maxWait: 10_000, timeout: 30_000 } as const;

/** Thrown inside a transaction to roll it back and report user errors. */
class Refusal extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join("; "));
  }
}

async function inTransaction<T>(prisma: PrismaClient, work: (tx: Tx) => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await prisma.$transaction(async (tx) => {
      const result = await work(tx);
      if (!result.ok) throw new Refusal(result.errors);
      return result;
    }, TRANSACTION);
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, errors: error.errors };
    throw error;
  }
}

/** Locks the order row for the rest of the transaction; null when the workspace has no such order. */
async function lockOrder(tx: Tx, workspaceId: string, orderId: string): Promise<Order | null> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM "order" WHERE id = ${orderId}::uuid AND workspace_id = ${workspaceId}::uuid FOR UPDATE`;
  return rows.length ? tx.order.findUnique({ where: { id: orderId } }) : null;
}

const notFound = (what: string, path: string[]) => fail("NOT_FOUND", `No ${what} with that id.`, path);

/** Records the change's outbound work; the order is read again when a queued source write moved its sourceSync. */
async function recordChange(tx: Tx, outbox: Outbox, change: OrderChange, order: Order): Promise<Order> {
  return (await outbox.record(tx, change)) ? tx.order.findUniqueOrThrow({ where: { id: order.id } }) : order;
}

// ---------------------------------------------------------------- create

export type CreateOutcome = { order: Order; replayed: boolean };

export async function createOrder(
  prisma: PrismaClient,
  workspaceId: string,
  rawInput: unknown,
  idempotencyKey?: string | null,
  outbox: Outbox = silentOutbox,
): Promise<Result<CreateOutcome>> {
  const validated = validateCreateOrder(rawInput);
  if (!validated.ok) return validated;
  const validKey = validateIdempotencyKey(idempotencyKey);
  if (!validKey.ok) return validKey;
  const key = validKey.value;
  const requestHash = key ? hashOf(rawInput) : "";

  try {
    return await inTransaction(prisma, async (tx) => {
      if (key) {
        const replay = await replayFor(tx, workspaceId, key, requestHash);
        if (replay) return replay;
      }
      const duplicate = await findDuplicate(tx, workspaceId, validated.value);
      if (duplicate) {
        // A request with the same key may have committed since we looked.
        const replay = key ? await replayFor(tx, workspaceId, key, requestHash) : null;
        return replay ?? { ok: false, errors: [duplicate] };
      }
      const input = validated.value;
      const order = await insertOrder(tx, workspaceId, {
        ...input,
        events: [lifecycle("order.created", "Order created", { source: input.source, externalId: input.externalId ?? null })],
      });
      if (key) await tx.idempotencyKey.create({ data: { workspaceId, key, requestHash, orderId: order.id } });
      const change = { workspaceId, orderId: order.id, topics: ["ORDER_CREATED" as const], write: "createOrder" as const };
      return ok({ order: await recordChange(tx, outbox, change, order), replayed: false });
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // A concurrent request got there first: with the same idempotency key,
    // answer as it did; otherwise the conflict is a duplicate.
    if (key) {
      const replay = await replayFor(prisma, workspaceId, key, requestHash);
      if (replay) return replay;
    }
    const duplicate = await findDuplicate(prisma, workspaceId, validated.value);
    return { ok: false, errors: [duplicate ?? { code: "DUPLICATE", message: "The order conflicts with an existing one.", path: ["input"] }] };
  }
}

async function replayFor(
  db: Tx | PrismaClient,
  workspaceId: string,
  key: string,
  requestHash: string,
): Promise<Result<CreateOutcome> | null> {
  const stored = await db.idempotencyKey.findUnique({
    where: { workspaceId_key: { workspaceId, key } },
    include: { order: true },
  });
  if (!stored) return null;
  if (stored.requestHash !== requestHash) {
    return fail(
      "IDEMPOTENCY_MISMATCH",
      "This idempotency key was used with a different input; use a new key for a different order.",
      ["idempotencyKey"],
    );
  }
  return ok({ order: stored.order, replayed: true });
}

async function findDuplicate(db: Tx | PrismaClient, workspaceId: string, input: OrderInput): Promise<UserError | null> {
  if (input.externalId) {
    const existing = await db.order.findUnique({
      where: { workspaceId_source_externalId: { workspaceId, source: input.source, externalId: input.externalId } },
      select: { id: true },
    });
    if (existing) {
      return {
        code: "DUPLICATE",
        message: `An order from ${input.source} with externalId ${JSON.stringify(input.externalId)} already exists.`,
        path: ["input", "externalId"],
      };
    }
  }
  return duplicateTrackingCode(db, workspaceId, input.shipments ?? [], ["input", "shipments"]);
}

/** A DUPLICATE error for the first of `shipments` whose tracking code another order of the workspace holds. */
async function duplicateTrackingCode(
  db: Tx,
  workspaceId: string,
  shipments: readonly ShipmentInput[],
  path: string[],
  ownOrderId: string | null = null,
): Promise<UserError | null> {
  const taken = await findTakenTrackingCode(db, workspaceId, shipments, ownOrderId);
  if (!taken) return null;
  return {
    code: "DUPLICATE",
    message: `Tracking code ${taken.shipment.trackingCode} of ${taken.shipment.carrier} already belongs to another order.`,
    path: [...path, String(taken.index), "trackingCode"],
  };
}

function hashOf(value: unknown): string {
  return createHash("sha256").update(stableStringify(value)).digest("hex");
}

/** JSON with object keys sorted, so equal inputs hash equally whatever their key order. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

// ---------------------------------------------------------------- update

export async function updateOrder(
  prisma: PrismaClient,
  workspaceId: string,
  orderId: string,
  rawInput: unknown,
  expectedVersion?: number | null,
  outbox: Outbox = silentOutbox,
): Promise<Result<Order>> {
  const validated = validateUpdateOrder(rawInput);
  if (!validated.ok) return validated;
  const patch = validated.value;
  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, workspaceId, orderId);
    if (!order) return notFound("order", ["id"]);
    if (expectedVersion != null && order.version !== expectedVersion) {
      return fail(
        "CONFLICT",
        `The order is at version ${order.version}, not ${expectedVersion}: it changed since you read it. Read it again and retry.`,
        ["expectedVersion"],
      );
    }
    const data: Prisma.OrderUncheckedUpdateInput = scalarChanges(patch);
    if (patch.customer !== undefined) {
      data.customerEmail = patch.customer?.email ?? null;
      data.customerFirstName = patch.customer?.firstName ?? null;
      data.customerLastName = patch.customer?.lastName ?? null;
    }
    if (patch.shippingAddress !== undefined) {
      data.shippingAddressId = await createAddress(tx, workspaceId, patch.shippingAddress);
    }
    if (patch.billingAddress !== undefined) {
      data.billingAddressId = await createAddress(tx, workspaceId, patch.billingAddress);
    }
    if (patch.lineItems !== undefined) await replaceLineItems(tx, order, patch.lineItems ?? []);
    let removedShipmentAddresses: Array<string | null> = [];
    if (patch.shipments !== undefined) {
      const result = await applyShipmentList(tx, workspaceId, order.id, patch.shipments ?? []);
      if (!result.ok) return result;
      removedShipmentAddresses = result.value;
    }
    const derived = await derivedOrderFields(tx, order);
    const updated = await tx.order.update({
      where: { id: order.id },
      data: { ...data, ...derived, version: { increment: 1 } },
    });
    await deleteAddresses(tx, [
      ...(patch.shippingAddress !== undefined ? [order.shippingAddressId] : []),
      ...(patch.billingAddress !== undefined ? [order.billingAddressId] : []),
      ...removedShipmentAddresses,
    ]);
    await addEvents(tx, order, [
      lifecycle("order.updated", "Order updated", { fields: Object.keys(patch).sort(), version: updated.version }),
    ]);
    return ok(await recordChange(tx, outbox, { workspaceId, orderId: order.id, topics: ["ORDER_UPDATED"], write: "updateOrder" }, updated));
  });
}

const SCALAR_FIELDS = ["number", "email", "phone", "orderType", "currency", "subtotal", "discount", "total", "paymentStatus"] as const;

function scalarChanges(patch: OrderPatch): Prisma.OrderUncheckedUpdateInput {
  const data: Record<string, unknown> = {};
  for (const field of SCALAR_FIELDS) if (patch[field] !== undefined) data[field] = patch[field];
  if (data.orderType === null) data.orderType = "CUSTOMER";
  if (data.currency === null) data.currency = "USD";
  if (patch.meta !== undefined) data.meta = patch.meta === null ? Prisma.DbNull : patch.meta;
  return data as Prisma.OrderUncheckedUpdateInput;
}

/** Replaces the order's shipments with `given`; returns the address ids of removed shipments. */
async function applyShipmentList(
  tx: Tx,
  workspaceId: string,
  orderId: string,
  given: readonly ShipmentInput[],
): Promise<Result<Array<string | null>>> {
  const existing = await tx.shipment.findMany({ where: { orderId } });
  const duplicate = await duplicateTrackingCode(tx, workspaceId, given, ["input", "shipments"], orderId);
  if (duplicate) return { ok: false, errors: [duplicate] };
  const plan = planShipments(existing, given);
  const removed = existing.filter((s) => plan.remove.includes(s.id));
  if (removed.length) await tx.shipment.deleteMany({ where: { id: { in: plan.remove } } });
  await insertShipments(tx, workspaceId, orderId, plan.add);
  for (const { id, input } of plan.keep) {
    const changes: Prisma.ShipmentUncheckedUpdateInput = {};
    if (input.carrierService !== undefined) changes.carrierService = input.carrierService;
    if (input.trackingUrl !== undefined) changes.trackingUrl = input.trackingUrl;
    if (input.isReturn != null) changes.isReturn = input.isReturn;
    if (Object.keys(changes).length) await tx.shipment.update({ where: { id }, data: changes });
    if (input.scanEvents?.length) {
      const stored = await tx.scanEvent.findMany({ where: { shipmentId: id } });
      await insertScans(tx, { id, workspaceId }, newScans(stored, input.scanEvents));
      await refreshShipment(tx, id);
    }
  }
  return ok(removed.flatMap((s) => [s.originId, s.destinationId]));
}

// ---------------------------------------------------------------- delete

export async function deleteOrder(
  prisma: PrismaClient,
  workspaceId: string,
  orderId: string,
  outbox: Outbox = silentOutbox,
): Promise<Result<string>> {
  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, workspaceId, orderId);
    if (!order) return notFound("order", ["id"]);
    // Recorded first: the webhook carries the order as it was, the source write its id.
    await outbox.record(tx, { workspaceId, orderId, topics: ["ORDER_DELETED"], write: "deleteOrder" });
    const shipments = await tx.shipment.findMany({ where: { orderId }, select: { originId: true, destinationId: true } });
    await tx.order.delete({ where: { id: orderId } });
    await deleteAddresses(tx, [
      order.shippingAddressId,
      order.billingAddressId,
      ...shipments.flatMap((s) => [s.originId, s.destinationId]),
    ]);
    return ok(orderId);
  });
}

// ---------------------------------------------------------------- cancel

export async function cancelOrder(
  prisma: PrismaClient,
  workspaceId: string,
  orderId: string,
  reason: CancelReason,
  outbox: Outbox = silentOutbox,
): Promise<Result<Order>> {
  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, workspaceId, orderId);
    if (!order) return notFound("order", ["id"]);
    if (order.status === "CANCELLED") return ok(order); // cancelling twice changes nothing
    const shipments = await tx.shipment.findMany({ where: { orderId }, select: { status: true, isReturn: true } });
    const refusal = cancelRefusal(order, shipments);
    if (refusal) return fail("NOT_CANCELLABLE", refusal, ["id"]);
    const cancelled = await tx.order.update({
      where: { id: orderId },
      data: { status: "CANCELLED", cancelReason: reason, cancelledAt: new Date(), version: { increment: 1 } },
    });
    await addEvents(tx, { id: orderId, workspaceId }, [lifecycle("order.cancelled", "Order cancelled", { reason })]);
    return ok(await recordChange(tx, outbox, { workspaceId, orderId, topics: ["ORDER_CANCELLED"], write: "cancelOrder" }, cancelled));
  });
}

// ---------------------------------------------------------------- retry

export async function retryOrder(
  prisma: PrismaClient,
  workspaceId: string,
  orderId: string,
  outbox: Outbox = silentOutbox,
): Promise<Result<Order>> {
  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, workspaceId, orderId);
    if (!order) return notFound("order", ["id"]);
    const refusal = retryRefusal(order);
    if (refusal) return fail("NOT_RETRYABLE", refusal, ["id"]);
    const retried = await tx.order.update({
      where: { id: orderId },
      data: {
        processingState: "PROCESSING",
        processingErrorCode: null,
        processingErrorMessage: null,
        processingErrorType: null,
        processingErrorRetriable: false,
        version: { increment: 1 },
      },
    });
    await addEvents(tx, { id: orderId, workspaceId }, [
      lifecycle("order.retried", "Processing retried", {
        previousError: { code: order.processingErrorCode, type: order.processingErrorType, message: order.processingErrorMessage },
      }),
    ]);
    return ok(await recordChange(tx, outbox, { workspaceId, orderId, topics: ["ORDER_UPDATED"], write: "retryOrder" }, retried));
  });
}

// ---------------------------------------------------------------- events

export async function createOrderEvent(
  prisma: PrismaClient,
  workspaceId: string,
  orderId: string,
  rawInput: unknown,
  outbox: Outbox = silentOutbox,
): Promise<Result<OrderEvent>> {
  const validated = validateOrderEvent(rawInput);
  if (!validated.ok) return validated;
  const event = validated.value;
  return inTransaction(prisma, async (tx) => {
    const order = await tx.order.findFirst({ where: { id: orderId, workspaceId }, select: { id: true } });
    if (!order) return notFound("order", ["orderId"]);
    const created = await tx.orderEvent.create({
      data: {
        workspaceId,
        orderId,
        type: event.type,
        label: event.label,
        linkBackUrl: event.linkBackUrl,
        properties: event.properties == null ? undefined : (event.properties as Prisma.InputJsonValue),
        occurredAt: event.occurredAt,
      },
    });
    // History is not a change to the order itself: the source hears of it, partners do not.
    await outbox.record(tx, { workspaceId, orderId, topics: [], write: "createOrderEvent", event: created });
    return ok(created);
  });
}

// ---------------------------------------------------------------- scans

export async function recordScanEvents(
  prisma: PrismaClient,
  workspaceId: string,
  carrier: string,
  trackingCode: string,
  rawEvents: unknown,
  outbox: Outbox = silentOutbox,
): Promise<Result<ScansRecorded>> {
  const validated = validateScanEvents(rawEvents);
  if (!validated.ok) return validated;
  if (!carrier.trim()) return fail("VALIDATION", "carrier must not be empty.", ["carrier"]);
  if (!trackingCode.trim()) return fail("VALIDATION", "trackingCode must not be empty.", ["trackingCode"]);
  return inTransaction(prisma, async (tx) => {
    const found = await tx.shipment.findFirst({
      where: { workspaceId, trackingCode: trackingCode.trim(), carrier: { equals: carrier.trim(), mode: "insensitive" } },
      select: { id: true, orderId: true },
    });
    if (!found) return fail("NOT_FOUND", `No shipment of ${carrier} with tracking code ${trackingCode}.`, ["trackingCode"]);
    const order = (await lockOrder(tx, workspaceId, found.orderId))!;
    const stored = await tx.scanEvent.findMany({ where: { shipmentId: found.id } });
    const fresh = newScans(stored, validated.value);
    if (!fresh.length) return ok({ shipment: await tx.shipment.findUniqueOrThrow({ where: { id: found.id } }), statusChange: null });
    await insertScans(tx, { id: found.id, workspaceId }, fresh);
    const { before, after, shipment } = await refreshShipment(tx, found.id);
    const derived = await derivedOrderFields(tx, order);
    await tx.order.update({ where: { id: order.id }, data: { ...derived, version: { increment: 1 } } });
    if (before !== after) {
      await addEvents(tx, order, [
        lifecycle("shipment.status_changed", `Shipment ${shipment.trackingCode} is ${after}`, {
          carrier: shipment.carrier,
          trackingCode: shipment.trackingCode,
          from: before,
          to: after,
        }),
      ]);
    }
    await outbox.record(tx, {
      workspaceId,
      orderId: order.id,
      topics: ["ORDER_UPDATED"],
      shipmentChanges: before !== after ? [{ shipmentId: shipment.id, carrier: shipment.carrier, trackingCode: shipment.trackingCode, from: before, to: after }] : [],
    });
    return ok({
      shipment: await tx.shipment.findUniqueOrThrow({ where: { id: found.id } }),
      statusChange: before !== after ? { from: before, to: after } : null,
    });
  });
}

export type ScansRecorded = { shipment: Shipment; statusChange: { from: string; to: string } | null };

// ----------------------------------------------------------------

function lifecycle(type: string, label: string, properties: Record<string, unknown>): OrderEventInput {
  return { type, label, properties, occurredAt: new Date() };
}
