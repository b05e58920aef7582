// Pulling a source's orders: page through its list endpoint and import every
// order through the same mappers and upsert as importOrders, several pages
// a batch and several batches at a time. The position is saved after each
// batch, in page order, so an interrupted pull resumes where it stopped; a
// lease on the connection row keeps two instances from pulling it at once.
import type { Config } from "../config.js";
import { connectors, sourceHeaders, sourceLabel, sourceUrl } from "../connectors/index.js";
import { remoteErrorMessage } from "../domain/delivery.js";
import { crossesStatisticsMark } from "../domain/statistics.js";
import { fail, ok, type Result, type UserError } from "../domain/user-error.js";
import type { PrismaClient, SourceConnection } from "../generated/prisma/client.js";
import { OutboundError, type OutboundHttp } from "../outbound/http.js";
import { decryptSecret } from "../outbound/secrets.js";
import type { Outbox } from "../outbox/index.js";
import { SourcePayloadError } from "../sources/common.js";
import type { TransactionalSql } from "../store/executor.js";
import { refreshStatistics } from "../store/orders.js";
import { type ImportedOrder, type ImportResult, type ImportSource, importPayloadsReturningIds } from "./imports.js";

export type PullDeps = {
  prisma: PrismaClient;
  /** The order store, where pulled orders are imported. */
  store: TransactionalSql;
  http: OutboundHttp;
  outbox: Outbox;
  config: Pick<Config, "outbound" | "jobs">;
  /** Pages imported side by side (bulkImportConcurrency). */
  concurrency: number;
  /** Called after each page with its import results (for subscribers). */
  onImported?(workspaceId: string, results: ReadonlyArray<ImportResult<ImportedOrder>>): void;
};

export type PullSummary = {
  connection: SourceConnection;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: UserError[];
};

const MAX_REPORTED_ERRORS = 50;
const MAX_PAGES_PER_RUN = 100_000;

export async function pullSource(deps: PullDeps, workspaceId: string, source: ImportSource): Promise<Result<PullSummary>> {
  const label = sourceLabel(source);
  const pager = connectors[source].pull;
  if (!pager) return fail("VALIDATION", `${label}'s API has no order list to pull from.`, ["source"]);
  const connection = await deps.prisma.sourceConnection.findUnique({ where: { workspaceId_source: { workspaceId, source } } });
  if (!connection) return fail("NOT_FOUND", `There is no ${label} connection; add one with upsertSourceConnection.`, ["source"]);
  if (!connection.enabled) return fail("VALIDATION", `The ${label} connection is disabled.`, ["source"]);
  const lease = `${deps.config.jobs.pullLeaseSeconds} seconds`;
  const claimed = await deps.prisma.$queryRaw<Array<{ pull_position: string | null }>>`
    UPDATE source_connection SET pull_lease_until = now() + ${lease}::interval
    WHERE id = ${connection.id}::uuid AND (pull_lease_until IS NULL OR pull_lease_until < now())
    RETURNING pull_position`;
  if (!claimed.length) return fail("CONFLICT", `A pull of ${label} is already running; try again when it has finished.`, ["source"]);

  const totals = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  const errors: UserError[] = [];
  let position = claimed[0]!.pull_position;
  let problem: string | null = null;
  const token = decryptSecret(deps.config.outbound.encryptionKey, connection.apiTokenEncrypted);
  const fetchFrom = (from: string | null) => {
    const read = fetchPage(deps, connection.baseUrl, token, label, pager, from);
    read.catch(() => undefined); // awaited below, or dropped with the pull that stopped
    return read;
  };
  // Pages are imported a batch of several at a time, and batches side by
  // side (deps.concurrency), as bulk imports' batches are; each batch is
  // counted and its position saved in page order, once it has committed, so
  // a resumed pull never skips a page.
  const importing: Array<{ next: string | null; results: Promise<ImportResult<ImportedOrder>[]> }> = [];
  const finishOldest = async () => {
    const batch = importing.shift()!;
    const results = await batch.results;
    const before = totals.created + totals.updated + totals.unchanged + totals.failed;
    for (const result of results) {
      if (result.outcome === "ERROR") totals.failed++;
      else totals[result.outcome === "CREATED" ? "created" : result.outcome === "UPDATED" ? "updated" : "unchanged"]++;
      for (const error of result.errors) if (errors.length < MAX_REPORTED_ERRORS) errors.push(error);
    }
    deps.onImported?.(workspaceId, results);
    position = batch.next;
    await deps.prisma.$executeRaw`
      UPDATE source_connection SET pull_position = ${position}, pull_lease_until = now() + ${lease}::interval
      WHERE id = ${connection.id}::uuid`;
    // A long pull is a bulk load: the planner learns how big the tables got, as for npm run import.
    if (crossesStatisticsMark(before, before + results.length)) await refreshStatistics(deps.store);
  };
  let batch: PageBatch = { pages: [], orders: [] };
  const startBatch = async (next: string | null) => {
    const results = importPages(deps, workspaceId, source, batch);
    results.catch(() => undefined); // awaited by finishOldest
    importing.push({ next, results });
    batch = { pages: [], orders: [] };
    if (importing.length >= deps.concurrency) await finishOldest();
  };
  try {
    let from = position;
    let next = fetchFrom(from);
    for (let page = 0; page < MAX_PAGES_PER_RUN; page++) {
      const read = await next;
      if (!read.ok) {
        problem = read.problem;
        break;
      }
      // The next page travels while this one is written.
      if (read.next !== null) next = fetchFrom(read.next);
      batch.pages.push({ from, count: read.orders.length });
      batch.orders.push(...read.orders);
      from = read.next;
      if (batch.orders.length >= PULL_BATCH_ORDERS) await startBatch(from);
      if (from === null) break;
    }
    // The pages read and not yet imported: to the end of the list, or up to
    // the page that failed, where the pull resumes.
    if (batch.pages.length) await startBatch(from);
    while (importing.length) await finishOldest();
  } catch (error) {
    problem = `The pull stopped: ${(error as Error).message}`;
    throw error;
  } finally {
    // Pages still importing after a failure finish before the lease ends.
    await Promise.allSettled(importing.map((page) => page.results));
    // The lease ends now; its time also spaces scheduled pulls after a failure.
    await deps.prisma.$executeRaw`
      UPDATE source_connection SET pull_lease_until = now(), last_error = ${problem},
        last_pulled_at = CASE WHEN ${problem === null} THEN now() ELSE last_pulled_at END
      WHERE id = ${connection.id}::uuid`;
  }
  if (problem) errors.unshift({ code: "SOURCE_ERROR", message: problem, path: ["source"] });
  const updated = await deps.prisma.sourceConnection.findUniqueOrThrow({ where: { id: connection.id } });
  return ok({ connection: updated, ...totals, errors });
}

