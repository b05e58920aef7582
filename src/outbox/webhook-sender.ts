// Sends one attempt of a WebhookDelivery, signed the Standard Webhooks way
// (webhook-id is the event id, the same on every retry). Any 2xx delivers;
// anything else (a partner's 4xx too) is retried with backoff up to the
// attempt limit; a 429 or 503 with Retry-After is obeyed. An
// endpoint that fails too many attempts in a row is disabled.
import { Webhook } from "standardwebhooks";
import { remoteErrorMessage } from "../domain/delivery.js";
import { type AttemptJob, QUEUES } from "../jobs/queue.js";
import { OutboundError } from "../outbound/http.js";
import { decryptSecret } from "../outbound/secrets.js";
import { nextAttemptDelayMs, type OutboundDeps } from "./deps.js";

export async function sendWebhook(deps: OutboundDeps, job: AttemptJob): Promise<void> {
  const delivery = await deps.prisma.webhookDelivery.findUnique({ where: { id: job.id }, include: { endpoint: true } });
  if (delivery?.status !== "PENDING" || delivery.attempts !== job.attempt) return;
  const { endpoint } = delivery;
  const attempts = delivery.attempts + 1;
  const now = new Date();

  let status: number | null = null;
  let error: string | null = null;
  let retryAfter: string | null = null;
  let permanent = false;
  if (!endpoint.enabled) {
    error = "The endpoint is disabled.";
    permanent = true;
  } else {
    const signer = new Webhook(decryptSecret(deps.config.encryptionKey, endpoint.secretEncrypted));
    try {
      const response = await deps.http.send({
        method: "POST",
        url: endpoint.url,
        headers: {
          "content-type": "application/json",
          "webhook-id": delivery.eventId,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": signer.sign(delivery.eventId, now, delivery.body),
        },
        body: delivery.body,
      });
      status = response.status;
      if (status < 200 || status >= 300) {
        error = remoteErrorMessage(status, response.text);
        retryAfter = response.headers.get("retry-after");
      }
    } catch (caught) {
      if (!(caught instanceof OutboundError)) throw caught;
      error = caught.message;
      permanent = caught.permanent;
    }
  }

  const delivered = error === null;
  const outOfAttempts = permanent || attempts >= deps.config.maxAttempts;
  let outcome: "succeeded" | "retrying" | "failed" = delivered ? "succeeded" : outOfAttempts ? "failed" : "retrying";
  let disable = false;

  await deps.prisma.$transaction(async (tx) => {
    // Counted in the database: deliveries to one endpoint run side by side.
    const [counted] = endpoint.enabled
      ? await tx.$queryRaw<Array<{ failures: number }>>`
          UPDATE webhook_endpoint SET consecutive_failures = CASE WHEN ${delivered} THEN 0 ELSE consecutive_failures + 1 END
          WHERE id = ${endpoint.id}::uuid RETURNING consecutive_failures AS failures`
      : [];
    disable = !delivered && (counted?.failures ?? 0) >= deps.config.webhookDisableAfter;
    if (disable) outcome = "failed";
    const claimed = await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, status: "PENDING", attempts: delivery.attempts },
      data: {
        attempts,
        responseStatus: status,
        lastError: error,
        status: outcome === "succeeded" ? "DELIVERED" : outcome === "failed" ? "FAILED" : "PENDING",
        deliveredAt: delivered ? now : null,
      },
    });
    if (claimed.count === 0) return;
    if (disable) {
      await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { enabled: false } });
      // Nothing more goes to a disabled endpoint.
      await tx.webhookDelivery.updateMany({
        where: { endpointId: endpoint.id, status: "PENDING" },
        data: { status: "FAILED", lastError: `The endpoint was disabled after ${counted!.failures} failed attempts in a row.` },
      });
    }
    if (outcome === "retrying") {
      const delay = nextAttemptDelayMs(deps.config, attempts, { status: status ?? undefined, retryAfter });
      await deps.jobs.enqueue(tx, QUEUES.webhookDelivery, { id: delivery.id, attempt: attempts }, new Date(Date.now() + delay));
    }
  });
  deps.metrics.attempt(QUEUES.webhookDelivery, outcome);
  if (disable) deps.logger.warn({ endpointId: endpoint.id, url: endpoint.url }, "webhook endpoint disabled after repeated failures");
}
