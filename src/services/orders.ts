// The mutations' work: each runs in one transaction and returns either its
// result or the user errors that stopped it, leaving the data as it was.
import { createHash } from "node:crypto";
import { routeFor, type WriteOperation } from "../connectors/index.js";
import type { OrderEventInput, OrderInput, ShipmentInput } from "../domain/order-input.js";
import { cancelRefusal, retryRefusal } from "../domain/order-rules.js";
import {
  validateCreateOrder,
  validateIdempotencyKey,
  validateOrderEvent,
  validateScanEvents,
  validateUpdateOrder,
} from "../domain/order-validation.js";
import { stableJson } from "../domain/stable-json.js";
import { fail, ok, type Result, type UserError } from "../domain/user-error.js";
import type { CancelReason, Order, OrderEvent, Shipment } from "../generated/prisma/client.js";
import { type OrderChange, type Outbox, silentOutbox } from "../outbox/index.js";
import { lastStatement, type Sql, type TransactionalSql } from "../store/executor.js";
import type { Listeners } from "../store/listeners.js";
import { patchColumns } from "../store/order-fields.js";
import * as store from "../store/orders.js";
import { ordersByIds } from "../store/reads.js";
import { inTransaction, isUniqueViolation } from "../store/transaction.js";

const notFound = (what: string, path: string[]) => fail("NOT_FOUND", `No ${what} with that id.`, path);

/**
 * The Sql for a change's own write: when recording the change writes nothing
 * (nobody listens), that write ends the transaction and carries its COMMIT.
 */
function finalWrite(tx: Sql, outbox: Outbox, listeners: Listeners): Sql {
  return outbox.recordsNothingFor(listeners) ? lastStatement(tx) : tx;
}

/** Records the change's outbound work; the order is read again when a queued source write moved its sourceSync. */
async function recordChange(tx: Sql, outbox: Outbox, change: OrderChange, order: Order, listeners: Listeners): Promise<Order> {
  return (await outbox.record(tx, change, listeners)) ? (await ordersByIds(tx, change.workspaceId, [order.id]))[0]! : order;
}

// ---------------------------------------------------------------- create

export type CreateOutcome = { order: Order; replayed: boolean };

