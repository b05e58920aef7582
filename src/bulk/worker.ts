// Runs bulk operations on the job queue. A job works on its operation for a
// bounded time (well inside the queue's job timeout), records where it got
// to in the same row as its counts, and queues the next job to go on: a
// worker that dies loses at most its unrecorded part, which the next job
// redoes from the recorded cursor.
//
// Exports write gzip members (one per job) to an unfinished file, truncated
// back to the recorded size before going on; the file becomes readable only
// once whole. Imports read their uploaded NDJSON from the recorded byte
// offset and import it in batches through the same path as `npm run import`;
// a batch redone after a crash finds its orders by import hash (UNCHANGED),
// so no line is imported twice and none is skipped.
import { once } from "node:events";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { OrderFilter } from "../domain/order-filter.js";
import { crossesStatisticsMark } from "../domain/statistics.js";
import type { BulkOperation, Prisma, PrismaClient } from "../generated/prisma/client.js";
import { type AttemptJob, type JobQueue, QUEUES } from "../jobs/queue.js";
import type { Outbox } from "../outbox/index.js";
import { type ImportedOrder, type ImportResult, type ImportSource, importLines } from "../services/imports.js";
import { isBulkOperationCancelled, recordImportBatch } from "../store/bulk-operations.js";
import type { TransactionalSql } from "../store/executor.js";
import { type DocumentRelation, orderDocumentLines, orderIdsAfter } from "../store/order-documents.js";
import { refreshStatistics } from "../store/orders.js";
import type { BulkStorage } from "./storage.js";

export const EXPORT_RELATIONS = ["LINE_ITEMS", "ADDRESSES", "SHIPMENTS", "EVENTS"] as const satisfies readonly DocumentRelation[];
export type ExportRelation = (typeof EXPORT_RELATIONS)[number];

const EXPORT_BATCH = 500;
/**
 * Batches whose documents are built at once. One more than the two cores of
 * the machines measured: with two, the machine sat 10-19% idle while the
 * server took each batch's lines, and three exported 5-30% faster.
 */
const EXPORT_IN_FLIGHT = 3;
/**
 * The export's compression. Level 1: level 6 took longer than reading and
 * serializing the orders together. Output in 256 KB chunks rather than
 * zlib's 16 KB: a sixteenth of the callbacks, buffers and file writes, and
 * the server's CPU an order 6% lower (six side-by-side exports).
 */
export const createExportGzip = () => createGzip({ level: 1, chunkSize: 256 * 1024 });
const IMPORT_BATCH = 500;

export type BulkDeps = {
  prisma: PrismaClient;
  sql: TransactionalSql;
  storage: BulkStorage;
  jobs: JobQueue;
  outbox: Outbox;
  config: Config;
  logger: Logger;
  /** Orders an import changed, for subscribers. */
  onImported?: (workspaceId: string, results: ReadonlyArray<ImportResult<ImportedOrder>>) => void;
  /** Import batches in flight at once (bulkImportConcurrency, as npm run import has them). */
  concurrency: number;
};

export const exportKey = (id: string) => `${id}.jsonl.gz`;
export const importKey = (id: string) => `${id}.input.jsonl`;
export const resultKey = (id: string) => `${id}.errors.jsonl`;

const FINISHED = new Set(["COMPLETED", "FAILED", "CANCELLED"]);

export async function runBulkOperation(deps: BulkDeps, job: AttemptJob): Promise<void> {
  const { prisma } = deps;
  const op = await prisma.bulkOperation.findUnique({ where: { id: job.id } });
  if (!op || FINISHED.has(op.status)) return;
  if (op.kind === "EXPORT" && op.status === "CREATED") {
    const running = await prisma.bulkOperation.count({ where: { workspaceId: op.workspaceId, kind: "EXPORT", status: "RUNNING" } });
    if (running >= deps.config.bulk.exportsPerWorkspace) {
      await queueBulkJob(deps.prisma, deps.jobs, op.id, 2000);
      return;
    }
  }
  const claimed = await prisma.bulkOperation.updateMany({
    where: { id: op.id, status: { in: ["CREATED", "RUNNING"] } },
    data: { status: "RUNNING", startedAt: op.startedAt ?? new Date() },
  });
  if (!claimed.count) return;
  const deadline = Date.now() + deps.config.bulk.sliceMs;
  // The file the operation writes: dropped when it is cancelled or fails.
  const outputKey = op.kind === "EXPORT" ? exportKey(op.id) : resultKey(op.id);
  try {
    const done = op.kind === "EXPORT" ? await exportSlice(deps, op, deadline) : await importSlice(deps, op, deadline);
    if (done === "cancelled") await deps.storage.remove(outputKey);
    else if (done) await finish(deps, op);
    else await queueBulkJob(deps.prisma, deps.jobs, op.id);
  } catch (error) {
    deps.logger.error({ err: error, operationId: op.id }, "bulk operation failed");
    await deps.storage.remove(outputKey);
    await settle(deps, op, { status: "FAILED", error: `The operation failed: ${(error as Error).message}`, completedAt: new Date() });
  }
}

