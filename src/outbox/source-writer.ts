// Sends one attempt of a SourceWrite. The write's row is the truth: a job for
// an attempt already made (a redelivered job) is skipped; a failure worth
// retrying queues the next attempt, spaced by backoff or the source's
// Retry-After, in the same transaction that records this one. A 429 or 503
// with Retry-After pauses every write to that connection until then, and only
// to that one: other sources and workspaces keep going.
import { routeFor, sourceHeaders, sourceLabel, sourceUrl } from "../connectors/index.js";
import { isRetryableStatus, remoteErrorMessage } from "../domain/delivery.js";
import type { SourceConnection, SourceWrite } from "../generated/prisma/client.js";
import { type AttemptJob, QUEUES } from "../jobs/queue.js";
import { OutboundError } from "../outbound/http.js";
import { decryptSecret } from "../outbound/secrets.js";
import { settleCancel } from "../services/orders.js";
import { SourcePayloadError } from "../sources/common.js";
import { addEvents, sourceOrderIdOf, updateSync } from "../store/orders.js";
import { first, q, run } from "../store/schema.js";
import { traceQueuedWork } from "../tracing.js";
import { nextAttemptDelayMs, type OutboundDeps } from "./deps.js";
import { createOutbox } from "./index.js";

type Outcome =
  | { kind: "succeeded"; status: number; createdId?: string }
  | { kind: "retrying"; status: number | null; error: string; delayMs: number; throttle: boolean }
  | { kind: "failed"; status: number | null; error: string }
  /** Not attempted: an earlier write of the order goes first, or the connection is paused until `until`. */
  | { kind: "waiting"; until?: Date };

export async function sendSourceWrite(deps: OutboundDeps, job: AttemptJob): Promise<void> {
  const write = await deps.prisma.sourceWrite.findUnique({ where: { id: job.id }, include: { connection: true } });
  if (write?.state !== "PENDING" || write.attempts !== job.attempt) return;
  const outcome = await traceQueuedWork("source.write", write.traceParent, () => attempt(deps, write));
  if (outcome.kind === "waiting") {
    const at = outcome.until ?? new Date(Date.now() + 1000);
    await deps.prisma.$transaction((tx) => deps.jobs.enqueue(tx, QUEUES.sourceWrite, job, at));
    return;
  }
  await record(deps, write, outcome);
}

async function attempt(deps: OutboundDeps, write: SourceWrite & { connection: SourceConnection }): Promise<Outcome> {
  const earlier = await deps.prisma.sourceWrite.findFirst({
    where: { orderId: write.orderId, state: "PENDING", id: { lt: write.id } },
    select: { id: true },
  });
  if (earlier) return { kind: "waiting" };
  const paused = write.connection.throttledUntil;
  if (paused && paused.getTime() > Date.now()) return { kind: "waiting", until: paused };
  const label = sourceLabel(write.connection.source);
  const route = routeFor(write.connection.source, write.operation);
  if (!route) return { kind: "failed", status: null, error: `${label} has no ${write.operation} operation.` };
  if (!write.connection.enabled) return { kind: "failed", status: null, error: `The ${label} connection is disabled.` };
  const sourceOrderId = write.sourceOrderId ?? (await currentSourceOrderId(deps, write.orderId));
  if (write.operation !== "createOrder" && !sourceOrderId) {
    return { kind: "failed", status: null, error: `The order has no ${label} id: it was never created there.` };
  }

  const attemptNumber = write.attempts + 1;
  let response;
  try {
    response = await deps.http.send({
      method: route.method,
      url: sourceUrl(write.connection.baseUrl, route.path(sourceOrderId ?? "")),
      headers: sourceHeaders(decryptSecret(deps.config.encryptionKey, write.connection.apiTokenEncrypted)),
      body: write.body == null ? undefined : JSON.stringify(write.body),
    });
  } catch (error) {
    if (!(error instanceof OutboundError)) throw error;
    const message = `${label} could not be reached: ${error.message}`;
    if (error.permanent) return { kind: "failed", status: null, error: message };
    return retryOrFail(deps, attemptNumber, null, message, null);
  }
  if (response.status >= 200 && response.status < 300) {
    if (!route.createdId) return { kind: "succeeded", status: response.status };
    try {
      return { kind: "succeeded", status: response.status, createdId: route.createdId(JSON.parse(response.text)) };
    } catch (error) {
      const reason = error instanceof SourcePayloadError ? error.message : `not JSON (${(error as Error).message})`;
      return { kind: "failed", status: response.status, error: `${label} answered the create with an unusable body: ${reason}` };
    }
  }
  const message = `${label} refused ${write.operation}: ${remoteErrorMessage(response.status, response.text)}`;
  if (!isRetryableStatus(response.status)) return { kind: "failed", status: response.status, error: message };
  return retryOrFail(deps, attemptNumber, response.status, message, response.headers.get("retry-after"));
}

