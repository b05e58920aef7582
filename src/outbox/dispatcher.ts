// Delivers partner webhooks. The delivery table is the queue: the dispatcher
// claims due rows in batches for a lease (a crashed process's claims pass to
// another once it runs out), sends them side by side with at most
// WEBHOOK_ENDPOINT_CONCURRENCY in flight per endpoint, so a slow partner only
// slows itself, and writes the outcomes of whatever finished meanwhile in one
// transaction. Each attempt is signed the Standard Webhooks way: webhook-id is
// the event id (the same on every retry and redelivery), and during a secret
// rotation webhook-signature carries a signature by each secret.
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Logger } from "pino";
import { Webhook } from "standardwebhooks";
import type { Config } from "../config.js";
import { remoteErrorMessage, scheduledRetryDelayMs, webhookVerdict } from "../domain/delivery.js";
import { OutboundError, type OutboundHttp } from "../outbound/http.js";
import { decryptSecret } from "../outbound/secrets.js";
import type { TransactionalSql } from "../store/executor.js";
import {
  type AttemptOutcome,
  type ClaimedDelivery,
  claimDue,
  deliveriesByIds,
  disableEndpoints,
  insertDeliveries,
  type NewDelivery,
  recordAttempts,
} from "../store/webhooks.js";
import { traceQueuedWork } from "../tracing.js";
import type { Outbox } from "./index.js";
import type { OutboundMetrics } from "./metrics.js";

export type WebhookDispatcher = {
  /** Looks for due deliveries now rather than at the next poll. */
  wake(): void;
  /**
   * Makes these deliveries, claimed by this process from the start, and
   * sends them at once; resolves with their ids when their attempts are recorded.
   */
  deliverNow(deliveries: readonly NewDelivery[]): Promise<string[]>;
  stop(): Promise<void>;
};

export type DispatcherDeps = {
  store: TransactionalSql;
  http: OutboundHttp;
  outbox: Outbox;
  config: Config["outbound"];
  metrics: OutboundMetrics;
  logger: Logger;
  /**
   * How often to look for due deliveries while there are some, and at most
   * how long to wait while there are none (the wait doubles from pollMs).
   * Null: only deliverNow sends (an instance without workers).
   */
  poll: { activeMs: number; idleMs: number } | null;
};

/** The part of an answer kept in the attempt log. */
const LOGGED_BODY_CHARS = 1024;
/** Deliveries claimed per statement. */
const CLAIM_BATCH = 100;

