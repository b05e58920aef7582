// npm run import -- --source <malomo|flexport|storefront|trackmage> [--workspace <slug>] <file.json|file.ndjson>
// Imports a file of native orders through the same path as importOrders.
// NDJSON is streamed line by line (never loaded whole); a .json file holds one
// order or an array of them.
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import cliProgress from "cli-progress";
import { DEMO_WORKSPACE, ensureWorkspace } from "../db/workspaces.js";
import { crossesStatisticsMark } from "../domain/statistics.js";
import { bulkImportConcurrency, type ImportOutcome, type ImportSource, importLines, importPayloads } from "../services/imports.js";
import { sourceNamed } from "../sources/index.js";
import type { TransactionalSql } from "../store/executor.js";
import { refreshStatistics } from "../store/orders.js";
import { fail, openCliDatabase, parseCommandLine } from "./common.js";

const USAGE = "usage: npm run import -- --source <malomo|flexport|storefront|trackmage> [--workspace <slug>] <file.json|file.ndjson>";

/**
 * A payload, or an NDJSON line still unparsed (importLines parses only the
 * lines it has not imported before); `at` is its place in the file.
 */
type Item = { at: number; label: string } & ({ payload: unknown } | { line: string } | { unreadable: string });
type Failure = { at: number; label: string; reason: string };
/** Outcomes counted; of the items that failed, the first few in the file kept to be shown (a file of failures must not fill memory). */
type Summary = Record<Exclude<ImportOutcome, "ERROR">, number> & { failed: number; failures: Failure[] };

/** Failures kept and printed; the rest are counted. */
const LISTED_FAILURES = 50;

/** Payloads imported together (importPayloads): a few statements per batch rather than per order. */
const BATCH_SIZE = 500;

export async function importFile(options: {
  store: TransactionalSql;
  workspaceId: string;
  source: ImportSource;
  file: string;
  /** Batches in flight at once. */
  concurrency?: number;
  onProgress?: (done: number, bytesRead: number) => void;
}): Promise<Summary> {
  const summary: Summary = { CREATED: 0, UPDATED: 0, UNCHANGED: 0, failed: 0, failures: [] };
  const running = new Set<Promise<void>>();
  let done = 0;
  let bytesRead = 0;
  let batch: Item[] = [];
  // The planner learns how big the tables got at 5,000 orders, then each time the import has quadrupled.
  let analyzedAt = 0;
  const start = (items: Item[]) => {
    const task = importBatch(options, items, summary).then(() => {
      running.delete(task);
      done += items.length;
      options.onProgress?.(done, bytesRead);
    });
    running.add(task);
  };
  for await (const items of readItems(options.file, (bytes) => (bytesRead = bytes))) {
    for (const item of items) {
      batch.push(item);
      if (batch.length < BATCH_SIZE) continue;
      start(batch);
      batch = [];
      if (crossesStatisticsMark(analyzedAt, done)) {
        analyzedAt = done;
        await refreshStatistics(options.store);
      }
      // Bounded batches in flight keep memory flat: the reader waits for a free slot.
      if (running.size >= (options.concurrency ?? 2)) await Promise.race(running);
    }
  }
  if (batch.length) start(batch);
  await Promise.all(running);
  return summary;
}

async function importBatch(
  options: { store: TransactionalSql; workspaceId: string; source: ImportSource },
  items: Item[],
  summary: Summary,
) {
  const readable: Array<Exclude<Item, { unreadable: string }>> = [];
  for (const item of items) {
    if ("unreadable" in item) addFailure(summary, { at: item.at, label: item.label, reason: item.unreadable });
    else readable.push(item);
  }
  // One file's items: all NDJSON lines, or all payloads of a .json file.
  const lines = readable.flatMap((item) => ("line" in item ? [item.line] : []));
  const payloads = readable.flatMap((item) => ("payload" in item ? [item.payload] : []));
  const { store, workspaceId, source } = options;
  const results = lines.length
    ? await importLines(store, workspaceId, source, lines)
    : await importPayloads(store, workspaceId, source, payloads);
  for (const [i, result] of results.entries()) {
    if (result.outcome === "ERROR")
      addFailure(summary, { at: readable[i]!.at, label: readable[i]!.label, reason: result.errors.map((e) => e.message).join("; ") });
    else summary[result.outcome]++;
  }
}

