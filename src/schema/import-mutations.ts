import { publishImported } from "../events.js";
import { importPayloads, isImportSource, MAX_PAYLOADS_PER_IMPORT } from "../services/imports.js";
import { builder } from "./builder.js";
import { OrderSourceEnum } from "./enums.js";
import { ImportOrdersPayload, type ImportOrdersPayloadShape } from "./import-orders-payload.js";

const refused = (message: string, argument: string): ImportOrdersPayloadShape => ({
  results: [],
  errors: [{ code: "VALIDATION", message, path: [argument] }],
});

builder.mutationFields((t) => ({
  importOrders: t.field({
    type: ImportOrdersPayload,
    description:
      "Imports orders in their source's own JSON: each is created, updated (shipments and scans merged), " +
      `left unchanged (the same payload again) or refused on its own. Up to ${MAX_PAYLOADS_PER_IMPORT} payloads.`,
    args: {
      source: t.arg({ type: OrderSourceEnum, required: true }),
      payloads: t.arg({ type: ["JSON"], required: true }),
    },
    resolve: async (_root, { source, payloads }, ctx): Promise<ImportOrdersPayloadShape> => {
      if (!isImportSource(source)) {
        return refused("API orders are created with createOrder; choose a source to import from.", "source");
      }
      if (payloads.length > MAX_PAYLOADS_PER_IMPORT) {
        return refused(`Import at most ${MAX_PAYLOADS_PER_IMPORT} payloads at a time; got ${payloads.length}.`, "payloads");
      }
      const results = await importPayloads(ctx.store, ctx.workspaceId, source, payloads, ctx.outbound.outbox);
      ctx.resetLoaders();
      publishImported(ctx.pubsub, ctx.workspaceId, results);
      return { results, errors: [] };
    },
  }),
}));