export function createWebhookDispatcher(deps: DispatcherDeps): WebhookDispatcher {
  const { config } = deps;
  const leaseMs = config.timeoutMs * 2 + 10_000;
  const inFlight = new Map<string, number>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  // ------------------------------------------------------------ sending

  const signers = new Map<string, Webhook>();
  const signerFor = (secretEncrypted: string) => {
    let signer = signers.get(secretEncrypted);
    if (!signer) {
      if (signers.size >= 1000) signers.clear();
      signer = new Webhook(decryptSecret(config.encryptionKey, secretEncrypted));
      signers.set(secretEncrypted, signer);
    }
    return signer;
  };

  async function attempt(delivery: ClaimedDelivery): Promise<{ outcome: AttemptOutcome; gone: boolean }> {
    const attemptedAt = new Date();
    const started = performance.now();
    let responseStatus: number | null = null;
    let responseBody: string | null = null;
    let error: string | null = null;
    let retryAfter: string | null = null;
    let permanent = false;
    let gone = false;
    try {
      const secrets = [delivery.secretEncrypted];
      if (delivery.previousSecretEncrypted && delivery.previousSecretExpiresAt && delivery.previousSecretExpiresAt > attemptedAt) {
        secrets.push(delivery.previousSecretEncrypted);
      }
      const response = await deps.http.send({
        method: "POST",
        url: delivery.url,
        headers: {
          "content-type": "application/json",
          "webhook-id": delivery.eventId,
          "webhook-timestamp": String(Math.floor(attemptedAt.getTime() / 1000)),
          "webhook-signature": secrets.map((secret) => signerFor(secret).sign(delivery.eventId, attemptedAt, delivery.body)).join(" "),
        },
        body: delivery.body,
      });
      responseStatus = response.status;
      responseBody = response.text.slice(0, LOGGED_BODY_CHARS);
      const verdict = webhookVerdict(response.status);
      if (verdict !== "delivered") {
        error = remoteErrorMessage(response.status, response.text);
        retryAfter = response.headers.get("retry-after");
        gone = verdict === "gone";
      }
    } catch (caught) {
      if (!(caught instanceof OutboundError)) throw caught;
      error = caught.message;
      permanent = caught.permanent;
    }
    const number = delivery.attempts + 1;
    const delay =
      error === null || permanent || gone
        ? null
        : scheduledRetryDelayMs(config.webhookSchedule, number, { status: responseStatus ?? undefined, retryAfter });
    return {
      gone,
      outcome: {
        deliveryId: delivery.id,
        endpointId: delivery.endpointId,
        attempt: number,
        attemptedAt,
        durationMs: Math.round(performance.now() - started),
        responseStatus,
        error,
        responseBody,
        status: error === null ? "DELIVERED" : delay === null ? "FAILED" : "PENDING",
        nextAttemptAt: delay === null ? null : new Date(Date.now() + delay),
      },
    };
  }

  // ------------------------------------------------------------ recording, in batches

  let finished: Array<{ outcome: AttemptOutcome; gone: boolean; recorded: () => void }> = [];
  let recording: Promise<void> | null = null;

  function record(result: { outcome: AttemptOutcome; gone: boolean }): Promise<void> {
    return new Promise((recorded) => {
      finished.push({ ...result, recorded });
      recording ??= recordFinished().finally(() => {
        recording = null;
      });
    });
  }

  async function recordFinished(): Promise<void> {
    while (finished.length) {
      const batch = finished;
      finished = [];
      try {
        await deps.store.transaction(async (tx) => {
          const failures = await recordAttempts(
            tx,
            batch.map((item) => item.outcome),
          );
          const reasons = new Map<string, string>();
          for (const item of batch) if (item.gone) reasons.set(item.outcome.endpointId, "the endpoint answered 410 Gone");
          for (const [id, count] of failures) {
            if (count >= config.webhookDisableAfter && !reasons.has(id)) reasons.set(id, `${count} failed attempts in a row`);
          }
          if (!reasons.size) return;
          const disabled = await disableEndpoints(
            tx,
            [...reasons].map(([id, reason]) => ({ id, reason })),
          );
          for (const endpoint of disabled) {
            deps.logger.warn({ endpointId: endpoint.id, url: endpoint.url, reason: endpoint.disabledReason }, "webhook endpoint disabled");
            await deps.outbox.recordEvent(tx, endpoint.workspaceId, "ENDPOINT_DISABLED", {
              endpoint: {
                id: encodeGlobalID("WebhookEndpoint", endpoint.id),
                url: endpoint.url,
                disabledAt: endpoint.disabledAt,
                disabledReason: endpoint.disabledReason,
              },
            });
          }
        });
        for (const item of batch) {
          const { status } = item.outcome;
          deps.metrics.attempt("webhook-delivery", status === "DELIVERED" ? "succeeded" : status === "FAILED" ? "failed" : "retrying");
        }
      } catch (error) {
        // The claims lapse and the deliveries are sent again: at least once, never lost.
        deps.logger.error({ err: error }, "recording webhook attempts failed");
      }
      for (const item of batch) item.recorded();
    }
  }

  // ------------------------------------------------------------ claiming

  function start(delivery: ClaimedDelivery): Promise<void> {
    inFlight.set(delivery.endpointId, (inFlight.get(delivery.endpointId) ?? 0) + 1);
    const work = traceQueuedWork("webhook.deliver", delivery.traceParent, () => attempt(delivery))
      .then(record)
      .catch((error) => deps.logger.error({ err: error, deliveryId: delivery.id }, "webhook attempt failed"))
      .finally(() => {
        const left = inFlight.get(delivery.endpointId)! - 1;
        if (left) inFlight.set(delivery.endpointId, left);
        else inFlight.delete(delivery.endpointId);
        running.delete(work);
        soon();
      });
    running.add(work);
    return work;
  }

  let claiming = false;
  let claimAgain = false;
  /** Claims and starts what is due; returns how many (or -1 when a claim was already under way). */
  async function claim(): Promise<number> {
    if (claiming) {
      claimAgain = true;
      return -1;
    }
    claiming = true;
    let started = 0;
    try {
      do {
        claimAgain = false;
        while (!stopped && running.size < config.webhookConcurrency) {
          const limit = Math.min(CLAIM_BATCH, config.webhookConcurrency - running.size);
          const claimed = await claimDue(deps.store, { limit, perEndpoint: config.webhookEndpointConcurrency, inFlight, leaseMs });
          for (const delivery of claimed) start(delivery);
          started += claimed.length;
          if (claimed.length < limit) break;
        }
      } while (claimAgain && !stopped);
    } catch (error) {
      deps.logger.error({ err: error }, "claiming webhook deliveries failed");
    } finally {
      claiming = false;
    }
    return started;
  }

  // Completions come in bursts: one claim serves all that end within a few milliseconds.
  let soonTimer: NodeJS.Timeout | null = null;
  function soon() {
    if (stopped || deps.poll === null || soonTimer) return;
    soonTimer = setTimeout(() => {
      soonTimer = null;
      void claim();
    }, 2);
  }

  // Polls: often while deliveries keep coming, backing off while none do.
  let poller: NodeJS.Timeout | null = null;
  const poll = async (waitMs: number) => {
    const found = await claim();
    if (stopped || !deps.poll) return;
    const next = found !== 0 || running.size > 0 ? deps.poll.activeMs : Math.min(waitMs * 2, deps.poll.idleMs);
    poller = setTimeout(() => void poll(next), next).unref();
  };
  if (deps.poll) void poll(deps.poll.activeMs);

  return {
    wake: soon,
    async deliverNow(deliveries) {
      const ids = await insertDeliveries(deps.store, deliveries, leaseMs);
      await Promise.all((await deliveriesByIds(deps.store, ids)).map(start));
      return ids;
    },
    async stop() {
      stopped = true;
      if (poller) clearTimeout(poller);
      if (soonTimer) clearTimeout(soonTimer);
      await Promise.all(running);
      await recording;
    },
  };
}
