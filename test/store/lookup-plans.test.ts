// An import looks orders up by external id and by import hash for every
// batch, and createOrder checks the external id. Those lookups must use their
// own index when the planner's statistics predate the orders of a source (a
// workspace that starts importing from another source, before autovacuum
// analyzes): with another index they read every order of the workspace or of
// the source, and an import slows as it grows.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureWorkspace } from "../../src/db/workspaces.js";
import type { Sql } from "../../src/store/executor.js";
import { importedOrdersByHashes, insertOrders, newOrderConflicts, ordersByExternalIds, refreshStatistics } from "../../src/store/orders.js";
import { numberedOrder } from "../factories.js";
import { createTestGateway, type TestGateway } from "../helpers.js";

let gw: TestGateway;
let workspaceId: string;
beforeAll(async () => {
  gw = await createTestGateway();
  workspaceId = (await ensureWorkspace(gw.db.sql, "lookup-plans")).id;
  const orders = (source: "MALOMO" | "API") =>
    Array.from({ length: 1000 }, (_, i) => ({
      input: numberedOrder(i, { source, externalId: `${source}-${i}`, sourceOrderId: `${source}-source-${i}` }),
      importHash: `${source}-hash-${i}`,
    }));
  await insertOrders(gw.db.sql, workspaceId, orders("MALOMO"));
  await refreshStatistics(gw.db.sql);
  await insertOrders(gw.db.sql, workspaceId, orders("API"));
});
afterAll(() => gw.close());

/** The indexes PostgreSQL would use for each statement that `lookup` sends. */
async function indexesUsed(lookup: (sql: Sql) => Promise<unknown>): Promise<string[]> {
  const sent: Array<{ text: string; args?: readonly unknown[] }> = [];
  const spy: Sql = (text, args, options) => {
    sent.push({ text, args });
    return gw.db.sql(text, args, options);
  };
  await lookup(spy);
  const names: string[] = [];
  for (const { text, args } of sent) {
    const [row] = await gw.db.sql<{ "QUERY PLAN": unknown }>(`EXPLAIN (FORMAT JSON) ${text}`, args);
    JSON.stringify(row!["QUERY PLAN"], (key, value) => {
      if (key === "Index Name") names.push(value);
      return value;
    });
  }
  return names;
}

it("finds orders by external id through the unique key", async () => {
  expect(await indexesUsed((sql) => ordersByExternalIds(sql, workspaceId, "API", ["API-7", "API-300"]))).toEqual([
    "order_workspace_id_source_external_id_key",
  ]);
});

it("finds orders by import hash through the hash index", async () => {
  expect(await indexesUsed((sql) => importedOrdersByHashes(sql, workspaceId, "API", ["API-hash-7", "API-hash-300"]))).toEqual([
    "order_workspace_id_import_hash_idx",
  ]);
});

it("checks a new order's external id through the unique key", async () => {
  const used = await indexesUsed((sql) =>
    newOrderConflicts(sql, workspaceId, numberedOrder(1, { source: "API", externalId: "API-7" }), []),
  );
  expect(used).toContain("order_workspace_id_source_external_id_key");
  expect(used.filter((name) => name.startsWith("order_"))).toEqual(["order_workspace_id_source_external_id_key"]);
});
