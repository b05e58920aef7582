// Workload: bulk import of native payloads from an NDJSON file (orders/s).

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiKey } from "../src/auth/api-keys.js";
import { importFile } from "../src/cli/import.js";
import { openPostgres } from "../src/db/index.js";
import { ensureWorkspace } from "../src/db/workspaces.js";
import { bulkImportConcurrency } from "../src/services/imports.js";
import { freshDatabase } from "./database.js";
import { IMPORT_SOURCES, nativeOrder } from "./native-orders.js";
import { startChild } from "./servers.js";

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
          store: db.sql,
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

/**
 * Workload: native orders pushed to POST /webhooks/{source} by a gateway
 * server, `perBody` orders a body, two bodies in flight (orders/s).
 */
export async function webhookBench(count = 10_000, perBody = 500): Promise<{ orders: number; seconds: number; ordersPerSecond: number }> {
  const url = await freshDatabase("gateway_bench_webhooks");
  const db = await openPostgres(url, { migrate: false });
  const workspace = await ensureWorkspace(db.prisma, "bench");
  const { key } = await createApiKey(db.prisma, workspace.id, "WRITE", { label: "bench" });
  await db.close();
  const env = {
    DATABASE_URL: url,
    NODE_ENV: "production",
    ENCRYPTION_KEY: "0".repeat(64),
    DEMO_DATA: "false",
    RATE_LIMIT_PER_MINUTE: "0",
    LOG_LEVEL: "warn",
  };
  const server = await startChild("gateway", "dist/main.js", 5675, env, "/health");
  try {
    const bodies = IMPORT_SOURCES.flatMap((source) => {
      const orders = Array.from({ length: count / IMPORT_SOURCES.length }, (_, n) => nativeOrder(source, n, "hook"));
      return Array.from({ length: Math.ceil(orders.length / perBody) }, (_, i) => ({
        source,
        body: JSON.stringify(orders.slice(i * perBody, (i + 1) * perBody)),
      }));
    });
    let next = 0;
    let imported = 0;
    const started = performance.now();
    const sender = async () => {
      while (next < bodies.length) {
        const { source, body } = bodies[next++]!;
        const response = await fetch(`${server.url}/webhooks/${source.toLowerCase()}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body,
        });
        const answer = (await response.json()) as { summary?: { created: number } };
        if (response.status !== 200) throw new Error(`webhook bench: ${response.status} ${JSON.stringify(answer).slice(0, 300)}`);
        imported += answer.summary!.created;
      }
    };
    await Promise.all([sender(), sender()]);
    const seconds = (performance.now() - started) / 1000;
    return { orders: imported, seconds, ordersPerSecond: imported / seconds };
  } finally {
    await server.stop();
  }
}
