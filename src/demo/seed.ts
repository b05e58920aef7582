// Demo data for a fresh database: the sources' own example orders, and a few
// hundred more made from them (generated.ts), imported through the same
// mappers and batched upsert as any import, so GraphiQL shows data at once.
import { readFile } from "node:fs/promises";
import { type ImportSource, importPayload, importPayloads } from "../services/imports.js";
import { mapMalomoEvent } from "../sources/malomo.js";
import type { TransactionalSql } from "../store/executor.js";
import { addEvents, hasOrders } from "../store/orders.js";
import { generatedDemoPayloads, type Templates } from "./generated.js";

const payloadsDir = new URL("./payloads/", import.meta.url);

async function payload(name: string): Promise<unknown> {
  return JSON.parse(await readFile(new URL(name, payloadsDir), "utf8"));
}

/** The sources' documented example orders, as their native JSON. */
async function documentedExamples(): Promise<Templates> {
  const [storefront] = (await payload("storefront-orders.json")) as Record<string, unknown>[];
  return {
    malomo: (await payload("malomo-order.json")) as Record<string, unknown>,
    flexport: (await payload("flexport-order.json")) as Record<string, unknown>,
    flexportError: (await payload("flexport-order-error.json")) as Record<string, unknown>,
    storefront: storefront!,
    trackmage: (await payload("trackmage-order.json")) as Record<string, unknown>,
  };
}

/** Loads the demo orders into an empty workspace; returns how many were added. */
export async function seedDemoData(sql: TransactionalSql, workspaceId: string, now = new Date()): Promise<number> {
  if (await hasOrders(sql, workspaceId)) return 0;
  const examples = await documentedExamples();
  const documented: Array<[ImportSource, unknown]> = [
    ["MALOMO", examples.malomo],
    ["FLEXPORT", examples.flexport],
    ["FLEXPORT", examples.flexportError],
    ["STOREFRONT", examples.storefront],
    ["TRACKMAGE", examples.trackmage],
  ];
  let added = 0;
  for (const [source, native] of documented) {
    const result = await importPayload(sql, workspaceId, source, native);
    if (!result.order) throw new Error(`Demo ${source} order did not import: ${JSON.stringify(result.errors)}`);
    added++;
    if (source === "MALOMO") {
      // Malomo's documented order event joins the order's history.
      const event = mapMalomoEvent(await payload("malomo-order-event.json"));
      await sql.transaction((tx) => addEvents(tx, result.order!, [event]));
    }
  }
  // The ones made from them (generated.ts clones each), in one batch per source.
  const generated = generatedDemoPayloads(examples, now);
  for (const source of ["MALOMO", "FLEXPORT", "STOREFRONT", "TRACKMAGE"] as const) {
    const payloads = generated.filter(([from]) => from === source).map(([, native]) => native);
    const results = await importPayloads(sql, workspaceId, source, payloads);
    const failed = results.find((result) => result.outcome === "ERROR");
    if (failed) throw new Error(`Generated demo ${source} order did not import: ${JSON.stringify(failed.errors)}`);
    added += results.length;
  }
  return added;
}
