// Data written before a restart is there after it: on the embedded database
// (a data directory, created and migrated on first start) and on PostgreSQL.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { Config } from "../src/config.js";
import { openDatabase } from "../src/db/index.js";
import { startServer } from "../src/server.js";
import { createPostgresTestDatabase, testConfig } from "./helpers.js";

async function ordersAt(url: string, key: string | null) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: "{ orders { totalCount nodes { source number } } }" }),
  });
  return (await response.json()).data.orders;
}

it("keeps data across a restart and loads the demo data only once", async () => {
  let database: Config["database"];
  let cleanUp: () => Promise<void>;
  if (process.env.DATABASE_URL) {
    const created = await createPostgresTestDatabase();
    database = { kind: "postgres", url: created.url };
    cleanUp = created.drop;
  } else {
    const dir = await mkdtemp(join(tmpdir(), "gateway-restart-"));
    database = { kind: "pglite", dataDir: join(dir, "pglite") };
    cleanUp = () => rm(dir, { recursive: true, force: true });
  }
  try {
    const config = testConfig({ port: 0, demoData: true, database });
    const first = await startServer(config);
    const before = await ordersAt(first.url, first.demoKey);
    if (database.kind === "pglite") {
      // A second process on the same data directory would corrupt it.
      await expect(openDatabase(database)).rejects.toThrow(/in use by process/);
    }
    await first.close();
    expect(before.totalCount).toBe(305);
    expect(new Set(before.nodes.map((o: { source: string }) => o.source))).toEqual(
      new Set(["MALOMO", "FLEXPORT", "STOREFRONT", "TRACKMAGE"]),
    );

    const second = await startServer(config);
    const after = await ordersAt(second.url, second.demoKey);
    await second.close();
    expect(after).toEqual(before);
  } finally {
    await cleanUp();
  }
}, 120_000);
