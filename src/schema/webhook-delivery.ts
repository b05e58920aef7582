// One event sent to one endpoint, with the log of its attempts.
import type { WebhookAttempt, WebhookDelivery } from "../generated/prisma/client.js";
import { inOrderOf } from "../loaders/index.js";
import { builder } from "./builder.js";
import { DeliveryStatusEnum, WebhookTopicEnum } from "./enums.js";
import { WebhookAttemptRef } from "./webhook-attempt.js";

/** A delivery as the API reads it: without its body, with its attempts. */
export type DeliveryRow = Omit<WebhookDelivery, "body"> & { attemptLog: WebhookAttempt[] };

/** What a delivery's read includes: the attempt log, oldest first (the schedule bounds it). */
export const deliveryRead = { omit: { body: true }, include: { attemptLog: { orderBy: { attemptedAt: "asc" as const } } } };

export const WebhookDeliveryRef = builder.objectRef<DeliveryRow>("WebhookDelivery");

builder.node(WebhookDeliveryRef, {
  description: "One event sent to one endpoint, retried with the same event id until delivered or failed.",
  id: { resolve: (delivery) => delivery.id },
  loadMany: async (ids, ctx) => {
    const rows = await ctx.prisma.webhookDelivery.findMany({
      where: { id: { in: [...ids] }, endpoint: { workspaceId: ctx.workspaceId } },
      ...deliveryRead,
    });
    return inOrderOf(ids, rows);
  },
  fields: (t) => ({
    eventId: t.exposeID("eventId", { description: "The `webhook-id` header and the body's `id`: the same on every attempt." }),
    topic: t.expose("topic", { type: WebhookTopicEnum }),
    status: t.expose("status", { type: DeliveryStatusEnum }),
    attempts: t.exposeInt("attempts"),
    responseStatus: t.exposeInt("responseStatus", { nullable: true, description: "The endpoint's HTTP status at the last attempt." }),
    lastError: t.exposeString("lastError", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true }),
    nextAttemptAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the next attempt is due, while the delivery is PENDING.",
      resolve: (delivery) => (delivery.status === "PENDING" ? delivery.nextAttemptAt : null),
    }),
    attemptLog: t.field({
      type: [WebhookAttemptRef],
      description: "Every attempt, oldest first: time, HTTP status, duration, error and the start of the answer.",
      resolve: (delivery) => delivery.attemptLog,
    }),
  }),
});
