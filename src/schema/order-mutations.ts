// Mutations over orders, with each source's semantics (see src/services/orders.ts).
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Context } from "../context.js";
import type { Result } from "../domain/user-error.js";
import * as orders from "../services/orders.js";
import { builder } from "./builder.js";
import { CreateOrderEventInput } from "./create-order-event-input.js";
import { CreateOrderInput } from "./create-order-input.js";
import { CancelReasonEnum } from "./enums.js";
import { databaseId } from "./global-id.js";
import {
  CancelOrderPayload,
  CreateOrderEventPayload,
  CreateOrderPayload,
  DeleteOrderPayload,
  RecordScanEventsPayload,
  RetryOrderPayload,
  toPayload,
  UpdateOrderPayload,
} from "./payloads.js";
import { ScanEventInput } from "./scan-event-input.js";
import { UpdateOrderInput } from "./update-order-input.js";

/** After a committed change: tells subscribers of this order. */
function publishOrderChanged(ctx: Context, orderId: string) {
  ctx.pubsub.publish("orderChanged", orderId, { workspaceId: ctx.workspaceId, orderId });
}

/**
 * A write on an existing order: decodes its id (a malformed one is a
 * VALIDATION error at `argument`), runs the write, then refreshes the loaders
 * and, once it has committed, tells the order's subscribers.
 */
async function writeOrder<T>(
  ctx: Context,
  globalId: string,
  argument: string,
  write: (orderId: string) => Promise<Result<T>>,
): Promise<Result<T>> {
  const id = databaseId(globalId, "Order", argument);
  if (!id.ok) return id as Result<never>;
  const result = await write(id.value);
  ctx.resetLoaders();
  if (result.ok) publishOrderChanged(ctx, id.value);
  return result;
}

builder.mutationFields((t) => ({
  createOrder: t.field({
    type: CreateOrderPayload,
    description:
      "Creates an order with its customer, addresses, line items and shipments. With an idempotencyKey, " +
      "repeating the call returns the first result and creates nothing.",
    args: { input: t.arg({ type: CreateOrderInput, required: true }), idempotencyKey: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const result = await orders.createOrder(ctx.store, ctx.workspaceId, args.input, args.idempotencyKey, ctx.outbound.outbox);
      ctx.resetLoaders();
      if (result.ok && !result.value.replayed) publishOrderChanged(ctx, result.value.order.id);
      return toPayload("order", result.ok ? { ok: true, value: result.value.order } : result);
    },
  }),

  updateOrder: t.field({
    type: UpdateOrderPayload,
    description: "Patches an order. With expectedVersion, a stale version is a CONFLICT and nothing changes.",
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateOrderInput, required: true }),
      expectedVersion: t.arg.int(),
    },
    resolve: async (_root, args, ctx) =>
      toPayload(
        "order",
        await writeOrder(ctx, args.id, "id", (id) =>
          orders.updateOrder(ctx.store, ctx.workspaceId, id, args.input, args.expectedVersion, ctx.outbound.outbox),
        ),
      ),
  }),

  deleteOrder: t.field({
    type: DeleteOrderPayload,
    description: "Removes the order and everything under it.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const result = await writeOrder(ctx, args.id, "id", (id) => orders.deleteOrder(ctx.store, ctx.workspaceId, id, ctx.outbound.outbox));
      return toPayload("deletedId", result.ok ? { ok: true, value: encodeGlobalID("Order", result.value) } : result);
    },
  }),

  cancelOrder: t.field({
    type: CancelOrderPayload,
    description: "Cancels an order that has not shipped. Cancelling a cancelled order returns it unchanged.",
    args: { id: t.arg.id({ required: true }), reason: t.arg({ type: CancelReasonEnum, required: true }) },
    resolve: async (_root, args, ctx) =>
      toPayload(
        "order",
        await writeOrder(ctx, args.id, "id", (id) => orders.cancelOrder(ctx.store, ctx.workspaceId, id, args.reason, ctx.outbound.outbox)),
      ),
  }),

  retryOrder: t.field({
    type: RetryOrderPayload,
    description: "Clears a retriable processing error and puts the order back to processing.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) =>
      toPayload(
        "order",
        await writeOrder(ctx, args.id, "id", (id) => orders.retryOrder(ctx.store, ctx.workspaceId, id, ctx.outbound.outbox)),
      ),
  }),

  createOrderEvent: t.field({
    type: CreateOrderEventPayload,
    description: "Adds an event to an order's history (Malomo's order events).",
    args: { orderId: t.arg.id({ required: true }), input: t.arg({ type: CreateOrderEventInput, required: true }) },
    resolve: async (_root, args, ctx) =>
      toPayload(
        "event",
        await writeOrder(ctx, args.orderId, "orderId", (id) =>
          orders.createOrderEvent(ctx.store, ctx.workspaceId, id, args.input, ctx.outbound.outbox),
        ),
      ),
  }),

  recordScanEvents: t.field({
    type: RecordScanEventsPayload,
    description: "Appends tracking scans to a shipment (exact duplicates are ignored); its status follows the latest scan.",
    args: {
      carrier: t.arg.string({ required: true }),
      trackingCode: t.arg.string({ required: true }),
      events: t.arg({ type: [ScanEventInput], required: true }),
    },
    resolve: async (_root, args, ctx) => {
      const result = await orders.recordScanEvents(
        ctx.store,
        ctx.workspaceId,
        args.carrier,
        args.trackingCode,
        args.events,
        ctx.outbound.outbox,
      );
      ctx.resetLoaders();
      if (!result.ok) return toPayload("shipment", result as Result<never>);
      const { shipment, statusChange } = result.value;
      publishOrderChanged(ctx, shipment.orderId);
      if (statusChange) {
        ctx.pubsub.publish("shipmentStatusChanged", ctx.workspaceId, {
          workspaceId: ctx.workspaceId,
          orderId: shipment.orderId,
          shipmentId: shipment.id,
          ...statusChange,
        });
      }
      return toPayload("shipment", { ok: true, value: shipment });
    },
  }),
}));
