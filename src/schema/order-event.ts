import type { OrderEvent } from "../generated/prisma/client.js";
import { builder } from "./builder.js";

export const OrderEventRef = builder.objectRef<OrderEvent>("OrderEvent");

builder.node(OrderEventRef, {
  description: "An entry in an order's history: events posted by sources and the gateway's own lifecycle events.",
  id: { resolve: (event) => event.id },
  loadMany: (ids, ctx) => Promise.all(ids.map((id) => ctx.loaders.orderEventById.load(id))),
  fields: (t) => ({
    type: t.exposeString("type"),
    label: t.exposeString("label", { nullable: true }),
    linkBackUrl: t.exposeString("linkBackUrl", { nullable: true }),
    properties: t.expose("properties", { type: "JSON", nullable: true }),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});
