// The write floor: the rows of the same native orders the import workload
// reads (orders, addresses, line items, shipments, scans, and the event an
// import records), built beforehand, then loaded through plain pg with one
// set-based statement per table and batch (json_populate_recordset). No
// mapping, no checks, no ORM: what PostgreSQL itself takes to write them here.
import pg from "pg";
import { openPostgres } from "../src/db/index.js";
import { ensureWorkspace } from "../src/db/workspaces.js";
import { withImportEvent } from "../src/services/imports.js";
import { mappers } from "../src/sources/index.js";
import { newOrderRows } from "../src/store/orders.js";
import { columnOf } from "../src/store/schema.js";
import { freshDatabase } from "./database.js";
import { IMPORT_SOURCES, nativeOrder } from "./native-orders.js";

const BATCH = 500;
const TABLES = [
  ["address", "addresses"],
  ["order", "orders"],
  ["line_item", "lineItems"],
  ["shipment", "shipments"],
  ["scan_event", "scanEvents"],
  ["order_event", "events"],
] as const;

export type WriteFloorResult = { orders: number; seconds: number; ordersPerSecond: number };

export async function writeFloor(count = 10_000): Promise<WriteFloorResult> {
  const url = await freshDatabase("gateway_bench_write_floor");
  const db = await openPostgres(url, { migrate: false });
  const workspaceId = (await ensureWorkspace(db.sql, "bench")).id;
  await db.close();
  const inputs = IMPORT_SOURCES.flatMap((source) =>
    Array.from({ length: count / IMPORT_SOURCES.length }, (_, n) => ({ input: withImportEvent(mappers[source](nativeOrder(source, n))) })),
  );
  // The store's rows carry their ids; columns they leave out keep their defaults.
  const batches: Array<Array<{ table: string; columns: string; json: string }>> = [];
  for (let i = 0; i < inputs.length; i += BATCH) {
    const rows = newOrderRows(workspaceId, inputs.slice(i, i + BATCH));
    batches.push(
      TABLES.flatMap(([table, key]) => {
        const list = (rows[key] as Array<Record<string, unknown>>).map((row) =>
          Object.fromEntries(Object.entries(row).map(([name, value]) => [columnOf(name), value])),
        );
        const columns = [...new Set(list.flatMap((row) => Object.keys(row)))].map((c) => `"${c}"`).join(", ");
        return list.length ? [{ table, columns, json: JSON.stringify(list) }] : [];
      }),
    );
  }
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    const client = await pool.connect();
    try {
      while (next < batches.length) {
        const batch = batches[next++]!;
        await client.query("BEGIN");
        for (const { table, columns, json } of batch) {
          await client.query(
            `INSERT INTO "${table}" (${columns}) SELECT ${columns} FROM json_populate_recordset(null::"${table}", $1::json)`,
            [json],
          );
        }
        await client.query("COMMIT");
      }
    } finally {
      client.release();
    }
  };
  await Promise.all([worker(), worker()]);
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return { orders: inputs.length, seconds, ordersPerSecond: inputs.length / seconds };
}
