// npm run export -- [--workspace <slug>] [--include LINE_ITEMS,SHIPMENTS,...] <file.jsonl[.gz]>
// Writes every order of the workspace to a file, one per line as the API
// shows it (the same lines as exportOrders), gzip when the name ends in .gz.
// Orders are read in keyset batches, so memory stays flat whatever the size.
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import cliProgress from "cli-progress";
import { createExportGzip, EXPORT_RELATIONS, type ExportRelation, exportBatches, lineWriter } from "../bulk/worker.js";
import { DEMO_WORKSPACE, ensureWorkspace } from "../db/workspaces.js";
import type { TransactionalSql } from "../store/executor.js";
import { countOrders } from "../store/orders.js";
import { fail, openCliDatabase, parseCommandLine } from "./common.js";

const USAGE = `usage: npm run export -- [--workspace <slug>] [--include ${EXPORT_RELATIONS.join(",")}] <file.jsonl[.gz]>`;

/** Writes the workspace's orders to `out`, a line each; returns how many. */
export async function exportOrders(options: {
  sql: TransactionalSql;
  workspaceId: string;
  include: ReadonlySet<ExportRelation>;
  out: Writable;
  onProgress?: (done: number) => void;
}): Promise<number> {
  let count = 0;
  const writeLines = lineWriter(options.out);
  for await (const batch of exportBatches(options.sql, options.workspaceId, null, null, options.include)) {
    await writeLines(batch);
    count += batch.count;
    options.onProgress?.(count);
  }
  return count;
}

async function main() {
  const args = parseCommandLine({ workspace: { type: "string" }, include: { type: "string" }, help: { type: "boolean" } }, USAGE);
  if (args.values.help) {
    console.log(USAGE);
    return;
  }
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) fail(USAGE);
  const include = new Set(
    (args.values.include?.split(",").map((name) => name.trim().toUpperCase()) ?? EXPORT_RELATIONS) as ExportRelation[],
  );
  const unknown = [...include].filter((name) => !EXPORT_RELATIONS.includes(name));
  if (unknown.length) fail(`unknown relation ${unknown.join(", ")}\n${USAGE}`);

  const db = await openCliDatabase();
  try {
    const workspace = await ensureWorkspace(db.sql, args.values.workspace ?? DEMO_WORKSPACE);
    const total = await countOrders(db.sql, workspace.id);
    const bar = process.stderr.isTTY
      ? new cliProgress.SingleBar(
          { format: "exporting [{bar}] {percentage}% | {value}/{total} orders | {eta_formatted} left", stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : null;
    bar?.start(total, 0);
    const started = performance.now();
    const fileStream = createWriteStream(file);
    const gzip = file.endsWith(".gz") ? createExportGzip() : null;
    const written = gzip ? pipeline(gzip, fileStream) : null;
    const out = gzip ?? fileStream;
    const count = await exportOrders({ sql: db.sql, workspaceId: workspace.id, include, out, onProgress: (done) => bar?.update(done) });
    out.end();
    await (written ?? once(fileStream, "finish"));
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    console.log(`${count} orders of workspace ${workspace.slug} in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s) to ${file}`);
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
