// Partner webhook endpoints as operators run them: create, change, re-enable,
// rotate the signing secret, ping, redeliver and replay. Every id is looked up
// within the caller's workspace, so another workspace's ids are unknown here.
import { randomBytes } from "node:crypto";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { z } from "zod";
import { fail, ok, type Result } from "../domain/user-error.js";
import type { WebhookEndpoint, WebhookTopic } from "../generated/prisma/client.js";
import { targetProblem } from "../outbound/http.js";
import { encryptSecret } from "../outbound/secrets.js";
import type { WebhookDispatcher } from "../outbox/dispatcher.js";
import { newId } from "../store/ids.js";
import { eventsAfter, type FeedPosition, insertDeliveries, type NewDelivery } from "../store/webhooks.js";
import { type Deps, issues } from "./connections.js";

export const MAX_WEBHOOK_ENDPOINTS = 25;
/** The longest a rotated-out secret may keep signing. */
export const MAX_PREVIOUS_SECRET_SECONDS = 7 * 86_400;
/** Events one replayWebhooks call may queue; a longer outage is replayed in several ranges. */
export const MAX_REPLAY_EVENTS = 100_000;

/** Rolls a replay back whole when its range is too long. */
class TooManyEvents extends Error {}

/** What sends: the outbound side's dispatcher (the request context carries it). */
type WebhookDeps = Deps & { outbound: { webhooks: WebhookDispatcher } };

const topicsInput = z
  .array(z.string())
  .min(1, "must name at least one topic")
  .max(10)
  .refine((topics) => !topics.includes("PING"), "cannot include PING: sendTestWebhook sends it to one endpoint");
const urlInput = z.string().trim().min(1, "is required").max(2000, "must be at most 2000 characters");
const descriptionInput = z.string().trim().max(500, "must be at most 500 characters");

const endpointInput = z.object({ url: urlInput, topics: topicsInput, description: descriptionInput.nullish() });
const endpointChanges = z.object({
  url: urlInput.optional(),
  topics: topicsInput.optional(),
  description: descriptionInput.nullish(),
  enabled: z.boolean().optional(),
});

/** Standard Webhooks secrets: "whsec_" and the base64 of a 32-byte HMAC key. */
const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

async function urlProblem(deps: Deps, url: string | undefined) {
  const problem = url === undefined ? null : await targetProblem(url, deps.config.outbound.allowPrivateTargets);
  return problem ? fail("VALIDATION", `url ${problem}.`, ["url"]) : null;
}

const notFound = (path = "id") => fail("NOT_FOUND", "No webhook endpoint with that id.", [path]);

export async function createWebhookEndpoint(
  deps: Deps,
  workspaceId: string,
  raw: { url: string; topics: WebhookTopic[]; description?: string | null },
): Promise<Result<{ endpoint: WebhookEndpoint; signingSecret: string }>> {
  const parsed = endpointInput.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: issues(parsed.error, []) };
  const refused = await urlProblem(deps, parsed.data.url);
  if (refused) return refused;
  const count = await deps.prisma.webhookEndpoint.count({ where: { workspaceId } });
  if (count >= MAX_WEBHOOK_ENDPOINTS) {
    return fail("VALIDATION", `A workspace may have at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one first.`, ["url"]);
  }
  const signingSecret = newSecret();
  const endpoint = await deps.prisma.webhookEndpoint.create({
    data: {
      workspaceId,
      url: parsed.data.url,
      topics: [...new Set(parsed.data.topics)] as WebhookTopic[],
      description: parsed.data.description || null,
      secretEncrypted: encryptSecret(deps.config.outbound.encryptionKey, signingSecret),
    },
  });
  return ok({ endpoint, signingSecret });
}

/**
 * Changes what was given. Enabling a disabled endpoint resets its failure
 * count and clears why it was disabled; what failed meanwhile stays failed
 * (replayWebhooks sends it again).
 */
export async function updateWebhookEndpoint(
  deps: Deps,
  workspaceId: string,
  id: string,
  raw: { url?: string | null; topics?: WebhookTopic[] | null; description?: string | null; enabled?: boolean | null },
): Promise<Result<WebhookEndpoint>> {
  const parsed = endpointChanges.safeParse({
    url: raw.url ?? undefined,
    topics: raw.topics ?? undefined,
    description: raw.description,
    enabled: raw.enabled ?? undefined,
  });
  if (!parsed.success) return { ok: false, errors: issues(parsed.error, []) };
  const changes = parsed.data;
  const refused = await urlProblem(deps, changes.url);
  if (refused) return refused;
  const current = await deps.prisma.webhookEndpoint.findFirst({ where: { id, workspaceId } });
  if (!current) return notFound();
  const enabling = changes.enabled === true && !current.enabled;
  const endpoint = await deps.prisma.webhookEndpoint.update({
    where: { id },
    data: {
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.topics ? { topics: [...new Set(changes.topics)] as WebhookTopic[] } : {}),
      ...(changes.description !== undefined ? { description: changes.description || null } : {}),
      ...(enabling ? { enabled: true, consecutiveFailures: 0, disabledAt: null, disabledReason: null } : {}),
      ...(changes.enabled === false && current.enabled
        ? { enabled: false, disabledAt: new Date(), disabledReason: "disabled by updateWebhookEndpoint" }
        : {}),
    },
  });
  return ok(endpoint);
}

/**
 * A new signing secret, returned once. Until the previous one expires, every
 * delivery is signed with both, so the partner can switch at its own pace.
 */
