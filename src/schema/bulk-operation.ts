// Bulk operations: a workspace's orders out as one gzip JSONL file (export),
// or a file of native payloads in (POST /bulk/imports), run in the background.
import { bulkOperationUrl, EXPORT_RELATIONS, type ExportRelation } from "../bulk/worker.js";
import { type BulkOperation, BulkOperationKind, BulkOperationStatus } from "../generated/prisma/client.js";
import { inOrderOf } from "../loaders/index.js";
import { builder } from "./builder.js";
import { OrderSourceEnum } from "./enums.js";
import { databaseId } from "./global-id.js";
import { newestFirstPage } from "./newest-first.js";
import { OrderFilterInput } from "./order-filter.js";
import { payload, toPayload } from "./payloads.js";

const BulkOperationStatusEnum = builder.enumType(BulkOperationStatus, { name: "BulkOperationStatus" });
const BulkOperationKindEnum = builder.enumType(BulkOperationKind, { name: "BulkOperationKind" });
const ExportRelationEnum = builder.enumType("ExportRelation", {
  description: "What an export nests in each order's line.",
  values: EXPORT_RELATIONS,
});

export const BulkOperationRef = builder.objectRef<BulkOperation>("BulkOperation");

builder.node(BulkOperationRef, {
  description: "An export or import of many orders, run in the background. Poll it, or subscribe an endpoint to BULK_OPERATION_FINISHED.",
  id: { resolve: (operation) => operation.id },
  loadMany: async (ids, ctx) =>
    inOrderOf(ids, await ctx.prisma.bulkOperation.findMany({ where: { id: { in: [...ids] }, workspaceId: ctx.workspaceId } })),
  fields: (t) => ({
    kind: t.expose("kind", { type: BulkOperationKindEnum }),
    status: t.expose("status", { type: BulkOperationStatusEnum }),
    source: t.expose("source", { type: OrderSourceEnum, nullable: true, description: "An import's source." }),
    include: t.field({
      type: [ExportRelationEnum],
      description: "An export's nested relations.",
      resolve: (op) => op.include as ExportRelation[],
    }),
    objectCount: t.exposeInt("objectCount", { description: "Orders written so far (export), or input lines read so far (import)." }),
    failedCount: t.exposeInt("failedCount", { description: "Input lines that failed (import); they are listed in the result file." }),
    createdCount: t.exposeInt("createdCount"),
    updatedCount: t.exposeInt("updatedCount"),
    unchangedCount: t.exposeInt("unchangedCount"),
    fileSize: t.float({
      nullable: true,
      description: "Bytes of the export's gzip file, or of the uploaded import (uncompressed).",
      resolve: (op) => (op.fileSize == null ? null : Number(op.fileSize)),
    }),
    url: t.string({
      nullable: true,
      description:
        "Where to download the result with the same workspace's API key (GET, Range supported): the export's gzip JSONL, or an import's failed lines as JSONL. Null until COMPLETED and after expiresAt.",
      resolve: bulkOperationUrl,
    }),
    error: t.exposeString("error", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    startedAt: t.expose("startedAt", { type: "DateTime", nullable: true }),
    completedAt: t.expose("completedAt", { type: "DateTime", nullable: true }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true, description: "When the file is removed." }),
  }),
});

const BulkOperationPayload = payload<"bulkOperation", BulkOperation>("BulkOperationPayload", "bulkOperation", BulkOperationRef);

builder.queryFields((t) => ({
  bulkOperation: t.field({
    type: BulkOperationRef,
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: BulkOperationRef }) },
    resolve: (_root, args, ctx) => ctx.outbound.bulk.find(ctx.workspaceId, args.id.id),
  }),
  bulkOperations: t.connection({
    type: BulkOperationRef,
    description: "The workspace's bulk operations, newest first.",
    resolve: (_root, args, ctx) =>
      newestFirstPage(args, ctx.config.maxPageSize, (page) =>
        ctx.prisma.bulkOperation.findMany({ ...page, where: { workspaceId: ctx.workspaceId, ...page.where } }),
      ),
  }),
}));

builder.mutationFields((t) => ({
  exportOrders: t.field({
    type: BulkOperationPayload,
    description:
      "Starts writing every order that matches `filter` to one gzip JSONL file, one order per line as the API shows it, with `include`'s relations nested (default: all). Returns at once; a read key may export.",
    skipTypeScopes: true,
    args: {
      filter: t.arg({ type: OrderFilterInput }),
      include: t.arg({ type: [ExportRelationEnum] }),
    },
    resolve: async (_root, args, ctx) =>
      toPayload(
        "bulkOperation",
        await ctx.outbound.bulk.startExport(ctx.workspaceId, args.filter ?? null, (args.include as ExportRelation[] | null) ?? null),
      ),
  }),
  cancelBulkOperation: t.field({
    type: BulkOperationPayload,
    description: "Stops a bulk operation that has not ended; its file is removed. An import keeps what it committed.",
    skipTypeScopes: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const id = databaseId(args.id, "BulkOperation", "id");
      return toPayload(
        "bulkOperation",
        id.ok ? await ctx.outbound.bulk.cancel(ctx.workspaceId, id.value, ctx.caller.scope === "WRITE") : id,
      );
    },
  }),
}));
