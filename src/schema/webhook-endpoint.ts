// Partner webhooks: endpoints that receive signed events, what was sent to
// them, and what operators do with them (change, re-enable, rotate the
// secret, ping, redeliver, replay). Signing secrets are shown once.
import type { Result, UserError } from "../domain/user-error.js";
import type { PrismaClient, WebhookEndpoint } from "../generated/prisma/client.js";
import { inOrderOf } from "../loaders/index.js";
import * as webhooks from "../services/webhooks.js";
import { builder } from "./builder.js";
import { DeliveryStatusEnum, WebhookTopicEnum } from "./enums.js";
import { databaseId } from "./global-id.js";
import { newestFirstPage } from "./newest-first.js";
import { DeletePayload, deletion, payload, toPayload } from "./payloads.js";
import { UserErrorRef } from "./user-error.js";
import { type DeliveryRow, deliveryRead, WebhookDeliveryRef } from "./webhook-delivery.js";

export const WebhookEndpointRef = builder.objectRef<WebhookEndpoint>("WebhookEndpoint");

const WebhookDeliveryFilter = builder.inputType("WebhookDeliveryFilter", {
  fields: (t) => ({
    status: t.field({ type: DeliveryStatusEnum, required: false }),
    topic: t.field({ type: WebhookTopicEnum, required: false }),
    since: t.field({ type: "DateTime", required: false, description: "Deliveries made at or after this time." }),
  }),
});