/**
 * Orders imported together, from pages read one after another: a batch's
 * fixed cost (its lookups, its transaction) spread over a page of 100 made
 * imports a third slower than in batches of 500.
 */
const PULL_BATCH_ORDERS = 500;

type PageBatch = { pages: Array<{ from: string | null; count: number }>; orders: unknown[] };

/** A batch's orders imported together, each error's path naming its page and its place there. */
async function importPages(deps: PullDeps, workspaceId: string, source: ImportSource, batch: PageBatch) {
  const results = await importPayloadsReturningIds(deps.store, workspaceId, source, batch.orders, deps.outbox, []);
  const pageOf: Array<{ from: string | null; offset: number }> = [];
  let offset = 0;
  for (const { from, count } of batch.pages) {
    for (let i = 0; i < count; i++) pageOf.push({ from, offset });
    offset += count;
  }
  return results.map((result) => {
    if (!result.errors.length) return result;
    const { from, offset } = pageOf[result.index]!;
    const place = ["page", from ?? "first", String(result.index - offset)];
    return { ...result, errors: result.errors.map((error) => ({ ...error, path: [...place, ...(error.path ?? []).slice(1)] })) };
  });
}

type PageRead = { ok: true; orders: unknown[]; next: string | null } | { ok: false; problem: string };

/** One page, validated before anything of it is written. */
async function fetchPage(
  deps: PullDeps,
  baseUrl: string,
  token: string,
  label: string,
  pager: NonNullable<(typeof connectors)[ImportSource]["pull"]>,
  position: string | null,
): Promise<PageRead> {
  const size = deps.config.jobs.pullPageSize;
  const where = position ? `the page at ${JSON.stringify(position)}` : "the first page";
  let response;
  try {
    response = await deps.http.send({
      method: "GET",
      url: sourceUrl(baseUrl, pager.pagePath(position, size)),
      headers: sourceHeaders(token),
    });
  } catch (error) {
    if (!(error instanceof OutboundError)) throw error;
    return { ok: false, problem: `${label} could not be reached for ${where}: ${error.message}` };
  }
  if (response.status < 200 || response.status >= 300) {
    return { ok: false, problem: `${label} refused ${where}: ${remoteErrorMessage(response.status, response.text)}` };
  }
  try {
    return { ok: true, ...pager.readPage(JSON.parse(response.text), position, size) };
  } catch (error) {
    const reason = error instanceof SourcePayloadError ? error.message : `it is not JSON (${(error as Error).message})`;
    return { ok: false, problem: `${label} sent a malformed ${where.replace(/^the /, "")}, so nothing of it was imported: ${reason}` };
  }
}
