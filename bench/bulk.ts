// Workloads: a bulk export of a seeded workspace (orders/s, the server's RSS
// at start, peak and end) on a gateway server of its own (dist/, as
// production runs it), and a bulk import of NDJSON files uploaded to
// POST /bulk/imports beside the same files through npm run import's path
// (orders/s).

import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createApiKey } from "../src/auth/api-keys.js";
import { openPostgres } from "../src/db/index.js";
import { ensureWorkspace } from "../src/db/workspaces.js";
import type { ImportSource } from "../src/services/imports.js";
import { freshDatabase } from "./database.js";
import { importSourceFiles, writeSourceFiles } from "./import.js";
import { IMPORT_SOURCES } from "./native-orders.js";
import { type Child, startChild } from "./servers.js";

const execFileAsync = promisify(execFile);

const SERVER_ENV = {
  NODE_ENV: "production",
  ENCRYPTION_KEY: "0".repeat(64),
  DEMO_DATA: "false",
  RATE_LIMIT_PER_MINUTE: "0",
  LOG_LEVEL: "warn",
};

export type BulkBenchResult = {
  orders: number;
  seconds: number;
  /** Of `seconds`, the time spent sending the files (HTTP only). */
  uploadSeconds?: number;
  ordersPerSecond: number;
  rss: { startMb: number; peakMb: number; endMb: number };
};

