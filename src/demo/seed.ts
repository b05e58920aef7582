// Demo data for a fresh database: the sources' own example orders, imported
// through the same mappers and upsert as any import, so GraphiQL shows data
// at once.
import { readFile } from "node:fs/promises";
import { type ImportSource, importPayload } from "../services/imports.js";
import { mapMalomoEvent } from "../sources/malomo.js";
import type { TransactionalSql } from "../store/executor.js";
import { addEvents } from "../store/orders.js";
import { first, q } from "../store/schema.js";

const payloadsDir = new URL("./payloads/", import.meta.url);

async function payload(name: string): Promise<unknown> {
  return JSON.parse(await readFile(new URL(name, payloadsDir), "utf8"));
}

/** The demo orders, as each source's native JSON. */
export async function demoPayloads(): Promise<Array<[ImportSource, unknown]>> {
  const [storefrontOrder] = (await payload("storefront-orders.json")) as unknown[];
  return [
    ["MALOMO", await payload("malomo-order.json")],
    ["FLEXPORT", await payload("flexport-order.json")],
    ["FLEXPORT", await payload("flexport-order-error.json")],
    ["STOREFRONT", storefrontOrder],
    ["TRACKMAGE", await payload("trackmage-order.json")],
  ];
}

/** Loads the demo orders into an empty workspace; returns how many were added. */
export async function seedDemoData(sql: TransactionalSql, workspaceId: string): Promise<number> {
  if (await first(sql, q.selectFrom("order").select("id").where("workspaceId", "=", workspaceId).limit(1))) return 0;
  let added = 0;
  for (const [source, native] of await demoPayloads()) {
    const result = await importPayload(sql, workspaceId, source, native);
    if (!result.order) throw new Error(`Demo ${source} order did not import: ${JSON.stringify(result.errors)}`);
    added++;
    if (source === "MALOMO") {
      // Malomo's documented order event joins the order's history.
      const event = mapMalomoEvent(await payload("malomo-order-event.json"));
      await sql.transaction((tx) => addEvents(tx, result.order!, [event]));
    }
  }
  return added;
}