/** Queues more work on the operation (a hand-over): now (waking this process's worker), or after `delayMs`. */
async function queueBulkJob(prisma: PrismaClient, jobs: JobQueue, id: string, delayMs = 0) {
  await prisma.$transaction((tx) =>
    jobs.enqueue(tx, QUEUES.bulkOperation, { id, attempt: 0 }, delayMs ? new Date(Date.now() + delayMs) : undefined),
  );
  if (!delayMs) jobs.wake(QUEUES.bulkOperation);
}

// ---------------------------------------------------------------- export

type ExportCursor = { afterId: string | null; bytes: number };

async function exportSlice(deps: BulkDeps, op: BulkOperation, deadline: number): Promise<boolean | "cancelled"> {
  const cursor = (op.cursor as ExportCursor | null) ?? { afterId: null, bytes: 0 };
  const include = new Set(op.include as ExportRelation[]);
  const key = exportKey(op.id);
  // Published already by a job that died before recording it: only the ending is left to do.
  if ((await deps.storage.size(key)) != null) return true;
  const gzip = createExportGzip();
  const written = pipeline(gzip, await deps.storage.append(key, cursor.bytes));
  const writeLines = lineWriter(gzip);
  let { afterId } = cursor;
  let count = op.objectCount;
  let done = true;
  let cancelled = false;
  try {
    // At least one batch a slice, however short the slice.
    for await (const batch of exportBatches(deps.sql, op.workspaceId, op.filter as OrderFilter | null, afterId, include)) {
      await writeLines(batch);
      afterId = batch.lastId;
      count += batch.count;
      if (!batch.full) break;
      if (await isBulkOperationCancelled(deps.sql, op.id)) {
        cancelled = true;
        break;
      }
      if (Date.now() >= deadline) {
        done = false;
        break;
      }
    }
  } finally {
    gzip.end();
    await written;
  }
  if (cancelled) return "cancelled";
  const next: ExportCursor = { afterId, bytes: await deps.storage.partialSize(key) };
  const recorded = await deps.prisma.bulkOperation.updateMany({
    where: { id: op.id, status: "RUNNING" },
    data: { cursor: next, objectCount: count },
  });
  return recorded.count ? done : "cancelled";
}

/**
 * The workspace's orders matching `filter` after `afterId`, as document
 * lines, a batch at a time. The ids run ahead, and the documents of up to
 * EXPORT_IN_FLIGHT batches are built side by side (the database builds them,
 * and each batch takes one of its cores) while the caller writes the last.
 */
export async function* exportBatches(
  sql: TransactionalSql,
  workspaceId: string,
  filter: OrderFilter | null,
  afterId: string | null,
  include: ReadonlySet<ExportRelation>,
): AsyncGenerator<ExportBatch> {
  const pending: Array<{ lastId: string; full: boolean; documents: ReturnType<typeof orderDocumentLines> }> = [];
  let after = afterId;
  let more = true;
  try {
    for (;;) {
      while (more && pending.length < EXPORT_IN_FLIGHT) {
        const ids = await orderIdsAfter(sql, workspaceId, filter, after, EXPORT_BATCH);
        more = ids.length === EXPORT_BATCH;
        if (!ids.length) break;
        after = ids.at(-1)!;
        const documents = orderDocumentLines(sql, ids, include);
        // A caller that stops early leaves reads unused: not an unhandled failure.
        documents.catch(() => {});
        pending.push({ lastId: after, full: more, documents });
      }
      const next = pending.shift();
      if (!next) return;
      const { lines, count } = await next.documents;
      yield { lastId: next.lastId, full: next.full, lines, count };
    }
  } finally {
    await Promise.allSettled(pending.map((batch) => batch.documents));
  }
}

export type ExportBatch = {
  /** The last order id of the batch: where the next one starts. */
  lastId: string;
  /** Whether the batch was full (a short one is the last). */
  full: boolean;
  /** The orders' lines, each ending in a line break, in chunks that need not end where a line does. */
  lines: Buffer[];
  /** How many orders. */
  count: number;
};

