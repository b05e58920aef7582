// Partner deliveries in the database: the events feed, the delivery table as
// the dispatcher's queue (rows claimed for a lease, outcomes written in
// batches), and the log of every attempt.
import { sql as rawSql } from "kysely";
import type { DeliveryStatus, WebhookTopic } from "../generated/prisma/client.js";
import { currentTraceParent } from "../tracing.js";
import type { Sql } from "./executor.js";
import { newId } from "./ids.js";
import { insertInto, insertRows } from "./orders.js";
import { anyOf, q, run } from "./schema.js";

export type NewEvent = { id: string; workspaceId: string; topic: WebhookTopic; body: string; occurredAt: Date };
export type NewDelivery = { endpointId: string; eventId: string; topic: WebhookTopic; body: string };

/** Delivery rows, due now, each with its id and the trace of the work that queues it. */
function deliveryRows(deliveries: readonly NewDelivery[]) {
  const traceParent = currentTraceParent();
  return deliveries.map((delivery) => ({ id: newId(), ...delivery, traceParent }));
}

/** Records an event in the feed and, in the same statement, a delivery of it to each of `endpointIds`. */
export async function insertEvent(tx: Sql, event: NewEvent, endpointIds: readonly string[]): Promise<void> {
  const eventInsert = insertInto("webhookEvent", [event])!;
  const deliveryInsert = insertInto(
    "webhookDelivery",
    deliveryRows(endpointIds.map((endpointId) => ({ endpointId, eventId: event.id, topic: event.topic, body: event.body }))),
  );
  await run(tx, (deliveryInsert ? rawSql`WITH event AS (${eventInsert}) ${deliveryInsert}` : eventInsert).compile(q));
}

/**
 * New deliveries of events already made (a test ping, a redelivery, a
 * replay), due now, in the order given; claimed for `claimForMs` from the
 * start when the caller sends them itself, so no poll takes them first.
 * Returns their ids.
 */
export async function insertDeliveries(tx: Sql, deliveries: readonly NewDelivery[], claimForMs?: number): Promise<string[]> {
  const lockedUntil = claimForMs === undefined ? null : new Date(Date.now() + claimForMs);
  const rows = deliveryRows(deliveries).map((row) => ({ ...row, lockedUntil }));
  await insertRows(tx, "webhookDelivery", rows);
  return rows.map((row) => row.id);
}

// ---------------------------------------------------------------- the dispatcher's queue

export type ClaimedDelivery = {
  id: string;
  endpointId: string;
  eventId: string;
  body: string;
  /** Attempts made before this one. */
  attempts: number;
  traceParent: string | null;
  url: string;
  secretEncrypted: string;
  previousSecretEncrypted: string | null;
  previousSecretExpiresAt: Date | null;
};

const claimedColumns = [
  "webhookDelivery.id",
  "webhookDelivery.endpointId",
  "webhookDelivery.eventId",
  "webhookDelivery.body",
  "webhookDelivery.attempts",
  "webhookDelivery.traceParent",
  "e.url",
  "e.secretEncrypted",
  "e.previousSecretEncrypted",
  "e.previousSecretExpiresAt",
] as const;

const leaseUntil = (leaseMs: number) => rawSql<Date>`now() + ${leaseMs} * interval '1 millisecond'`;
const now = rawSql<Date>`now()`;

/**
 * Claims up to `limit` due deliveries to enabled endpoints for `leaseMs`, at
 * most `perEndpoint` in flight per endpoint counting those `inFlight` already
 * holds: a slow endpoint's backlog stays in the table for the others to pass.
 * Rows another dispatcher holds are skipped.
 */
export function claimDue(
  sql: Sql,
  options: { limit: number; perEndpoint: number; inFlight: ReadonlyMap<string, number>; leaseMs: number },
): Promise<ClaimedDelivery[]> {
  const busyIds = [...options.inFlight.keys()];
  const busyCounts = [...options.inFlight.values()];
  // Endpoints with no room are left out before their deliveries are looked at.
  const saturated = busyIds.filter((_, i) => busyCounts[i]! >= options.perEndpoint);
  const claimable = q
    .selectFrom("webhookEndpoint as e")
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom("webhookDelivery as d")
          .select("d.id")
          .whereRef("d.endpointId", "=", "e.id")
          .where("d.status", "=", "PENDING")
          .where("d.nextAttemptAt", "<=", now)
          .where((w) => w.or([w("d.lockedUntil", "is", null), w("d.lockedUntil", "<", now)]))
          .orderBy("d.nextAttemptAt")
          .orderBy("d.id")
          .limit(
            rawSql<number>`greatest(0, ${options.perEndpoint}::int - coalesce((SELECT busy.n FROM unnest(${busyIds}::uuid[], ${busyCounts}::int[]) AS busy(id, n) WHERE busy.id = e.id), 0))`,
          )
          .forUpdate()
          .skipLocked()
          .as("due"),
      (join) => join.onTrue(),
    )
    .select("due.id")
    .where("e.enabled", "=", true)
    .$if(saturated.length > 0, (query) => query.where("e.id", "<>", rawSql<string>`all(${saturated}::uuid[])`))
    .limit(options.limit);
  return run(
    sql,
    q
      .updateTable("webhookDelivery")
      .set({ lockedUntil: leaseUntil(options.leaseMs) })
      .from([claimable.as("claimed"), "webhookEndpoint as e"])
      .whereRef("webhookDelivery.id", "=", "claimed.id")
      .whereRef("e.id", "=", "webhookDelivery.endpointId")
      .returning(claimedColumns),
  );
}

