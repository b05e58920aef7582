// Workload: bulk import of native payloads from an NDJSON file (orders/s).
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { importFile } from "../src/cli/import.js";
import { bulkImportConcurrency } from "../src/services/imports.js";
import { openPostgres } from "../src/db/index.js";
import { ensureWorkspace } from "../src/db/workspaces.js";
import { freshDatabase } from "./database.js";
import { IMPORT_SOURCES, nativeOrder } from "./native-orders.js";

export type ImportBenchResult = { orders: number; seconds: number; ordersPerSecond: number; rssStartMb: number; rssPeakMb: number };

export async function importBench(count = 10_000): Promise<ImportBenchResult[]> {
  const url = await freshDatabase("gateway_bench_import");
  const dir = await mkdtemp(join(tmpdir(), "gateway-bench-"));
  const db = await openPostgres(url, { migrate: false });
  try {
    const workspace = await ensureWorkspace(db.prisma, "bench");
    const results: ImportBenchResult[] = [];
    // One file per source, as a source's export would be.
    for (const source of IMPORT_SOURCES) {
      const file = join(dir, `${source.toLowerCase()}.ndjson`);
      const out = createWriteStream(file);
      for (let n = 0; n < count / IMPORT_SOURCES.length; n++) {
        if (!out.write(`${JSON.stringify(nativeOrder(source, n))}\n`)) await once(out, "drain");
      }
      out.end();
      await once(out, "finish");
    }
    // The files twice: new orders, then the same payloads again (all UNCHANGED).
    for (const expected of ["CREATED", "UNCHANGED"] as const) {
      const rssStart = process.memoryUsage().rss;
      let rssPeak = rssStart;
      const started = performance.now();
      let imported = 0;
      for (const source of IMPORT_SOURCES) {
        const summary = await importFile({
          prisma: db.prisma,
          workspaceId: workspace.id,
          source,
          file: join(dir, `${source.toLowerCase()}.ndjson`),
          concurrency: bulkImportConcurrency("postgres"),
          onProgress: () => {
            rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
          },
        });
        if (summary.failed.length) throw new Error(`bench import failed: ${JSON.stringify(summary.failed.slice(0, 3))}`);
        imported += summary[expected];
      }
      const seconds = (performance.now() - started) / 1000;
      results.push({
        orders: imported,
        seconds,
        ordersPerSecond: imported / seconds,
        rssStartMb: rssStart / 2 ** 20,
        rssPeakMb: rssPeak / 2 ** 20,
      });
    }
    return results;
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