/**
 * The size of the pieces the lines go to the stream in. COPY's chunks are
 * the socket's reads (about 10-12 KB while the database is busy), and zlib's
 * CPU per byte roughly doubles for pieces that small. The pieces' buffers
 * are reused once the stream has taken them: a new buffer per piece tripled
 * the server's garbage collection.
 */
const PIECE_SIZE = 128 * 1024;

/** Writes batches of lines to `out` in pieces of PIECE_SIZE, waiting when the stream asks to. */
export function lineWriter(out: Writable): (batch: ExportBatch) => Promise<void> {
  const free: Buffer[] = [];
  const send = (piece: Buffer, length: number) => out.write(piece.subarray(0, length), () => free.push(piece));
  return async (batch) => {
    let drained = true;
    let piece = free.pop() ?? Buffer.allocUnsafe(PIECE_SIZE);
    let used = 0;
    for (const chunk of batch.lines) {
      for (let at = 0; at < chunk.length; ) {
        const copied = chunk.copy(piece, used, at);
        at += copied;
        used += copied;
        if (used < PIECE_SIZE) continue;
        drained = send(piece, used);
        piece = free.pop() ?? Buffer.allocUnsafe(PIECE_SIZE);
        used = 0;
      }
    }
    if (used) drained = send(piece, used);
    else free.push(piece);
    if (!drained) await once(out, "drain");
  };
}

// ---------------------------------------------------------------- import

type ImportCursor = { line: number; bytes: number };
type BatchOutcome = Awaited<ReturnType<typeof importBatch>>;

/**
 * Imports the upload from the recorded cursor, `deps.concurrency` batches at
 * a time as npm run import has them: a new batch starts as soon as the oldest
 * one ends. Batches are recorded in line order, each once it has committed,
 * so the cursor never passes a line that is not imported; the records run one
 * after another beside the imports, which do not wait for them.
 */
async function importSlice(deps: BulkDeps, op: BulkOperation, deadline: number): Promise<boolean | "cancelled"> {
  let cursor = (op.cursor as ImportCursor | null) ?? { line: 0, bytes: 0 };
  const lines = readLines(deps.storage.read(op.inputKey!, { start: cursor.bytes }));
  const inFlight: Array<{ end: ImportCursor; outcome: Promise<BatchOutcome> }> = [];
  let batch: Array<{ line: number; text: string }> = [];
  let line = cursor.line;
  let bytes = cursor.bytes;
  // False once a record finds the operation no longer running (cancelled).
  let live = true;
  let records: Promise<void> = Promise.resolve();
  let recordFailure: unknown = null;
  const start = () => {
    if (!batch.length) return;
    const outcome = importBatch(deps, op, batch);
    // Awaited in turn by finishOldest; a slice that ends early still waits for it.
    outcome.catch(() => {});
    inFlight.push({ end: { line, bytes }, outcome });
    batch = [];
  };
  const record = async (end: ImportCursor, outcome: BatchOutcome): Promise<boolean> => {
    const before = cursor.line;
    cursor = end;
    const running = await recordImportBatch(deps.sql, op.id, { cursor, ...outcome });
    // As npm run import does: the planner learns how big the tables got at 5,000 lines, then each time they quadrupled.
    if (crossesStatisticsMark(before, end.line)) await refreshStatistics(deps.sql);
    return running;
  };
  /** Waits for the oldest batch and queues its record behind the others. */
  const finishOldest = async () => {
    const { end, outcome } = inFlight.shift()!;
    const done = await outcome;
    records = records
      .then(async () => {
        if (live) live = await record(end, done);
      })
      .catch((error) => {
        recordFailure ??= error;
        live = false;
      });
  };
  /** Waits for every batch and record; whether the operation is still running. */
  const settle = async () => {
    while (inFlight.length) await finishOldest();
    await records;
    if (recordFailure) throw recordFailure;
    return live;
  };
  try {
    for await (const { text, length } of lines) {
      line++;
      bytes += length;
      if (!text.trim()) continue;
      batch.push({ line, text });
      if (batch.length < IMPORT_BATCH) continue;
      start();
      if (inFlight.length < deps.concurrency) continue;
      await finishOldest();
      if (!live || Date.now() >= deadline) return (await settle()) ? false : "cancelled";
    }
    start();
    if (!(await settle())) return "cancelled";
  } finally {
    // Whatever ended the slice, the batches and records under way finish before it does.
    await Promise.allSettled(inFlight.map((batch) => batch.outcome));
    await records;
    await lines.return(undefined);
  }
  // Blank lines at the end still count as read.
  if (line !== cursor.line)
    await deps.prisma.bulkOperation.updateMany({
      where: { id: op.id, status: "RUNNING" },
      data: { cursor: { line, bytes }, objectCount: line },
    });
  return true;
}