async function graphql(server: Child, key: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as { data?: any; errors?: unknown };
  if (!answer.data) throw new Error(`bulk bench: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

/**
 * Polls the operation until it ends, sampling the server's RSS; throws unless
 * it COMPLETED. Polls are spaced as a client would space them: the time
 * taken comes from the operation's own completedAt, not from the poll that
 * saw it.
 */
async function awaitOperation(server: Child, key: string, id: string, rss: { peakMb: number }) {
  for (;;) {
    rss.peakMb = Math.max(rss.peakMb, server.rssMb());
    const { bulkOperation } = await graphql(
      server,
      key,
      `query($id: ID!) { bulkOperation(id: $id) { status objectCount createdCount failedCount error completedAt } }`,
      { id },
    );
    if (bulkOperation.status === "COMPLETED") return { ...bulkOperation, completedAt: Date.parse(bulkOperation.completedAt) };
    if (bulkOperation.status !== "CREATED" && bulkOperation.status !== "RUNNING")
      throw new Error(`bulk bench: ${JSON.stringify(bulkOperation)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

type ExportRun = { orders: number; seconds: number; ordersPerSecond: number };

export type ExportBenchResult = {
  /** The server's first export (code and connections cold). */
  first: ExportRun;
  /** A second export on the same server. */
  second: ExportRun;
  /** Over both exports. */
  rss: { startMb: number; peakMb: number; endMb: number };
};

/**
 * Exports every order of the seeded workspace, with every relation, twice on
 * one server: its first export and a second (warm, as the HTTP import below
 * is measured), its RSS over both.
 */
export async function exportBench(url: string, workspaceId: string): Promise<ExportBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), "gateway-bench-bulk-"));
  const db = await openPostgres(url, { migrate: false });
  const { key } = await createApiKey(db.prisma, workspaceId, "READ", { label: "bulk bench" });
  await db.close();
  const server = await startChild("gateway", "dist/main.js", 5676, { ...SERVER_ENV, DATABASE_URL: url, BULK_DIR: dir }, "/health");
  try {
    const rss = { startMb: server.rssMb(), peakMb: server.rssMb(), endMb: 0 };
    const exportOnce = async (): Promise<ExportRun> => {
      const started = Date.now();
      const { exportOrders } = await graphql(server, key, `mutation { exportOrders { bulkOperation { id } errors { message } } }`);
      const done = await awaitOperation(server, key, exportOrders.bulkOperation.id, rss);
      const seconds = (done.completedAt - started) / 1000;
      return { orders: done.objectCount, seconds, ordersPerSecond: done.objectCount / seconds };
    };
    const first = await exportOnce();
    const second = await exportOnce();
    rss.endMb = server.rssMb();
    return { first, second, rss };
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The same NDJSON files (one per source) imported twice, each time into a
 * fresh database: uploaded to POST /bulk/imports on a gateway server, one
 * after another, each waited for; and through npm run import's importFile
 * in this process. Both orders/s.
 */
export async function bulkImportBench(count: number): Promise<{ http: BulkBenchResult; cli: BulkBenchResult }> {
  const dir = await mkdtemp(join(tmpdir(), "gateway-bench-bulk-"));
  try {
    const fileOf = await writeSourceFiles(dir, count, "bulk");
    const http = await uploadFiles(dir, fileOf);
    const cli = await importFiles(fileOf);
    return { http, cli };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function uploadFiles(dir: string, fileOf: (source: ImportSource) => string): Promise<BulkBenchResult> {
  const url = await freshDatabase("gateway_bench_bulk_import");
  const db = await openPostgres(url, { migrate: false });
  const workspace = await ensureWorkspace(db.sql, "bench");
  const { key } = await createApiKey(db.prisma, workspace.id, "WRITE", { label: "bulk bench" });
  // The CLI path runs in this process, warm from the import section: the
  // server imports a few files of another workspace first, so that both are
  // compared warm.
  const warmUp = await createApiKey(db.prisma, (await ensureWorkspace(db.sql, "warm-up")).id, "WRITE", { label: "warm-up" });
  await db.close();
  const server = await startChild(
    "gateway",
    "dist/main.js",
    5677,
    { ...SERVER_ENV, DATABASE_URL: url, BULK_DIR: join(dir, "files") },
    "/health",
  );
  /** Uploads one file and waits for its import; the orders it created and the time from upload to completedAt. */
  const upload = async (apiKey: string, source: ImportSource, file: string, rss: { peakMb: number }) => {
    const started = Date.now();
    const response = await postFile(`${server.url}/bulk/imports?source=${source.toLowerCase()}`, apiKey, file);
    const answer = JSON.parse(response.body) as { bulkOperation?: { id: string } };
    if (response.status !== 202) throw new Error(`bulk import bench: ${response.status} ${response.body}`);
    const uploadMilliseconds = Date.now() - started;
    const done = await awaitOperation(server, apiKey, answer.bulkOperation!.id, rss);
    if (done.failedCount) throw new Error(`bulk import bench: ${done.failedCount} lines failed`);
    return { created: done.createdCount as number, milliseconds: done.completedAt - started, uploadMilliseconds };
  };
  try {
    const warmUpFileOf = await writeSourceFiles(join(dir, "warm-up"), 4_000, "warm-up");
    for (const source of IMPORT_SOURCES) await upload(warmUp.key, source, warmUpFileOf(source), { peakMb: 0 });
    const rss = { startMb: server.rssMb(), peakMb: server.rssMb(), endMb: 0 };
    // Each file from the start of its upload to its operation's completedAt (the same clock).
    let milliseconds = 0;
    let uploadMilliseconds = 0;
    let created = 0;
    for (const source of IMPORT_SOURCES) {
      const done = await upload(key, source, fileOf(source), rss);
      created += done.created;
      milliseconds += done.milliseconds;
      uploadMilliseconds += done.uploadMilliseconds;
    }
    const seconds = milliseconds / 1000;
    rss.endMb = server.rssMb();
    return { orders: created, seconds, uploadSeconds: uploadMilliseconds / 1000, ordersPerSecond: created / seconds, rss };
  } finally {
    await server.stop();
  }
}

/**
 * POSTs the file with curl, as docs/bulk.md shows a partner doing it (`-T`
 * streams the file with its Content-Length). Not from this process: Node's
 * fetch took about 1.2 s of its CPU to send a 62 MB file and node:http
 * about 0.5 s for 107 MB, on the same two cores as the server, and they
 * took two to five times curl's time to send it.
 */
async function postFile(url: string, apiKey: string, file: string): Promise<{ status: number; body: string }> {
  const { stdout } = await execFileAsync("curl", [
    "--silent",
    "--show-error",
    "--request",
    "POST",
    "--upload-file",
    file,
    "--header",
    "content-type: application/x-ndjson",
    "--header",
    `authorization: Bearer ${apiKey}`,
    "--write-out",
    "\n%{http_code}",
    url,
  ]);
  const at = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) };
}

async function importFiles(fileOf: (source: ImportSource) => string): Promise<BulkBenchResult> {
  const db = await openPostgres(await freshDatabase("gateway_bench_bulk_import"), { migrate: false });
  try {
    const workspace = await ensureWorkspace(db.sql, "bench");
    const run = await importSourceFiles(db.sql, workspace.id, fileOf);
    return { orders: run.counts.CREATED, seconds: run.seconds, ordersPerSecond: run.counts.CREATED / run.seconds, rss: run.rss };
  } finally {
    await db.close();
  }
}

// Standalone: npx tsx bench/bulk.ts <database url> <workspace id> [import count]
if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, workspaceId, count] = process.argv.slice(2);
  const exported = await exportBench(url!, workspaceId!);
  console.log("export", JSON.stringify(exported));
  const imported = await bulkImportBench(Number(count ?? 10_000));
  console.log("import", JSON.stringify(imported));
  process.exit(0);
}
