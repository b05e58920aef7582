// Workload: bulk import of native payloads from an NDJSON file (orders/s).

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiKey } from "../src/auth/api-keys.js";
import { importFile } from "../src/cli/import.js";
import { openPostgres } from "../src/db/index.js";
import { ensureWorkspace } from "../src/db/workspaces.js";
import { bulkImportConcurrency, type ImportSource } from "../src/services/imports.js";
import type { TransactionalSql } from "../src/store/executor.js";
import { refreshStatistics } from "../src/store/orders.js";
import { freshDatabase } from "./database.js";
import { IMPORT_SOURCES, nativeOrder } from "./native-orders.js";
import { startChild } from "./servers.js";

export type ImportBenchResult = { orders: number; seconds: number; ordersPerSecond: number; rssStartMb: number; rssPeakMb: number };

export async function importBench(count = 10_000): Promise<ImportBenchResult[]> {
  const url = await freshDatabase("gateway_bench_import");
  const dir = await mkdtemp(join(tmpdir(), "gateway-bench-"));
  const db = await openPostgres(url, { migrate: false });
  try {
    const workspace = await ensureWorkspace(db.sql, "bench");
    const results: ImportBenchResult[] = [];
    const fileOf = await writeSourceFiles(dir, count);
    // The files twice: new orders, then the same payloads again (all UNCHANGED).
    for (const expected of ["CREATED", "UNCHANGED"] as const) {
      // What autovacuum does soon after a load on a live server (this
      // machine's PostgreSQL runs without it): the planner learns the tables'
      // new size, and finds the lines by their hash index.
      if (expected === "UNCHANGED") await refreshStatistics(db.sql);
      const run = await importSourceFiles(db.sql, workspace.id, fileOf);
      const imported = run.counts[expected];
      results.push({
        orders: imported,
        seconds: run.seconds,
        ordersPerSecond: imported / run.seconds,
        rssStartMb: run.rss.startMb,
        rssPeakMb: run.rss.peakMb,
      });
    }
    return results;
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One NDJSON file of native orders per source in `dir`, `count` in all, as a source's export would be; where each is. */
export async function writeSourceFiles(dir: string, count: number, tag = "bench") {
  const fileOf = (source: ImportSource) => join(dir, `${source.toLowerCase()}.ndjson`);
  await mkdir(dir, { recursive: true });
  for (const source of IMPORT_SOURCES) {
    const out = createWriteStream(fileOf(source));
    for (let n = 0; n < count / IMPORT_SOURCES.length; n++) {
      if (!out.write(`${JSON.stringify(nativeOrder(source, n, tag))}\n`)) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
  }
  return fileOf;
}

/**
 * One NDJSON file per source through npm run import's importFile, one after
 * another: the outcomes counted, the time, and this process's RSS (MB).
 */
export async function importSourceFiles(sql: TransactionalSql, workspaceId: string, fileOf: (source: ImportSource) => string) {
  const mb = () => process.memoryUsage().rss / 2 ** 20;
  const rss = { startMb: mb(), peakMb: mb(), endMb: 0 };
  const counts = { CREATED: 0, UPDATED: 0, UNCHANGED: 0 };
  const started = performance.now();
  for (const source of IMPORT_SOURCES) {
    const summary = await importFile({
      store: sql,
      workspaceId,
      source,
      file: fileOf(source),
      concurrency: bulkImportConcurrency("postgres"),
      onProgress: () => {
        rss.peakMb = Math.max(rss.peakMb, mb());
      },
    });
    if (summary.failed) throw new Error(`bench import failed: ${JSON.stringify(summary.failures.slice(0, 3))}`);
    for (const outcome of ["CREATED", "UPDATED", "UNCHANGED"] as const) counts[outcome] += summary[outcome];
  }
  rss.endMb = mb();
  return { counts, seconds: (performance.now() - started) / 1000, rss };
}

/**
 * Workload: native orders pushed to POST /webhooks/{source} by a gateway
 * server, `perBody` orders a body, two bodies in flight (orders/s).
 */
export async function webhookBench(count = 10_000, perBody = 500): Promise<{ orders: number; seconds: number; ordersPerSecond: number }> {
  const url = await freshDatabase("gateway_bench_webhooks");
  const db = await openPostgres(url, { migrate: false });
  const workspace = await ensureWorkspace(db.sql, "bench");
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
