// Publishable keys: for public pages (a tracking page), safe to ship in a
// browser bundle. They run only the public lookups, from their own origins.

import type { UserError } from "../domain/user-error.js";
import type { ApiKey } from "../generated/prisma/client.js";
import * as access from "../services/access.js";
import { builder } from "./builder.js";
import { payload, toPayload } from "./payloads.js";
import { UserErrorRef } from "./user-error.js";

export const PublishableKeyRef = builder.objectRef<ApiKey>("PublishableKey");

PublishableKeyRef.implement({
  description:
    "A key that may run orderByNumber and orderByTrackingCode, answering the public view of an order, from its allowed origins only.",
  fields: (t) => ({
    prefix: t.exposeString("prefix", { description: "The key's first part: it names the key, and revokes it." }),
    label: t.exposeString("label", { nullable: true }),
    allowedOrigins: t.exposeStringList("allowedOrigins"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
  }),
});

type CreatedShape = { key: string | null; publishableKey: ApiKey | null; errors: UserError[] };
const CreatePublishableKeyPayload = builder.objectRef<CreatedShape>("CreatePublishableKeyPayload").implement({
  fields: (t) => ({
    key: t.exposeString("key", { nullable: true, description: "The key to put in the page." }),
    publishableKey: t.field({ type: PublishableKeyRef, nullable: true, resolve: (p) => p.publishableKey }),
    errors: t.field({ type: [UserErrorRef], resolve: (p) => p.errors }),
  }),
});
const PublishableKeyPayload = payload<"publishableKey", ApiKey>("PublishableKeyPayload", "publishableKey", PublishableKeyRef);

builder.queryField("publishableKeys", (t) =>
  t.field({
    type: [PublishableKeyRef],
    description: "The workspace's live publishable keys.",
    resolve: (_root, _args, ctx) =>
      ctx.prisma.apiKey.findMany({
        where: { workspaceId: ctx.workspaceId, scope: "PUBLIC", revokedAt: null },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
  }),
);

builder.mutationFields((t) => ({
  createPublishableKey: t.field({
    type: CreatePublishableKeyPayload,
    description: "Makes a publishable key for pages served from these origins.",
    args: { allowedOrigins: t.arg.stringList({ required: true }), label: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => {
      const result = await access.createPublishableKey(ctx, ctx.workspaceId, args);
      return result.ok
        ? { key: result.value.key, publishableKey: result.value.apiKey, errors: [] }
        : { key: null, publishableKey: null, errors: result.errors };
    },
  }),

  revokePublishableKey: t.field({
    type: PublishableKeyPayload,
    description: "Revokes a publishable key: pages that use it are refused from then on.",
    args: { prefix: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => toPayload("publishableKey", await access.revokePublishableKey(ctx, ctx.workspaceId, args.prefix)),
  }),
}));
