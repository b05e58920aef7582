// The export floor: the seeded workspace's documents, built by the store's
// own document SQL, copied out through plain pg in one COPY per connection
// (two connections, half of the orders each) and compressed as the export
// compresses them, into files. No keyset pages, job queue, cancellation
// checks or server: what PostgreSQL and zlib take to write the export here.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { createExportGzip, EXPORT_RELATIONS } from "../src/bulk/worker.js";
import { COPY_SESSION_OPTIONS } from "../src/db/index.js";
import { isUuid } from "../src/domain/ids.js";
import { copyStatement } from "../src/store/executor.js";
import { orderDocumentSelect } from "../src/store/order-documents.js";

export type ExportFloorResult = { orders: number; seconds: number; ordersPerSecond: number };

export async function exportFloor(url: string, workspaceId: string): Promise<ExportFloorResult> {
  // COPY takes no parameters: the workspace's id is written into the statement.
  if (!isUuid(workspaceId)) throw new Error(`export floor: not a workspace id: ${workspaceId}`);
  const dir = await mkdtemp(join(tmpdir(), "gateway-bench-export-floor-"));
  const pool = new pg.Pool({ connectionString: url, max: 2, options: COPY_SESSION_OPTIONS });
  try {
    const workspace = `o.workspace_id = '${workspaceId}'`;
    const counted = await pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM "order" o WHERE ${workspace}`);
    const count = counted.rows[0]!.count;
    const halfway = await pool.query<{ id: string }>(
      `SELECT id FROM "order" o WHERE ${workspace} ORDER BY id OFFSET ${count >> 1} LIMIT 1`,
    );
    const middle = halfway.rows[0]!.id;
    const include = new Set(EXPORT_RELATIONS);
    const halves = [`o.id < '${middle}'`, `o.id >= '${middle}'`].map((half) => orderDocumentSelect(include, `${workspace} AND ${half}`));
    const started = performance.now();
    await Promise.all(
      halves.map(async (select, i) => {
        const client = await pool.connect();
        try {
          const copy = client.query(copyTo(copyStatement(select, "STDOUT")));
          await pipeline(copy, createExportGzip(), createWriteStream(join(dir, `${i}.jsonl.gz`)));
        } finally {
          client.release();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { orders: count, seconds, ordersPerSecond: count / seconds };
  } finally {
    await pool.end();
    await rm(dir, { recursive: true, force: true });
  }
}
