// Live updates, over SSE (Accept: text/event-stream) or WebSocket (graphql-ws).
// Each subscription sees only the caller's workspace.
import type { Context } from "../context.js";
import { clientError } from "../errors.js";
import type { OrderEvent } from "../generated/prisma/client.js";
import { eventsRecordedAfter } from "../store/reads.js";
import { builder } from "./builder.js";
import { OrderRef } from "./order.js";
import { OrderEventRef } from "./order-event.js";
import { ShipmentRef } from "./shipment.js";

builder.subscriptionType({});

builder.subscriptionFields((t) => ({
  orderUpdated: t.field({
    type: OrderRef,
    description: "The order, each time it changes (until it is deleted).",
    args: { id: t.arg.globalID({ required: true, for: OrderRef }) },
    subscribe: async (_root, { id }, ctx) => {
      if (!(await ctx.loaders.orderById.load(id.id))) throw clientError("NOT_FOUND", "No order with that id.");
      return ctx.pubsub.subscribe("orderChanged", id.id);
    },
    resolve: async (change, _args, ctx) => {
      ctx.resetLoaders(); // each delivery shows the order as it is now
      const order = await ctx.loaders.orderById.load(change.orderId);
      if (!order) throw clientError("NOT_FOUND", "The order was deleted.");
      return order;
    },
  }),

  orderEvents: t.field({
    type: OrderEventRef,
    description: "Each new entry in the order's history, as it is recorded.",
    args: { orderId: t.arg.globalID({ required: true, for: OrderRef }) },
    subscribe: async (_root, { orderId }, ctx) => {
      if (!(await ctx.loaders.orderById.load(orderId.id))) throw clientError("NOT_FOUND", "No order with that id.");
      return newEvents(ctx, orderId.id);
    },
    resolve: (event: OrderEvent) => event,
  }),

  shipmentStatusChanged: t.field({
    type: ShipmentRef,
    description: "A shipment of the caller's workspace whose status has just changed.",
    subscribe: (_root, _args, ctx) => ctx.pubsub.subscribe("shipmentStatusChanged", ctx.workspaceId),
    resolve: async (change, _args, ctx) => {
      ctx.resetLoaders();
      const shipment = await ctx.loaders.shipmentById.load(change.shipmentId);
      if (!shipment) throw clientError("NOT_FOUND", "The shipment was removed.");
      return shipment;
    },
  }),
}));

/**
 * The order's history entries recorded from now on. Changes are signals; the
 * entries themselves are read from the table, so none is missed between two.
 */
async function* newEvents(ctx: Context, orderId: string): AsyncGenerator<OrderEvent> {
  let after = { at: new Date(), id: "00000000-0000-0000-0000-000000000000" };
  for await (const _change of ctx.pubsub.subscribe("orderChanged", orderId)) {
    const events = await eventsRecordedAfter(ctx.sql, orderId, after);
    for (const event of events) {
      after = { at: event.createdAt, id: event.id };
      yield event;
    }
  }
}
