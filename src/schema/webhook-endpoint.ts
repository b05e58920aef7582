// Partner webhooks: endpoints that receive signed order events, and the
// deliveries made to them. The signing secret is shown once, at creation.
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { UserError } from "../domain/user-error.js";
import type { WebhookDelivery, WebhookEndpoint } from "../generated/prisma/client.js";
import { inOrderOf } from "../loaders/index.js";
import * as connections from "../services/connections.js";
import { builder } from "./builder.js";
import { DeliveryStatusEnum, WebhookTopicEnum } from "./enums.js";
import { databaseId } from "./global-id.js";
import { newestFirstPage } from "./newest-first.js";
import { DeletePayload, toPayload } from "./payloads.js";
import { UserErrorRef } from "./user-error.js";

export const WebhookDeliveryRef = builder.objectRef<WebhookDelivery>("WebhookDelivery");

builder.node(WebhookDeliveryRef, {
  description: "One event sent to one endpoint, retried with the same event id until delivered or failed.",
  id: { resolve: (delivery) => delivery.id },
  loadMany: async (ids, ctx) => {
    const rows = await ctx.prisma.webhookDelivery.findMany({
      where: { id: { in: [...ids] }, endpoint: { workspaceId: ctx.workspaceId } },
      omit: { body: true },
    });
    return inOrderOf(ids, rows as WebhookDelivery[]);
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
  }),
});

export const WebhookEndpointRef = builder.objectRef<WebhookEndpoint>("WebhookEndpoint");

builder.node(WebhookEndpointRef, {
  description: "A partner URL that receives order events, signed the Standard Webhooks way.",
  id: { resolve: (endpoint) => endpoint.id },
  loadMany: async (ids, ctx) => {
    return inOrderOf(ids, await ctx.prisma.webhookEndpoint.findMany({ where: { id: { in: [...ids] }, workspaceId: ctx.workspaceId } }));
  },
  fields: (t) => ({
    url: t.exposeString("url"),
    topics: t.expose("topics", { type: [WebhookTopicEnum] }),
    enabled: t.exposeBoolean("enabled", { description: "False once the endpoint failed too many attempts in a row." }),
    deliveries: t.connection(
      {
        type: WebhookDeliveryRef,
        description: "Deliveries to this endpoint, newest first.",
        resolve: (endpoint, args, ctx) =>
          newestFirstPage(
            args,
            ctx.config.maxPageSize,
            async (page) =>
              (await ctx.prisma.webhookDelivery.findMany({
                ...page,
                where: { endpointId: endpoint.id, ...page.where },
                omit: { body: true },
              })) as WebhookDelivery[],
          ),
      },
      { name: "WebhookDeliveryConnection" },
      { name: "WebhookDeliveryEdge" },
    ),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

type CreatePayloadShape = { endpoint: WebhookEndpoint | null; signingSecret: string | null; errors: UserError[] };
const CreateWebhookEndpointPayload = builder.objectRef<CreatePayloadShape>("CreateWebhookEndpointPayload").implement({
  fields: (t) => ({
    endpoint: t.field({ type: WebhookEndpointRef, nullable: true, resolve: (p) => p.endpoint }),
    signingSecret: t.exposeString("signingSecret", {
      nullable: true,
      description: "whsec_<base64 key>: verify webhook-signature with it. Shown only here.",
    }),
    errors: t.field({ type: [UserErrorRef], resolve: (p) => p.errors }),
  }),
});

builder.queryField("webhookEndpoints", (t) =>
  t.field({
    type: [WebhookEndpointRef],
    description: `The workspace's webhook endpoints (at most ${connections.MAX_WEBHOOK_ENDPOINTS}).`,
    resolve: (_root, _args, ctx) =>
      ctx.prisma.webhookEndpoint.findMany({ where: { workspaceId: ctx.workspaceId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
  }),
);

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: CreateWebhookEndpointPayload,
    description: "Subscribes a URL to order events; returns the signing secret once.",
    args: {
      url: t.arg.string({ required: true }),
      topics: t.arg({ type: [WebhookTopicEnum], required: true }),
    },
    resolve: async (_root, args, ctx): Promise<CreatePayloadShape> => {
      const result = await connections.createWebhookEndpoint(ctx, ctx.workspaceId, args);
      return result.ok ? { ...result.value, errors: [] } : { endpoint: null, signingSecret: null, errors: result.errors };
    },
  }),

  deleteWebhookEndpoint: t.field({
    type: DeletePayload,
    description: "Stops sending to the endpoint and forgets its deliveries.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const id = databaseId(args.id, "WebhookEndpoint", "id");
      const result = id.ok ? await connections.deleteWebhookEndpoint(ctx, ctx.workspaceId, id.value) : id;
      return toPayload("deletedId", result.ok ? { ok: true, value: encodeGlobalID("WebhookEndpoint", result.value) } : result);
    },
  }),
}));