export async function createOrder(
  sql: TransactionalSql,
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
    return await inTransaction(sql, async (tx) => {
      if (key) {
        const replay = await replayFor(tx, workspaceId, key, requestHash);
        if (replay) return replay;
      }
      const { duplicate, listeners } = await checkNewOrder(tx, workspaceId, validated.value);
      if (duplicate) {
        // A request with the same key may have committed since we looked.
        const replay = key ? await replayFor(tx, workspaceId, key, requestHash) : null;
        return replay ?? { ok: false, errors: [duplicate] };
      }
      const input = validated.value;
      const order = await store.insertOrder(
        finalWrite(tx, outbox, listeners),
        workspaceId,
        { ...input, events: [lifecycle("order.created", "Order created", { source: input.source, externalId: input.externalId ?? null })] },
        key ? { key, requestHash } : undefined,
      );
      const change = {
        workspaceId,
        orderId: order.id,
        topics: ["ORDER_CREATED" as const],
        write: "createOrder" as const,
        fields: givenFields(input),
      };
      return ok({ order: await recordChange(tx, outbox, change, order, listeners), replayed: false });
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // A concurrent request got there first: with the same idempotency key,
    // answer as it did; otherwise the conflict is a duplicate.
    if (key) {
      const replay = await replayFor(sql, workspaceId, key, requestHash);
      if (replay) return replay;
    }
    const { duplicate } = await checkNewOrder(sql, workspaceId, validated.value);
    return {
      ok: false,
      errors: [duplicate ?? { code: "DUPLICATE", message: "The order conflicts with an existing one.", path: ["input"] }],
    };
  }
}

async function replayFor(sql: Sql, workspaceId: string, key: string, requestHash: string): Promise<Result<CreateOutcome> | null> {
  const stored = await store.idempotentRequest(sql, workspaceId, key);
  if (!stored) return null;
  if (stored.requestHash !== requestHash) {
    return fail("IDEMPOTENCY_MISMATCH", "This idempotency key was used with a different input; use a new key for a different order.", [
      "idempotencyKey",
    ]);
  }
  return ok({ order: stored.order, replayed: true });
}

/** Why the new order would be a duplicate (null when it would not), and who would hear of its creation. */
async function checkNewOrder(
  sql: Sql,
  workspaceId: string,
  input: OrderInput,
): Promise<{ duplicate: UserError | null; listeners: Listeners }> {
  const { externalIdTaken, taken, listeners } = await store.newOrderConflicts(sql, workspaceId, input, ["ORDER_CREATED"]);
  if (externalIdTaken) {
    const message = `An order from ${input.source} with externalId ${JSON.stringify(input.externalId)} already exists.`;
    return { duplicate: { code: "DUPLICATE", message, path: ["input", "externalId"] }, listeners };
  }
  return { duplicate: taken ? takenTrackingCode(taken.shipment, taken.index) : null, listeners };
}

/** The DUPLICATE error for a given shipment whose tracking code another order of the workspace holds. */
function takenTrackingCode(shipment: ShipmentInput, index: number): UserError {
  return {
    code: "DUPLICATE",
    message: `Tracking code ${shipment.trackingCode} of ${shipment.carrier} already belongs to another order.`,
    path: ["input", "shipments", String(index), "trackingCode"],
  };
}

function hashOf(value: unknown): string {
  return createHash("sha256").update(stableJson(value)).digest("hex");
}

// ---------------------------------------------------------------- update

export async function updateOrder(
  sql: TransactionalSql,
  workspaceId: string,
  orderId: string,
  rawInput: unknown,
  expectedVersion?: number | null,
  outbox: Outbox = silentOutbox,
): Promise<Result<Order>> {
  const validated = validateUpdateOrder(rawInput);
  if (!validated.ok) return validated;
  const patch = validated.value;
  return inTransaction(sql, async (tx) => {
    const locked = await store.lockOrderFor(tx, workspaceId, orderId, ["ORDER_UPDATED"]);
    if (!locked) return notFound("order", ["id"]);
    const { order, listeners } = locked;
    if (expectedVersion != null && order.version !== expectedVersion) {
      return fail(
        "CONFLICT",
        `The order is at version ${order.version}, not ${expectedVersion}: it changed since you read it. Read it again and retry.`,
        ["expectedVersion"],
      );
    }
    const changes: Parameters<typeof store.updateOrder>[2] = patchColumns(patch);
    if (patch.shippingAddress !== undefined) changes.shippingAddressId = await store.createAddress(tx, workspaceId, patch.shippingAddress);
    if (patch.billingAddress !== undefined) changes.billingAddressId = await store.createAddress(tx, workspaceId, patch.billingAddress);
    if (patch.lineItems !== undefined) await store.replaceLineItems(tx, order, patch.lineItems ?? []);
    const shipments =
      patch.shipments !== undefined ? await store.reconcileShipments(tx, order, patch.shipments ?? [], "replace", takenTrackingCode) : null;
    // Fulfillment and shipping dates follow line items and shipments: only a change to those can move them.
    const derived = patch.lineItems !== undefined || patch.shipments !== undefined ? await store.derivedOrderFields(tx, order) : {};
    const replacedAddresses = [
      ...(patch.shippingAddress !== undefined ? [order.shippingAddressId] : []),
      ...(patch.billingAddress !== undefined ? [order.billingAddressId] : []),
      ...(shipments?.removedAddresses ?? []),
    ].filter((id) => id != null);
    // Replaced addresses are deleted after the update.
    const write = replacedAddresses.length ? tx : finalWrite(tx, outbox, listeners);
    const updated = await store.updateOrder(write, order, { ...changes, ...derived }, [
      lifecycle("order.updated", "Order updated", { fields: Object.keys(patch).sort(), version: order.version + 1 }),
    ]);
    await store.deleteAddresses(tx, replacedAddresses);
    const change: OrderChange = {
      workspaceId,
      orderId: order.id,
      topics: ["ORDER_UPDATED"],
      write: "updateOrder",
      fields: Object.keys(patch),
    };
    return ok(await recordChange(tx, outbox, change, updated, listeners));
  });
}

// ---------------------------------------------------------------- delete

export async function deleteOrder(
  sql: TransactionalSql,
  workspaceId: string,
  orderId: string,
  outbox: Outbox = silentOutbox,
): Promise<Result<string>> {
  return inTransaction(sql, async (tx) => {
    const locked = await store.lockOrderFor(tx, workspaceId, orderId, ["ORDER_DELETED"]);
    if (!locked) return notFound("order", ["id"]);
    // Recorded first: the webhook carries the order as it was, the source write its id.
    await outbox.record(tx, { workspaceId, orderId, topics: ["ORDER_DELETED"], write: "deleteOrder" }, locked.listeners);
    await store.deleteOrder(tx, locked.order);
    return ok(orderId);
  });
}

// ---------------------------------------------------------------- cancel

export async function cancelOrder(
  sql: TransactionalSql,
  workspaceId: string,
  orderId: string,
  reason: CancelReason,
  outbox: Outbox = silentOutbox,
): Promise<Result<Order>> {
  return inTransaction(sql, async (tx) => {
    // Sent together: the shipments are read once the order is locked, in the same round trip.
    const [locked, shipments] = await Promise.all([
      store.lockOrderFor(tx, workspaceId, orderId, ["ORDER_CANCELLED"]),
      store.shipmentStatusesOf(tx, orderId),
    ]);
    if (!locked) return notFound("order", ["id"]);
    const { order, listeners } = locked;
    // Cancelling twice, or while a cancel waits on the source, changes nothing.
    if (order.status === "CANCELLED" || order.cancellationRequestedAt) return ok(order);
    const refusal = cancelRefusal(order, shipments);
    if (refusal) return fail("NOT_CANCELLABLE", refusal, ["id"]);
    if (awaitsSource(listeners, "cancelOrder")) {
      // The source decides: the order shows the request until it answers (see confirmCancel).
      const requested = await store.updateOrder(tx, order, { cancellationRequestedAt: new Date(), cancelReason: reason }, [
        lifecycle("order.cancel_requested", "Cancellation requested", { reason }),
      ]);
      return ok(
        await recordChange(tx, outbox, { workspaceId, orderId, topics: ["ORDER_UPDATED"], write: "cancelOrder" }, requested, listeners),
      );
    }
    const cancelled = await store.updateOrder(
      finalWrite(tx, outbox, listeners),
      order,
      { status: "CANCELLED", cancelReason: reason, cancelledAt: new Date() },
      [lifecycle("order.cancelled", "Order cancelled", { reason })],
    );
    return ok(
      await recordChange(tx, outbox, { workspaceId, orderId, topics: ["ORDER_CANCELLED"], write: "cancelOrder" }, cancelled, listeners),
    );
  });
}

/** Whether the order's connected source must accept `write` before it takes effect here. */
function awaitsSource(listeners: Listeners, write: WriteOperation): boolean {
  const connection = listeners.connection;
  return connection != null && routeFor(connection.source, write)?.awaitsSource === true;
}

/**
 * The source's answer to a cancel it had to accept (awaitsSource), in the
 * transaction that records it: accepted, the order is cancelled (partners
 * hear ORDER_CANCELLED); refused, it stays as it was and its history says why.
 */
export async function settleCancel(
  tx: Sql,
  workspaceId: string,
  orderId: string,
  answer: { accepted: true } | { accepted: false; reason: string },
  outbox: Outbox,
) {
  const locked = await store.lockOrderFor(tx, workspaceId, orderId, ["ORDER_CANCELLED"]);
  // Settled already, also by an import in which the source reported the cancel.
  if (!locked?.order.cancellationRequestedAt) return;
  const { order, listeners } = locked;
  if (!answer.accepted) {
    await store.updateOrder(tx, order, { cancellationRequestedAt: null }, [
      lifecycle("order.cancel_refused", `Cancellation not accepted: ${answer.reason}`, { reason: answer.reason }),
    ]);
    return;
  }
  await store.updateOrder(tx, order, { status: "CANCELLED", cancelledAt: new Date(), cancellationRequestedAt: null }, [
    lifecycle("order.cancelled", "Order cancelled", { reason: order.cancelReason, acceptedBySource: true }),
  ]);
  await outbox.record(tx, { workspaceId, orderId, topics: ["ORDER_CANCELLED"] }, listeners);
}

// ---------------------------------------------------------------- retry

export async function retryOrder(
  sql: TransactionalSql,
  workspaceId: string,
  orderId: string,
  outbox: Outbox = silentOutbox,
): Promise<Result<Order>> {
  return inTransaction(sql, async (tx) => {
    const locked = await store.lockOrderFor(tx, workspaceId, orderId, ["ORDER_UPDATED"]);
    if (!locked) return notFound("order", ["id"]);
    const { order, listeners } = locked;
    const refusal = retryRefusal(order);
    if (refusal) return fail("NOT_RETRYABLE", refusal, ["id"]);
    const retried = await store.updateOrder(
      finalWrite(tx, outbox, listeners),
      order,
      {
        processingState: "PROCESSING",
        processingErrorCode: null,
        processingErrorMessage: null,
        processingErrorType: null,
        processingErrorRetriable: false,
      },
      [
        lifecycle("order.retried", "Processing retried", {
          previousError: { code: order.processingErrorCode, type: order.processingErrorType, message: order.processingErrorMessage },
        }),
      ],
    );
    return ok(await recordChange(tx, outbox, { workspaceId, orderId, topics: ["ORDER_UPDATED"], write: "retryOrder" }, retried, listeners));
  });
}

// ---------------------------------------------------------------- events

export async function createOrderEvent(
  sql: TransactionalSql,
  workspaceId: string,
  orderId: string,
  rawInput: unknown,
  outbox: Outbox = silentOutbox,
): Promise<Result<OrderEvent>> {
  const validated = validateOrderEvent(rawInput);
  if (!validated.ok) return validated;
  const event = validated.value;
  return inTransaction(sql, async (tx) => {
    const created = await store.addEvent(tx, { id: orderId, workspaceId }, event);
    if (!created) return notFound("order", ["orderId"]);
    // History is not a change to the order itself: the source hears of it, partners do not.
    await outbox.record(tx, { workspaceId, orderId, topics: [], write: "createOrderEvent", event: created });
    return ok(created);
  });
}

// ---------------------------------------------------------------- scans

export async function recordScanEvents(
  sql: TransactionalSql,
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
  return inTransaction(sql, async (tx) => {
    const recorded = await store.recordScans(
      tx,
      workspaceId,
      carrier.trim(),
      trackingCode.trim(),
      validated.value,
      ["ORDER_UPDATED", "SHIPMENT_STATUS_CHANGED"],
      (listeners) => finalWrite(tx, outbox, listeners),
      (shipment, change) =>
        lifecycle("shipment.status_changed", `Shipment ${shipment.trackingCode} is ${change.to}`, {
          carrier: shipment.carrier,
          trackingCode: shipment.trackingCode,
          from: change.from,
          to: change.to,
        }),
    );
    if (!recorded) return fail("NOT_FOUND", `No shipment of ${carrier} with tracking code ${trackingCode}.`, ["trackingCode"]);
    const { order, listeners, shipment, change, added } = recorded;
    if (!added) return ok({ shipment, statusChange: null });
    await outbox.record(
      tx,
      { workspaceId, orderId: order.id, topics: ["ORDER_UPDATED"], shipmentChanges: change ? [change] : [] },
      listeners,
    );
    return ok({ shipment, statusChange: change ? { from: change.from, to: change.to } : null });
  });
}

export type ScansRecorded = { shipment: Shipment; statusChange: { from: string; to: string } | null };

// ----------------------------------------------------------------

/** The fields a new order's input sets (what its source's create must carry). */
function givenFields(input: OrderInput): string[] {
  return Object.entries(input)
    .filter(([key, value]) => key !== "source" && key !== "events" && value != null && !(Array.isArray(value) && value.length === 0))
    .map(([key]) => key);
}

function lifecycle(type: string, label: string, properties: Record<string, unknown>): OrderEventInput {
  return { type, label, properties, occurredAt: new Date() };
}