export async function rotateWebhookSecret(
  deps: Deps,
  workspaceId: string,
  id: string,
  expiresPreviousInSeconds: number,
): Promise<Result<{ endpoint: WebhookEndpoint; signingSecret: string }>> {
  if (
    !Number.isInteger(expiresPreviousInSeconds) ||
    expiresPreviousInSeconds < 0 ||
    expiresPreviousInSeconds > MAX_PREVIOUS_SECRET_SECONDS
  ) {
    return fail("VALIDATION", `expiresPreviousInSeconds must be a whole number from 0 to ${MAX_PREVIOUS_SECRET_SECONDS}.`, [
      "expiresPreviousInSeconds",
    ]);
  }
  const current = await deps.prisma.webhookEndpoint.findFirst({ where: { id, workspaceId } });
  if (!current) return notFound();
  const signingSecret = newSecret();
  const endpoint = await deps.prisma.webhookEndpoint.update({
    where: { id },
    data: {
      secretEncrypted: encryptSecret(deps.config.outbound.encryptionKey, signingSecret),
      previousSecretEncrypted: expiresPreviousInSeconds > 0 ? current.secretEncrypted : null,
      previousSecretExpiresAt: expiresPreviousInSeconds > 0 ? new Date(Date.now() + expiresPreviousInSeconds * 1000) : null,
    },
  });
  return ok({ endpoint, signingSecret });
}

export async function deleteWebhookEndpoint(deps: Deps, workspaceId: string, id: string): Promise<Result<string>> {
  const deleted = await deps.prisma.webhookEndpoint.deleteMany({ where: { id, workspaceId } });
  return deleted.count ? ok(id) : notFound();
}

/** An enabled endpoint of the workspace, or why not (a mistake in the argument at `path`). */
async function enabledEndpoint(deps: Deps, workspaceId: string, id: string, path: string): Promise<Result<WebhookEndpoint>> {
  const endpoint = await deps.prisma.webhookEndpoint.findFirst({ where: { id, workspaceId } });
  if (!endpoint) return notFound(path);
  if (!endpoint.enabled) {
    return fail("VALIDATION", "The endpoint is disabled: enable it with updateWebhookEndpoint first.", [path]);
  }
  return ok(endpoint);
}

/** Sends one attempt of a new delivery now and answers it as recorded. */
async function sendNow(deps: WebhookDeps, delivery: NewDelivery): Promise<{ id: string }> {
  const [id] = await deps.outbound.webhooks.deliverNow([delivery]);
  return { id: id! };
}

/** A signed PING to the endpoint, sent at once; it is retried like any delivery if it fails. */
export async function sendTestWebhook(deps: WebhookDeps, workspaceId: string, endpointId: string): Promise<Result<{ id: string }>> {
  const endpoint = await enabledEndpoint(deps, workspaceId, endpointId, "endpointId");
  if (!endpoint.ok) return endpoint;
  const eventId = newId();
  const body = JSON.stringify({
    id: eventId,
    topic: "PING",
    occurredAt: new Date(),
    data: { endpoint: { id: encodeGlobalID("WebhookEndpoint", endpointId), url: endpoint.value.url } },
  });
  return ok(await sendNow(deps, { endpointId, eventId, topic: "PING", body }));
}

/** The delivery's event again, as a new delivery: the same event id and body, signed anew, sent at once. */
export async function redeliverWebhook(deps: WebhookDeps, workspaceId: string, deliveryId: string): Promise<Result<{ id: string }>> {
  const original = await deps.prisma.webhookDelivery.findFirst({ where: { id: deliveryId, endpoint: { workspaceId } } });
  if (!original) return fail("NOT_FOUND", "No webhook delivery with that id.", ["deliveryId"]);
  const endpoint = await enabledEndpoint(deps, workspaceId, original.endpointId, "deliveryId");
  if (!endpoint.ok) return endpoint;
  const { endpointId, eventId, topic, body } = original;
  return ok(await sendNow(deps, { endpointId, eventId, topic, body }));
}

/**
 * Queues again, for one endpoint, every event of the feed in [since, until)
 * of the topics it subscribes to, in the order they happened. Returns how many.
 */
export async function replayWebhooks(
  deps: WebhookDeps,
  workspaceId: string,
  endpointId: string,
  range: { since: Date; until: Date | null },
): Promise<Result<number>> {
  const until = range.until ?? new Date();
  if (until <= range.since) return fail("VALIDATION", "until must be later than since.", ["until"]);
  const endpoint = await enabledEndpoint(deps, workspaceId, endpointId, "endpointId");
  if (!endpoint.ok) return endpoint;
  const topics = endpoint.value.topics;
  try {
    const queued = await deps.store.transaction(async (tx) => {
      let count = 0;
      let after: FeedPosition | null = null;
      for (;;) {
        const events = await eventsAfter(tx, workspaceId, { after, topics, limit: 1000, occurredFrom: range.since, occurredUntil: until });
        count += events.length;
        if (count > MAX_REPLAY_EVENTS) throw new TooManyEvents();
        await insertDeliveries(
          tx,
          events.map((event) => ({ endpointId, eventId: event.id, topic: event.topic, body: event.body })),
        );
        if (events.length < 1000) return count;
        after = events.at(-1)!;
      }
    });
    deps.outbound.webhooks.wake();
    return ok(queued);
  } catch (error) {
    if (!(error instanceof TooManyEvents)) throw error;
    return fail("VALIDATION", `The range holds more than ${MAX_REPLAY_EVENTS} events: replay it in shorter ranges.`, ["until"]);
  }
}