/** Deliveries by id, as a claim answers them (for those the caller inserted claimed). */
export function deliveriesByIds(sql: Sql, ids: readonly string[]): Promise<ClaimedDelivery[]> {
  return run(
    sql,
    q
      .selectFrom("webhookDelivery")
      .innerJoin("webhookEndpoint as e", "e.id", "webhookDelivery.endpointId")
      .select(claimedColumns)
      .where("webhookDelivery.id", "=", anyOf(ids))
      .orderBy("webhookDelivery.id"),
  );
}

/** What one attempt came to. */
export type AttemptOutcome = {
  deliveryId: string;
  endpointId: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  attemptedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  error: string | null;
  /** The first 1 KB of the answer. */
  responseBody: string | null;
  /** The delivery's state after it: PENDING with nextAttemptAt when it will be tried again. */
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
};

/**
 * Writes a batch of attempts: each delivery's new state (only if it is still
 * the attempt that was claimed), the attempt log, and each endpoint's count of
 * failures in a row. Returns the endpoints' counts where they changed.
 */
export async function recordAttempts(tx: Sql, outcomes: readonly AttemptOutcome[]): Promise<Map<string, number>> {
  const states = outcomes.map((outcome) => ({
    id: outcome.deliveryId,
    attempts: outcome.attempt,
    status: outcome.status,
    response_status: outcome.responseStatus,
    last_error: outcome.error,
    delivered_at: outcome.status === "DELIVERED" ? outcome.attemptedAt : null,
    next_attempt_at: outcome.nextAttemptAt,
  }));
  await run(
    tx,
    q
      .updateTable("webhookDelivery")
      .from(
        rawSql<{
          id: string;
          attempts: number;
          status: DeliveryStatus;
          responseStatus: number | null;
          lastError: string | null;
          deliveredAt: Date | null;
          nextAttemptAt: Date | null;
        }>`(SELECT * FROM json_to_recordset(${JSON.stringify(states)}::json) AS r(id uuid, attempts int, status "DeliveryStatus", response_status int, last_error text, delivered_at timestamptz, next_attempt_at timestamptz))`.as(
          "outcome",
        ),
      )
      .set((eb) => ({
        attempts: eb.ref("outcome.attempts"),
        status: eb.ref("outcome.status"),
        responseStatus: eb.ref("outcome.responseStatus"),
        lastError: eb.ref("outcome.lastError"),
        deliveredAt: eb.ref("outcome.deliveredAt"),
        nextAttemptAt: eb.fn.coalesce("outcome.nextAttemptAt", "webhookDelivery.nextAttemptAt"),
        lockedUntil: null,
      }))
      .whereRef("webhookDelivery.id", "=", "outcome.id")
      .where("webhookDelivery.status", "=", "PENDING")
      .where((eb) => eb("webhookDelivery.attempts", "=", eb(eb.ref("outcome.attempts"), "-", 1))),
  );
  await insertRows(
    tx,
    "webhookAttempt",
    outcomes.map((outcome) => ({
      id: newId(),
      deliveryId: outcome.deliveryId,
      attemptedAt: outcome.attemptedAt,
      durationMs: outcome.durationMs,
      responseStatus: outcome.responseStatus,
      error: outcome.error,
      responseBody: outcome.responseBody,
    })),
  );

  // Per endpoint, in the order the attempts ended: whether one succeeded, and the failures since.
  const streaks = new Map<string, { reset: boolean; failures: number }>();
  for (const outcome of [...outcomes].sort((a, b) => a.attemptedAt.getTime() + a.durationMs - (b.attemptedAt.getTime() + b.durationMs))) {
    const streak = streaks.get(outcome.endpointId) ?? { reset: false, failures: 0 };
    if (outcome.status === "DELIVERED") streaks.set(outcome.endpointId, { reset: true, failures: 0 });
    else streaks.set(outcome.endpointId, { ...streak, failures: streak.failures + 1 });
  }
  const counts = [...streaks].map(([id, streak]) => ({ id, ...streak }));
  const rows = await run(
    tx,
    q
      .updateTable("webhookEndpoint")
      .from(
        rawSql<{
          id: string;
          reset: boolean;
          failures: number;
        }>`(SELECT * FROM json_to_recordset(${JSON.stringify(counts)}::json) AS r(id uuid, reset boolean, failures int))`.as("streak"),
      )
      .set((eb) => ({
        consecutiveFailures: eb
          .case()
          .when("streak.reset", "=", true)
          .then(eb.ref("streak.failures"))
          .else(eb(eb.ref("webhookEndpoint.consecutiveFailures"), "+", eb.ref("streak.failures")))
          .end(),
      }))
      .whereRef("webhookEndpoint.id", "=", "streak.id")
      // A success at an endpoint that had no failures changes nothing: no row is rewritten.
      .where((eb) => eb.or([eb("streak.failures", ">", 0), eb("webhookEndpoint.consecutiveFailures", ">", 0)]))
      .returning(["webhookEndpoint.id", "webhookEndpoint.consecutiveFailures"]),
  );
  return new Map(rows.map((row) => [row.id, row.consecutiveFailures]));
}

