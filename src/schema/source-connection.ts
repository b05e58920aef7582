// A workspace's connection to a source, and the mutations that manage and
// pull it. The API token is write-only: no field returns it.
import type { SourceConnection } from "../generated/prisma/client.js";
import { inOrderOf } from "../loaders/index.js";
import * as connections from "../services/connections.js";
import { isImportSource } from "../services/imports.js";
import type { PullSummary } from "../services/pull.js";
import { builder } from "./builder.js";
import { OrderSourceEnum } from "./enums.js";
import { DeletePayload, deletion, payload, toPayload } from "./payloads.js";
import { UserErrorRef } from "./user-error.js";

export const SourceConnectionRef = builder.objectRef<SourceConnection>("SourceConnection");

builder.node(SourceConnectionRef, {
  description: "Where the gateway calls a source on the workspace's behalf. The API token is stored encrypted and never shown.",
  id: { resolve: (connection) => connection.id },
  loadMany: async (ids, ctx) => {
    return inOrderOf(ids, await ctx.prisma.sourceConnection.findMany({ where: { id: { in: [...ids] }, workspaceId: ctx.workspaceId } }));
  },
  fields: (t) => ({
    source: t.expose("source", { type: OrderSourceEnum }),
    baseUrl: t.exposeString("baseUrl"),
    enabled: t.exposeBoolean("enabled"),
    pullIntervalSeconds: t.exposeInt("pullIntervalSeconds", { nullable: true, description: "null: no scheduled pull." }),
    lastPulledAt: t.expose("lastPulledAt", { type: "DateTime", nullable: true, description: "When the last complete pull ended." }),
    lastError: t.exposeString("lastError", { nullable: true, description: "Why the last pull stopped, if it failed." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const SourceConnectionInput = builder.inputType("SourceConnectionInput", {
  fields: (t) => ({
    source: t.field({ type: OrderSourceEnum, required: true }),
    baseUrl: t.string({ required: true }),
    apiToken: t.string({ required: true, description: "Sent as `Authorization: Bearer <apiToken>`; write-only." }),
    pullIntervalSeconds: t.int({
      description: `Pull on a schedule, at least every ${connections.MIN_PULL_INTERVAL_SECONDS} s; null: only on syncSource.`,
    }),
    enabled: t.boolean({ description: "Default true." }),
  }),
});

const SourceConnectionPayload = payload<"connection", SourceConnection>("SourceConnectionPayload", "connection", SourceConnectionRef);

type SyncPayloadShape = Omit<PullSummary, "connection"> & { connection: SourceConnection | null };
const SyncSourcePayload = builder.objectRef<SyncPayloadShape>("SyncSourcePayload").implement({
  fields: (t) => ({
    connection: t.field({ type: SourceConnectionRef, nullable: true, resolve: (p) => p.connection }),
    created: t.exposeInt("created"),
    updated: t.exposeInt("updated"),
    unchanged: t.exposeInt("unchanged"),
    failed: t.exposeInt("failed"),
    errors: t.field({ type: [UserErrorRef], resolve: (p) => p.errors }),
  }),
});

builder.queryField("sourceConnections", (t) =>
  t.field({
    type: [SourceConnectionRef],
    description: "The workspace's source connections (at most one per source).",
    resolve: (_root, _args, ctx) =>
      ctx.prisma.sourceConnection.findMany({ where: { workspaceId: ctx.workspaceId }, orderBy: { source: "asc" } }),
  }),
);

builder.mutationFields((t) => ({
  upsertSourceConnection: t.field({
    type: SourceConnectionPayload,
    description: "Connects a source (or changes its connection): one per source and workspace.",
    args: { input: t.arg({ type: SourceConnectionInput, required: true }) },
    resolve: async (_root, { input }, ctx) =>
      toPayload("connection", await connections.upsertSourceConnection(ctx, ctx.workspaceId, input)),
  }),

  deleteSourceConnection: t.field({
    type: DeletePayload,
    description: "Disconnects a source; changes not yet sent to it stay local.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      deletion("SourceConnection", args.id, (id) => connections.deleteSourceConnection(ctx, ctx.workspaceId, id)),
  }),

  syncSource: t.field({
    type: SyncSourcePayload,
    description: "Pulls the source's orders now and waits for the run; an interrupted pull resumes where it stopped.",
    args: { source: t.arg({ type: OrderSourceEnum, required: true }) },
    resolve: async (_root, { source }, ctx): Promise<SyncPayloadShape> => {
      const empty = { connection: null, created: 0, updated: 0, unchanged: 0, failed: 0 };
      if (!isImportSource(source)) {
        return { ...empty, errors: [{ code: "VALIDATION", message: "API orders have no source to pull from.", path: ["source"] }] };
      }
      const result = await ctx.outbound.pull(ctx.workspaceId, source);
      ctx.resetLoaders();
      return result.ok ? result.value : { ...empty, errors: result.errors };
    },
  }),
}));