builder.node(WebhookEndpointRef, {
  description: "A partner URL that receives events, signed the Standard Webhooks way.",
  id: { resolve: (endpoint) => endpoint.id },
  loadMany: async (ids, ctx) => {
    return inOrderOf(ids, await ctx.prisma.webhookEndpoint.findMany({ where: { id: { in: [...ids] }, workspaceId: ctx.workspaceId } }));
  },
  fields: (t) => ({
    url: t.exposeString("url"),
    topics: t.expose("topics", { type: [WebhookTopicEnum] }),
    description: t.exposeString("description", { nullable: true }),
    enabled: t.exposeBoolean("enabled", {
      description: "False once disabled: by updateWebhookEndpoint, a 410 Gone, or too many failed attempts in a row.",
    }),
    disabledAt: t.expose("disabledAt", { type: "DateTime", nullable: true }),
    disabledReason: t.exposeString("disabledReason", { nullable: true }),
    consecutiveFailures: t.exposeInt("consecutiveFailures", { description: "Failed attempts since the last success." }),
    previousSecretExpiresAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "Until then, deliveries are also signed with the secret before the last rotation.",
      resolve: (endpoint) =>
        endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date() ? endpoint.previousSecretExpiresAt : null,
    }),
    deliveries: t.connection(
      {
        type: WebhookDeliveryRef,
        description: "Deliveries to this endpoint, newest first.",
        args: { filter: t.arg({ type: WebhookDeliveryFilter, required: false }) },
        resolve: (endpoint, args, ctx) =>
          newestFirstPage(args, ctx.config.maxPageSize, (page) =>
            ctx.prisma.webhookDelivery.findMany({
              ...page,
              ...deliveryRead,
              where: {
                endpointId: endpoint.id,
                ...(args.filter?.status ? { status: args.filter.status } : {}),
                ...(args.filter?.topic ? { topic: args.filter.topic } : {}),
                ...(args.filter?.since ? { createdAt: { gte: args.filter.since } } : {}),
                ...page.where,
              },
            }),
          ),
      },
      { name: "WebhookDeliveryConnection" },
      { name: "WebhookDeliveryEdge" },
    ),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

type SecretPayloadShape = { endpoint: WebhookEndpoint | null; signingSecret: string | null; errors: UserError[] };
const secretPayload = (name: string) =>
  builder.objectRef<SecretPayloadShape>(name).implement({
    fields: (t) => ({
      endpoint: t.field({ type: WebhookEndpointRef, nullable: true, resolve: (p) => p.endpoint }),
      signingSecret: t.exposeString("signingSecret", {
        nullable: true,
        description: "whsec_<base64 key>: verify webhook-signature with it. Shown only here.",
      }),
      errors: t.field({ type: [UserErrorRef], resolve: (p) => p.errors }),
    }),
  });
const CreateWebhookEndpointPayload = secretPayload("CreateWebhookEndpointPayload");
const RotateWebhookSecretPayload = secretPayload("RotateWebhookSecretPayload");
const toSecretPayload = (result: Result<{ endpoint: WebhookEndpoint; signingSecret: string }>): SecretPayloadShape =>
  result.ok ? { ...result.value, errors: [] } : { endpoint: null, signingSecret: null, errors: result.errors };

const UpdateWebhookEndpointPayload = payload<"endpoint", WebhookEndpoint>("UpdateWebhookEndpointPayload", "endpoint", WebhookEndpointRef);
const WebhookDeliveryPayload = payload<"delivery", DeliveryRow>("WebhookDeliveryPayload", "delivery", WebhookDeliveryRef);
const ReplayWebhooksPayload = builder.objectRef<{ queued: number | null; errors: UserError[] }>("ReplayWebhooksPayload").implement({
  fields: (t) => ({
    queued: t.exposeInt("queued", { nullable: true, description: "How many events were queued for the endpoint." }),
    errors: t.field({ type: [UserErrorRef], resolve: (p) => p.errors }),
  }),
});

builder.queryField("webhookEndpoints", (t) =>
  t.field({
    type: [WebhookEndpointRef],
    description: `The workspace's webhook endpoints (at most ${webhooks.MAX_WEBHOOK_ENDPOINTS}).`,
    resolve: (_root, _args, ctx) =>
      ctx.prisma.webhookEndpoint.findMany({ where: { workspaceId: ctx.workspaceId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
  }),
);

/** The endpoint's database id from the argument, refused as the argument's mistake. */
const endpointId = (id: string, path = "id") => databaseId(id, "WebhookEndpoint", path);

/** A delivery as the payload answers it: read back with its attempts. */
async function deliveryPayload(ctx: { prisma: PrismaClient }, result: Result<{ id: string }>) {
  if (!result.ok) return toPayload<"delivery", DeliveryRow>("delivery", result);
  const delivery: DeliveryRow = await ctx.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: result.value.id }, ...deliveryRead });
  return toPayload("delivery", { ok: true, value: delivery });
}

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: CreateWebhookEndpointPayload,
    description: "Subscribes a URL to events; returns the signing secret once.",
    args: {
      url: t.arg.string({ required: true }),
      topics: t.arg({ type: [WebhookTopicEnum], required: true }),
      description: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, ctx) => toSecretPayload(await webhooks.createWebhookEndpoint(ctx, ctx.workspaceId, args)),
  }),

  updateWebhookEndpoint: t.field({
    type: UpdateWebhookEndpointPayload,
    description:
      "Changes what is given. `enabled: true` re-enables a disabled endpoint and resets its failure count; what failed meanwhile stays failed (replayWebhooks sends it again).",
    args: {
      id: t.arg.id({ required: true }),
      url: t.arg.string({ required: false }),
      topics: t.arg({ type: [WebhookTopicEnum], required: false }),
      enabled: t.arg.boolean({ required: false }),
      description: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const id = endpointId(args.id);
      return toPayload("endpoint", id.ok ? await webhooks.updateWebhookEndpoint(ctx, ctx.workspaceId, id.value, args) : id);
    },
  }),

  rotateWebhookSecret: t.field({
    type: RotateWebhookSecretPayload,
    description:
      "A new signing secret, returned once. Until the previous one expires, each delivery's webhook-signature carries a signature by each.",
    args: {
      id: t.arg.id({ required: true }),
      expiresPreviousInSeconds: t.arg.int({
        required: false,
        defaultValue: 86_400,
        description: `How long the previous secret keeps signing (0: not at all; at most ${webhooks.MAX_PREVIOUS_SECRET_SECONDS}).`,
      }),
    },
    resolve: async (_root, args, ctx) => {
      const id = endpointId(args.id);
      return toSecretPayload(
        id.ok ? await webhooks.rotateWebhookSecret(ctx, ctx.workspaceId, id.value, args.expiresPreviousInSeconds ?? 86_400) : id,
      );
    },
  }),

  deleteWebhookEndpoint: t.field({
    type: DeletePayload,
    description: "Stops sending to the endpoint and forgets its deliveries.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => deletion("WebhookEndpoint", args.id, (id) => webhooks.deleteWebhookEndpoint(ctx, ctx.workspaceId, id)),
  }),

  sendTestWebhook: t.field({
    type: WebhookDeliveryPayload,
    description: "Sends a signed PING event to the endpoint now; the payload shows the attempt.",
    args: { endpointId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const id = endpointId(args.endpointId, "endpointId");
      return deliveryPayload(ctx, id.ok ? await webhooks.sendTestWebhook(ctx, ctx.workspaceId, id.value) : id);
    },
  }),

  redeliverWebhook: t.field({
    type: WebhookDeliveryPayload,
    description: "Sends a delivery's event again now, as a new delivery: the same event id and body, signed anew.",
    args: { deliveryId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const id = databaseId(args.deliveryId, "WebhookDelivery", "deliveryId");
      return deliveryPayload(ctx, id.ok ? await webhooks.redeliverWebhook(ctx, ctx.workspaceId, id.value) : id);
    },
  }),

  replayWebhooks: t.field({
    type: ReplayWebhooksPayload,
    description:
      "Queues again for the endpoint every event of the feed that occurred in [since, until) on its topics, in the order they happened.",
    args: {
      endpointId: t.arg.id({ required: true }),
      since: t.arg({ type: "DateTime", required: true }),
      until: t.arg({ type: "DateTime", required: false, description: "Default: now." }),
    },
    resolve: async (_root, args, ctx) => {
      const id = endpointId(args.endpointId, "endpointId");
      const result = id.ok
        ? await webhooks.replayWebhooks(ctx, ctx.workspaceId, id.value, { since: args.since, until: args.until ?? null })
        : id;
      return result.ok ? { queued: result.value, errors: [] } : { queued: null, errors: result.errors };
    },
  }),
}));