/** Counts a failure and keeps it if it is among the first in the file (batches can finish out of order). */
function addFailure(summary: Summary, failure: Failure) {
  summary.failed++;
  const { failures } = summary;
  const place = failures.findLastIndex((kept) => kept.at < failure.at) + 1;
  failures.splice(place, 0, failure);
  if (failures.length > LISTED_FAILURES) failures.pop();
}

/** Line breaks as readline knows them: \n, \r\n, or a lone \r. */
const LINE_BREAK = /\r\n|\r|\n/;

/**
 * The file's items, a chunk's worth at a time: an NDJSON file is split into
 * lines here rather than by readline, whose promise per line was a tenth of
 * importing a file of unchanged lines.
 */
async function* readItems(file: string, onBytes: (bytes: number) => void): AsyncGenerator<Item[]> {
  if (/\.(ndjson|jsonl)$/i.test(file)) {
    const stream = createReadStream(file, { encoding: "utf8" });
    let number = 0;
    const itemsOf = (lines: string[]): Item[] => {
      const items: Item[] = [];
      for (const line of lines) {
        number++;
        if (line.trim()) items.push({ at: number, label: `line ${number}`, line });
      }
      return items;
    };
    let rest = "";
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      // A \r at the very end may be the first half of a \r\n: it waits for the next chunk.
      const end = text.endsWith("\r") ? text.length - 2 : text.length - 1;
      const last = end < 0 ? -1 : Math.max(text.lastIndexOf("\n", end), text.lastIndexOf("\r", end));
      rest = text.slice(last + 1);
      onBytes(stream.bytesRead);
      if (last >= 0)
        yield itemsOf(
          text
            .slice(0, last + 1)
            .split(LINE_BREAK)
            .slice(0, -1),
        );
    }
    if (rest) yield itemsOf(rest.split(LINE_BREAK));
    return;
  }
  const text = await readFile(file, "utf8");
  onBytes(Buffer.byteLength(text));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    yield [{ at: 0, label: file, unreadable: `not valid JSON (${(error as Error).message})` }];
    return;
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  yield list.map((payload, index) => ({ at: index, label: `order ${index}`, payload }));
}

async function main() {
  const args = parseCommandLine({ source: { type: "string" }, workspace: { type: "string" }, help: { type: "boolean" } }, USAGE);
  if (args.values.help) {
    console.log(USAGE);
    return;
  }
  const source = sourceNamed(args.values.source ?? "");
  const file = args.positionals[0];
  if (!source || !file || args.positionals.length > 1) fail(USAGE);
  const size = await stat(file).then(
    (s) => s.size,
    () => fail(`cannot read ${file}`),
  );

  const db = await openCliDatabase();
  try {
    const workspace = await ensureWorkspace(db.sql, args.values.workspace ?? DEMO_WORKSPACE);
    const bar = process.stderr.isTTY
      ? new cliProgress.SingleBar(
          { format: "importing [{bar}] {percentage}% | {orders} orders | {eta_formatted} left", stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : null;
    bar?.start(size, 0, { orders: 0 });
    const started = performance.now();
    const summary = await importFile({
      store: db.sql,
      workspaceId: workspace.id,
      source,
      file,
      concurrency: bulkImportConcurrency(db.kind),
      onProgress(done, bytes) {
        bar?.update(bytes, { orders: done });
        if (!bar && done % 1000 === 0) console.error(`${done} orders imported`);
      },
    });
    bar?.update(size);
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    const total = summary.CREATED + summary.UPDATED + summary.UNCHANGED + summary.failed;
    console.log(`${total} orders in ${seconds.toFixed(1)} s (${Math.round(total / seconds)}/s) into workspace ${workspace.slug}`);
    console.log(`created ${summary.CREATED}, updated ${summary.UPDATED}, unchanged ${summary.UNCHANGED}, failed ${summary.failed}`);
    for (const failure of summary.failures) console.log(`  ${failure.label}: ${failure.reason}`);
    if (summary.failed > summary.failures.length) console.log(`  ... and ${summary.failed - summary.failures.length} more`);
    process.exitCode = summary.failed ? 2 : 0;
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