async function importBatch(deps: BulkDeps, op: BulkOperation, batch: ReadonlyArray<{ line: number; text: string }>) {
  const failures: Array<{ line: number; errors: Array<{ code: string; message: string }> }> = [];
  const results = await importLines(
    deps.sql,
    op.workspaceId,
    op.source as ImportSource,
    batch.map(({ text }) => text),
    deps.outbox,
    ["line"],
  );
  deps.onImported?.(op.workspaceId, results);
  for (const result of results) {
    if (result.outcome === "ERROR")
      failures.push({ line: batch[result.index]!.line, errors: result.errors.map(({ code, message }) => ({ code, message })) });
  }
  const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
  return { failures, created: count("CREATED"), updated: count("UPDATED"), unchanged: count("UNCHANGED") };
}

/** The stream's lines (without their \n or \r\n) with their length in bytes including the line break. */
async function* readLines(stream: AsyncIterable<Buffer>): AsyncGenerator<{ text: string; length: number }> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    let data: Buffer = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let end = data.indexOf(10); end >= 0; end = data.indexOf(10, start)) {
      yield { text: data.toString("utf8", start, end).replace(/\r$/, ""), length: end + 1 - start };
      start = end + 1;
    }
    rest = data.subarray(start);
    data = rest;
  }
  if (rest.length) yield { text: rest.toString("utf8"), length: rest.length };
}

// ---------------------------------------------------------------- finishing

async function finish(deps: BulkDeps, op: BulkOperation) {
  const completedAt = new Date();
  const expiresAt = new Date(completedAt.getTime() + deps.config.bulk.retentionMs);
  if (op.kind === "EXPORT") {
    const fileSize = (await deps.storage.size(exportKey(op.id))) ?? (await deps.storage.publish(exportKey(op.id)));
    await settle(deps, op, { status: "COMPLETED", resultKey: exportKey(op.id), fileSize: BigInt(fileSize), completedAt, expiresAt });
    return;
  }
  // The failed lines, in line order, as the result file.
  const key = resultKey(op.id);
  const out = await deps.storage.append(key, 0);
  const failures = await deps.prisma.bulkOperationError.findMany({ where: { operationId: op.id }, orderBy: { line: "asc" } });
  await pipeline(
    (async function* () {
      for (const failure of failures) yield `${JSON.stringify({ line: failure.line, errors: failure.errors })}\n`;
    })(),
    out,
  );
  await deps.storage.publish(key);
  await settle(deps, op, { status: "COMPLETED", resultKey: key, completedAt, expiresAt });
  // After the ending is recorded: a job that died before it reads the input again.
  await deps.storage.remove(importKey(op.id));
}

/** Records how the operation ended (unless it was cancelled meanwhile) and tells the workspace's subscribed endpoints. */
type Ending = Pick<Prisma.BulkOperationUpdateManyMutationInput, "status" | "error" | "resultKey" | "completedAt" | "expiresAt"> & {
  fileSize?: bigint;
};

async function settle(deps: BulkDeps, op: BulkOperation, data: Ending) {
  const updated = await deps.prisma.bulkOperation.updateMany({ where: { id: op.id, status: "RUNNING" }, data });
  if (!updated.count) return;
  // Read again: the counts moved since this job loaded the operation.
  const finished = (await deps.prisma.bulkOperation.findUnique({ where: { id: op.id } }))!;
  await deps.sql.transaction((tx) =>
    deps.outbox.recordEvent(tx, op.workspaceId, "BULK_OPERATION_FINISHED", { bulkOperation: bulkOperationDocument(finished) }),
  );
}

/** Where the operation's file is downloaded, once it is COMPLETED and until the file expires. */
export function bulkOperationUrl(op: Pick<BulkOperation, "id" | "status" | "resultKey">): string | null {
  return op.resultKey && op.status === "COMPLETED" ? `/bulk/${encodeGlobalID("BulkOperation", op.id)}` : null;
}

/** A bulk operation as the API shows it, for the BULK_OPERATION_FINISHED webhook. */
export function bulkOperationDocument(op: BulkOperation) {
  const id = encodeGlobalID("BulkOperation", op.id);
  return {
    id,
    kind: op.kind,
    status: op.status,
    objectCount: op.objectCount,
    failedCount: op.failedCount,
    fileSize: op.fileSize == null ? null : Number(op.fileSize),
    error: op.error,
    url: bulkOperationUrl(op),
    completedAt: op.completedAt?.toISOString() ?? null,
  };
}
