// The write floor: the rows of the same native orders the import workload
// reads (orders, addresses, line items, shipments, scans, events), built
// beforehand, then loaded through plain pg with one set-based statement per
// table and batch (json_populate_recordset). No mapping, no checks, no ORM:
// what PostgreSQL itself takes to write them here.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { newOrderRows } from "../src/db/orders.js";
import { ensureWorkspace } from "../src/db/workspaces.js";
import { openPostgres } from "../src/db/index.js";
import { mappers } from "../src/sources/index.js";
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

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export async function writeFloor(count = 10_000): Promise<{ orders: number; seconds: number; ordersPerSecond: number }> {
  const url = await freshDatabase("gateway_bench_write_floor");
  const db = await openPostgres(url, { migrate: false });
  const workspaceId = (await ensureWorkspace(db.prisma, "bench")).id;
  await db.close();
  const inputs = IMPORT_SOURCES.flatMap((source) =>
    Array.from({ length: count / IMPORT_SOURCES.length }, (_, n) => ({ input: mappers[source](nativeOrder(source, n)) })),
  );
  const now = new Date().toISOString();
  const batches: Array<Array<{ table: string; columns: string[]; json: string }>> = [];
  for (let i = 0; i < inputs.length; i += BATCH) {
    const rows = newOrderRows(workspaceId, inputs.slice(i, i + BATCH));
    batches.push(
      TABLES.map(([table, key]) => {
        const list = (rows[key] as Array<Record<string, unknown>>).map((row) => {
          // Ids Prisma would make client-side (@default(uuid(7))).
          const out: Record<string, unknown> = { id: randomUUID(), created_at: now, updated_at: now };
          for (const [name, value] of Object.entries(row)) out[snake(name)] = value instanceof Date ? value.toISOString() : value;
          return out;
        });
        const columns = [...new Set(list.flatMap((row) => Object.keys(row)))];
        return { table, columns, json: JSON.stringify(list) };
      }),
    );
  }
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const known = new Map<string, Set<string>>();
  for (const [table] of TABLES) {
    const { rows } = await pool.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = $1`, [table]);
    known.set(table, new Set(rows.map((r) => r.column_name)));
  }
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    const client = await pool.connect();
    try {
      while (next < batches.length) {
        const batch = batches[next++]!;
        await client.query("BEGIN");
        for (const { table, columns, json } of batch) {
          if (!columns.length) continue;
          const present = columns.filter((c) => known.get(table)!.has(c)).map((c) => `"${c}"`).join(", ");
          await client.query(`INSERT INTO "${table}" (${present}) SELECT ${present} FROM json_populate_recordset(null::"${table}", $1::json)`, [json]);
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