/** Disables enabled endpoints, saying why, and fails what was still waiting for them. Returns those it disabled. */
export async function disableEndpoints(
  tx: Sql,
  endpoints: ReadonlyArray<{ id: string; reason: string }>,
): Promise<Array<{ id: string; workspaceId: string; url: string; disabledAt: Date | null; disabledReason: string | null }>> {
  const disabled = [];
  for (const endpoint of endpoints) {
    const [row] = await run(
      tx,
      q
        .updateTable("webhookEndpoint")
        .set({ enabled: false, disabledAt: now, disabledReason: endpoint.reason })
        .where("id", "=", endpoint.id)
        .where("enabled", "=", true)
        .returning(["id", "workspaceId", "url", "disabledAt", "disabledReason"]),
    );
    if (!row) continue;
    disabled.push(row);
    await run(
      tx,
      q
        .updateTable("webhookDelivery")
        .set({ status: "FAILED", lastError: `Not sent: the endpoint was disabled (${endpoint.reason})`, lockedUntil: null })
        .where("endpointId", "=", endpoint.id)
        .where("status", "=", "PENDING"),
    );
  }
  return disabled;
}

// ---------------------------------------------------------------- the events feed

/** Where a reader of the feed is: after the event at (txId, seq). */
export type FeedPosition = { txId: string; seq: string };
export type FeedEvent = { id: string; topic: WebhookTopic; body: string; occurredAt: Date } & FeedPosition;

// Qualified: the select's own txId and seq (their text) would otherwise be what ORDER BY sorts.
const txId = rawSql<string>`webhook_event.tx_id`;
/** Rows of transactions older than every one still running: no row can commit before them any more. */
const settled = rawSql<boolean>`webhook_event.tx_id < pg_snapshot_xmin(pg_current_snapshot())`;

/** The workspace's events after `after`, in order, of `topics` (all when null), settled ones only. */
export function eventsAfter(
  sql: Sql,
  workspaceId: string,
  options: { after: FeedPosition | null; topics: readonly WebhookTopic[] | null; limit: number; occurredFrom?: Date; occurredUntil?: Date },
): Promise<FeedEvent[]> {
  return run(
    sql,
    q
      .selectFrom("webhookEvent")
      .select(["id", "topic", "body", "occurredAt", rawSql<string>`tx_id::text`.as("txId"), rawSql<string>`seq::text`.as("seq")])
      .where("workspaceId", "=", workspaceId)
      .where(settled)
      .$if(options.after !== null, (query) =>
        query.where(rawSql<boolean>`(${txId}, webhook_event.seq) > (${options.after!.txId}::xid8, ${options.after!.seq}::bigint)`),
      )
      .$if(options.topics !== null, (query) => query.where("topic", "=", anyOf(options.topics! as WebhookTopic[])))
      .$if(options.occurredFrom !== undefined, (query) => query.where("occurredAt", ">=", options.occurredFrom!))
      .$if(options.occurredUntil !== undefined, (query) => query.where("occurredAt", "<", options.occurredUntil!))
      .orderBy(txId)
      .orderBy("webhookEvent.seq")
      .limit(options.limit),
  );
}

/** Deletes up to `batch` events and finished deliveries older than `before`; returns how many rows went. */
export async function pruneBefore(sql: Sql, before: Date, batch: number): Promise<number> {
  const events = await run(
    sql,
    q
      .deleteFrom("webhookEvent")
      .where("id", "in", q.selectFrom("webhookEvent").select("id").where("occurredAt", "<", before).limit(batch))
      .returning("id"),
  );
  const deliveries = await run(
    sql,
    q
      .deleteFrom("webhookDelivery")
      .where(
        "id",
        "in",
        q
          .selectFrom("webhookDelivery")
          .select("id")
          .where("createdAt", "<", before)
          .where("status", "in", ["DELIVERED", "FAILED"])
          .limit(batch),
      )
      .returning("id"),
  );
  return events.length + deliveries.length;
}