function retryOrFail(deps: OutboundDeps, attemptNumber: number, status: number | null, error: string, retryAfter: string | null): Outcome {
  if (attemptNumber >= deps.config.maxAttempts) {
    return { kind: "failed", status, error: `${error} (gave up after ${attemptNumber} attempts)` };
  }
  return {
    kind: "retrying",
    status,
    error,
    delayMs: nextAttemptDelayMs(deps.config, attemptNumber, { status: status ?? undefined, retryAfter }),
    throttle: (status === 429 || status === 503) && retryAfter !== null,
  };
}

async function currentSourceOrderId(deps: OutboundDeps, orderId: string): Promise<string | null> {
  return sourceOrderIdOf(deps.store, orderId);
}

async function record(
  deps: OutboundDeps,
  write: SourceWrite & { connection: SourceConnection },
  outcome: Exclude<Outcome, { kind: "waiting" }>,
): Promise<void> {
  const route = routeFor(write.connection.source, write.operation);
  const attempts = write.attempts + 1;
  const now = new Date();
  deps.metrics.attempt(QUEUES.sourceWrite, outcome.kind);
  await deps.store.transaction(async (tx) => {
    // Claims this attempt: a concurrent duplicate of the job finds nothing to update.
    const claimed = await first(
      tx,
      q
        .updateTable("sourceWrite")
        .set({
          attempts,
          responseStatus: outcome.status,
          state: outcome.kind === "succeeded" ? "SYNCED" : outcome.kind === "failed" ? "FAILED" : "PENDING",
          lastError: outcome.kind === "succeeded" ? null : outcome.error,
          completedAt: outcome.kind === "retrying" ? null : now,
          nextAttemptAt: outcome.kind === "retrying" ? new Date(now.getTime() + outcome.delayMs) : null,
        })
        .where("id", "=", write.id)
        .where("state", "=", "PENDING")
        .where("attempts", "=", write.attempts)
        .returning("id"),
    );
    if (!claimed) return;
    if (outcome.kind === "succeeded") {
      if (outcome.createdId) {
        await run(
          tx,
          q
            .updateTable("sourceWrite")
            .set({ sourceOrderId: outcome.createdId })
            .where("orderId", "=", write.orderId)
            .where("sourceOrderId", "is", null)
            .where("state", "=", "PENDING"),
        );
      }
      if (route?.awaitsSource && write.operation === "cancelOrder")
        await settleCancel(tx, write.workspaceId, write.orderId, { accepted: true }, createOutbox(deps.jobs));
      const more = await first(
        tx,
        q.selectFrom("sourceWrite").select("id").where("orderId", "=", write.orderId).where("state", "=", "PENDING").limit(1),
      );
      await updateSync(tx, write.orderId, {
        ...(outcome.createdId ? { sourceOrderId: outcome.createdId } : {}),
        ...(more ? {} : { syncState: "SYNCED", syncError: null, syncedAt: now }),
        syncAttempts: attempts,
      });
    } else if (outcome.kind === "retrying") {
      await updateSync(tx, write.orderId, { syncAttempts: attempts, syncError: outcome.error });
      if (outcome.throttle) {
        await run(
          tx,
          q
            .updateTable("sourceConnection")
            .set({ throttledUntil: new Date(now.getTime() + outcome.delayMs) })
            .where("id", "=", write.connectionId),
        );
      }
      await deps.jobs.enqueue(tx, QUEUES.sourceWrite, { id: write.id, attempt: attempts }, new Date(now.getTime() + outcome.delayMs));
    } else if (route?.awaitsSource && write.operation === "cancelOrder") {
      await updateSync(tx, write.orderId, { syncState: "FAILED", syncAttempts: attempts, syncError: outcome.error });
      await settleCancel(tx, write.workspaceId, write.orderId, { accepted: false, reason: outcome.error }, createOutbox(deps.jobs));
    } else if (await updateSync(tx, write.orderId, { syncState: "FAILED", syncAttempts: attempts, syncError: outcome.error })) {
      await addEvents(tx, { id: write.orderId, workspaceId: write.workspaceId }, [
        {
          type: "source.sync_failed",
          label: outcome.error,
          properties: { operation: write.operation, attempts, responseStatus: outcome.status },
          occurredAt: now,
        },
      ]);
    }
  });
  if (outcome.kind === "failed")
    deps.logger.warn({ writeId: write.id, operation: write.operation, error: outcome.error }, "source write failed");
}
