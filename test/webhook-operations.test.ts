// What partners and operators do with webhook endpoints week to week: change
// and re-enable them, rotate secrets with no missed verification, ping,
// redeliver, replay after an outage, read the events feed, and keep one slow
// endpoint from holding up the rest.
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneWebhookEvents } from "../src/jobs/retention.js";
import { createTestGateway, type TestGateway } from "./helpers.js";
import { eventually, outboundConfig } from "./outbound-helpers.js";
import type { Handler, Recorded, StandIn } from "./stand-ins/http-stand-in.js";
import { startReceiver, verifySignature } from "./stand-ins/webhook-receiver.js";

let gw: TestGateway;
const receivers: StandIn[] = [];

beforeAll(async () => {
  // One delivery in flight per endpoint: each endpoint hears its events in the order they happened.
  gw = await createTestGateway(
    outboundConfig({ webhookDisableAfter: 50, webhookSchedule: [0, 100, 300, 300, 300], webhookEndpointConcurrency: 1 }),
  );
});
afterAll(async () => {
  await gw?.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function endpoint(topics: string[], handler?: Handler, key?: string) {
  const receiver = await startReceiver(handler);
  receivers.push(receiver);
  const created = await gw.graphql(
    `mutation($url: String!, $topics: [WebhookTopic!]!) { createWebhookEndpoint(url: $url, topics: $topics, description: "test") {
      endpoint { id } signingSecret errors { code message } } }`,
    { url: `${receiver.url}/hooks`, topics },
    key,
  );
  expect(created.data.createWebhookEndpoint.errors).toEqual([]);
  return {
    receiver,
    id: created.data.createWebhookEndpoint.endpoint.id as string,
    secret: created.data.createWebhookEndpoint.signingSecret,
  };
}

const body = (request: Recorded) => JSON.parse(request.body);
const createOrder = async (number: string, key?: string) =>
  (await gw.graphql(`mutation($n: String!) { createOrder(input: { number: $n }) { order { id } } }`, { n: number }, key)).data.createOrder
    .order.id as string;

const verifiesWith = (secret: string, request: Recorded) => {
  try {
    new Webhook(secret).verify(request.body, {
      "webhook-id": String(request.headers["webhook-id"]),
      "webhook-timestamp": String(request.headers["webhook-timestamp"]),
      "webhook-signature": String(request.headers["webhook-signature"]),
    });
    return true;
  } catch {
    return false;
  }
};

describe("endpoint management", () => {
  it("changes an endpoint's URL, topics and description, and keeps other workspaces' endpoints unknown", async () => {
    const { id } = await endpoint(["ORDER_CREATED"]);
    const moved = await startReceiver();
    receivers.push(moved);
    const updated = await gw.graphql(
      `mutation($id: ID!, $url: String!) { updateWebhookEndpoint(id: $id, url: $url, topics: [ORDER_CANCELLED, ORDER_CREATED], description: "orders") {
        endpoint { url topics description enabled } errors { code path } } }`,
      { id, url: `${moved.url}/new` },
    );
    expect(updated.data.updateWebhookEndpoint).toEqual({
      endpoint: { url: `${moved.url}/new`, topics: ["ORDER_CANCELLED", "ORDER_CREATED"], description: "orders", enabled: true },
      errors: [],
    });
    await createOrder("M-1");
    const [arrived] = await moved.waitForRequests(1);
    expect(arrived!.path).toBe("/new");

    const bad = await gw.graphql(
      `mutation($id: ID!) { updateWebhookEndpoint(id: $id, url: "ftp://x", topics: [PING]) { endpoint { id } errors { code path } } }`,
      { id },
    );
    expect(bad.data.updateWebhookEndpoint.endpoint).toBeNull();
    expect(bad.data.updateWebhookEndpoint.errors.map((e: { path: string[] }) => e.path)).toEqual([["topics"]]);

    const stranger = await gw.keyFor("operations-stranger");
    for (const mutation of [
      `updateWebhookEndpoint(id: $id, enabled: true) { errors { code } }`,
      `rotateWebhookSecret(id: $id) { signingSecret errors { code } }`,
    ]) {
      const refused = await gw.graphql(`mutation($id: ID!) { m: ${mutation} }`, { id }, stranger);
      expect(refused.data.m.errors).toEqual([{ code: "NOT_FOUND" }]);
      expect(refused.data.m.signingSecret ?? null).toBeNull();
    }
    const pinged = await gw.graphql(`mutation($id: ID!) { sendTestWebhook(endpointId: $id) { errors { code } } }`, { id }, stranger);
    expect(pinged.data.sendTestWebhook.errors).toEqual([{ code: "NOT_FOUND" }]);
    const replayed = await gw.graphql(
      `mutation($id: ID!) { replayWebhooks(endpointId: $id, since: "2026-01-01T00:00:00Z") { queued errors { code path } } }`,
      { id },
      stranger,
    );
    expect(replayed.data.replayWebhooks).toEqual({ queued: null, errors: [{ code: "NOT_FOUND", path: ["endpointId"] }] });
  });

  it("disables an endpoint that answers 410 Gone at once, tells the workspace's other endpoints, and re-enables it", async () => {
    const watcher = await endpoint(["ENDPOINT_DISABLED"]);
    const gone = await endpoint(["ORDER_CREATED"], () => ({ status: 410 }));
    await createOrder("G-1");
    await gone.receiver.waitForRequests(1);
    const [notice] = await watcher.receiver.waitForRequests(1);
    expect(verifySignature(watcher.secret, notice!)).toBe(true);
    expect(body(notice!)).toMatchObject({
      topic: "ENDPOINT_DISABLED",
      data: { endpoint: { id: gone.id, disabledReason: "the endpoint answered 410 Gone" } },
    });
    const shown = await gw.graphql(
      `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled disabledReason consecutiveFailures
        deliveries { nodes { status attempts } } } } }`,
      { id: gone.id },
    );
    expect(shown.data.node).toMatchObject({
      enabled: false,
      disabledReason: "the endpoint answered 410 Gone",
      deliveries: { nodes: [{ status: "FAILED", attempts: 1 }] },
    });
    // Disabled, it gets nothing more, and cannot be pinged until it is enabled again.
    await createOrder("G-2");
    const ping = await gw.graphql(`mutation($id: ID!) { sendTestWebhook(endpointId: $id) { errors { code message } } }`, {
      id: gone.id,
    });
    expect(ping.data.sendTestWebhook.errors[0].message).toMatch(/disabled/);

    const enabled = await gw.graphql(
      `mutation($id: ID!) { updateWebhookEndpoint(id: $id, enabled: true) { endpoint { enabled disabledAt disabledReason consecutiveFailures } errors { code } } }`,
      { id: gone.id },
    );
    expect(enabled.data.updateWebhookEndpoint.endpoint).toEqual({
      enabled: true,
      disabledAt: null,
      disabledReason: null,
      consecutiveFailures: 0,
    });
    expect(gone.receiver.requests).toHaveLength(1);
  });

  it("counts a redirect as a failed attempt and retries it", async () => {
    const { receiver, id } = await endpoint(["ORDER_CREATED"]);
    receiver.fail({ status: 302, headers: { location: "https://example.com/" } });
    await createOrder("R-1");
    const [first, second] = await receiver.waitForRequests(2);
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    const log = await eventually(async () => {
      const result = await gw.graphql(
        `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 1) { nodes { status attemptLog { responseStatus error } } } } } }`,
        { id },
      );
      expect(result.data.node.deliveries.nodes[0].status).toBe("DELIVERED");
      return result.data.node.deliveries.nodes[0].attemptLog;
    });
    expect(log).toEqual([
      { responseStatus: 302, error: "HTTP 302" },
      { responseStatus: 204, error: null },
    ]);
    const filtered = async (filter: Record<string, unknown>) =>
      (
        await gw.graphql(
          `query($id: ID!, $filter: WebhookDeliveryFilter) { node(id: $id) { ... on WebhookEndpoint { deliveries(filter: $filter) { nodes { topic status } } } } }`,
          { id, filter },
        )
      ).data.node.deliveries.nodes;
    expect(await filtered({ status: "DELIVERED", topic: "ORDER_CREATED" })).toEqual([{ topic: "ORDER_CREATED", status: "DELIVERED" }]);
    expect(await filtered({ status: "FAILED" })).toEqual([]);
    expect(await filtered({ topic: "ORDER_CANCELLED" })).toEqual([]);
    expect(await filtered({ since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
  });
});

describe("secret rotation", () => {
  it("signs with both secrets until the previous one expires, then with the new one only", async () => {
    const { receiver, id, secret: oldSecret } = await endpoint(["ORDER_CREATED"]);
    const rotated = await gw.graphql(
      `mutation($id: ID!) { rotateWebhookSecret(id: $id, expiresPreviousInSeconds: 3600) { signingSecret endpoint { previousSecretExpiresAt } errors { code } } }`,
      { id },
    );
    const newSecret = rotated.data.rotateWebhookSecret.signingSecret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(rotated.data.rotateWebhookSecret.endpoint.previousSecretExpiresAt)).toBeGreaterThan(Date.now() + 3_500_000);

    await createOrder("S-1");
    const [during] = await receiver.waitForRequests(1);
    expect(String(during!.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verifiesWith(oldSecret, during!)).toBe(true);
    expect(verifiesWith(newSecret, during!)).toBe(true);

    const again = await gw.graphql(
      `mutation($id: ID!) { rotateWebhookSecret(id: $id, expiresPreviousInSeconds: 0) { signingSecret endpoint { previousSecretExpiresAt } } }`,
      { id },
    );
    const newest = again.data.rotateWebhookSecret.signingSecret;
    expect(again.data.rotateWebhookSecret.endpoint.previousSecretExpiresAt).toBeNull();
    await createOrder("S-2");
    const [, after] = await receiver.waitForRequests(2);
    expect(verifiesWith(newest, after!)).toBe(true);
    expect(verifiesWith(newSecret, after!)).toBe(false);
    expect(verifiesWith(oldSecret, after!)).toBe(false);

    const listed = await gw.graphql(`{ webhookEndpoints { id } }`);
    expect(JSON.stringify(listed)).not.toMatch(/whsec_/);
  });
});

describe("ping, redelivery and replay", () => {
  it("sends a signed PING at once and shows the attempt", async () => {
    const { receiver, id, secret } = await endpoint(["ORDER_CREATED"], () => ({ status: 200, text: "pong" }));
    const sent = await gw.graphql(
      `mutation($id: ID!) { sendTestWebhook(endpointId: $id) { delivery { id eventId topic status attempts
        attemptLog { attemptedAt responseStatus durationMs error responseBody } } errors { code } } }`,
      { id },
    );
    const delivery = sent.data.sendTestWebhook.delivery;
    expect(delivery).toMatchObject({ topic: "PING", status: "DELIVERED", attempts: 1 });
    expect(delivery.attemptLog).toEqual([
      { attemptedAt: expect.any(String), responseStatus: 200, durationMs: expect.any(Number), error: null, responseBody: "pong" },
    ]);
    expect(receiver.requests).toHaveLength(1);
    expect(verifySignature(secret, receiver.requests[0]!)).toBe(true);
    expect(body(receiver.requests[0]!)).toMatchObject({ id: delivery.eventId, topic: "PING", data: { endpoint: { id } } });
  });

  it("redelivers an event with the same id and body, signed anew", async () => {
    const { receiver, id, secret } = await endpoint(["ORDER_CREATED"]);
    await createOrder("D-1");
    const [original] = await receiver.waitForRequests(1);
    const listed = await eventually(async () => {
      const result = await gw.graphql(
        `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 1) { nodes { id status } } } } }`,
        { id },
      );
      expect(result.data.node.deliveries.nodes[0].status).toBe("DELIVERED");
      return result.data.node.deliveries.nodes[0];
    });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a new second: a new timestamp and signature
    const redelivered = await gw.graphql(
      `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { delivery { id status eventId } errors { code } } }`,
      { id: listed.id },
    );
    expect(redelivered.data.redeliverWebhook.delivery).toMatchObject({ status: "DELIVERED", eventId: original!.headers["webhook-id"] });
    expect(redelivered.data.redeliverWebhook.delivery.id).not.toBe(listed.id);
    const copy = receiver.requests[1]!;
    expect(copy.body).toBe(original!.body);
    expect(copy.headers["webhook-signature"]).not.toBe(original!.headers["webhook-signature"]);
    expect(verifySignature(secret, copy)).toBe(true);

    const stranger = await gw.keyFor("operations-stranger");
    const refused = await gw.graphql(
      `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { delivery { id } errors { code } } }`,
      { id: listed.id },
      stranger,
    );
    expect(refused.data.redeliverWebhook).toEqual({ delivery: null, errors: [{ code: "NOT_FOUND" }] });
  });

  it("replays a range of the feed to an endpoint in the order it happened", async () => {
    const key = await gw.keyFor("replay");
    await endpoint(["ORDER_CREATED", "ORDER_CANCELLED"], undefined, key); // keeps the feed for these topics
    const since = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await createOrder(`P-${i}`, key));
    await gw.graphql(`mutation($id: ID!) { cancelOrder(id: $id, reason: CUSTOMER) { errors { code } } }`, { id: ids[0] }, key);
    const until = new Date(Date.now() + 1).toISOString();

    const late = await endpoint(["ORDER_CREATED"], undefined, key);
    const replayed = await gw.graphql(
      `mutation($id: ID!, $since: DateTime!, $until: DateTime) { replayWebhooks(endpointId: $id, since: $since, until: $until) { queued errors { code } } }`,
      { id: late.id, since, until },
      key,
    );
    expect(replayed.data.replayWebhooks).toEqual({ queued: 4, errors: [] });
    const arrived = await late.receiver.waitForRequests(4);
    expect(arrived.map((r) => body(r).topic)).toEqual(["ORDER_CREATED", "ORDER_CREATED", "ORDER_CREATED", "ORDER_CREATED"]);
    expect(arrived.map((r) => body(r).data.order.id)).toEqual(ids);
    expect(arrived.every((r) => verifySignature(late.secret, r))).toBe(true);

    const backwards = await gw.graphql(
      `mutation($id: ID!, $t: DateTime!) { replayWebhooks(endpointId: $id, since: $t, until: $t) { queued errors { code path } } }`,
      { id: late.id, t: since },
      key,
    );
    expect(backwards.data.replayWebhooks).toEqual({ queued: null, errors: [{ code: "VALIDATION", path: ["until"] }] });
  });
});

describe("events feed", () => {
  it("pages through every event once, in order, by topic, and its cursor survives pruning", async () => {
    const key = await gw.keyFor("feed");
    const { receiver } = await endpoint(["ORDER_CREATED", "ORDER_CANCELLED"], undefined, key);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createOrder(`F-${i}`, key));
    await gw.graphql(`mutation($id: ID!) { cancelOrder(id: $id, reason: CUSTOMER) { errors { code } } }`, { id: ids[2] }, key);
    const delivered = await receiver.waitForRequests(6);

    const page = async (after: string | null, first: number, topics?: string[]) =>
      (
        await gw.graphql(
          `query($after: String, $first: Int, $topics: [WebhookTopic!]) { webhookEvents(after: $after, first: $first, topics: $topics) {
            nodes { id topic body data } pageInfo { hasNextPage endCursor } } }`,
          { after, first, topics },
          key,
        )
      ).data.webhookEvents;
    const one = await page(null, 4);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = await page(one.pageInfo.endCursor, 4);
    expect(two.pageInfo.hasNextPage).toBe(false);
    const events = [...one.nodes, ...two.nodes];
    expect(events.map((e: { topic: string }) => e.topic)).toEqual([
      "ORDER_CREATED",
      "ORDER_CREATED",
      "ORDER_CREATED",
      "ORDER_CREATED",
      "ORDER_CREATED",
      "ORDER_CANCELLED",
    ]);
    expect(events.slice(0, 5).map((e: { data: { order: { id: string } } }) => e.data.order.id)).toEqual(ids);
    // The same ids and bodies as the deliveries.
    expect(new Set(events.map((e: { body: string }) => e.body))).toEqual(new Set(delivered.map((r) => r.body)));
    expect(new Set(events.map((e: { id: string }) => e.id))).toEqual(new Set(delivered.map((r) => r.headers["webhook-id"])));

    const cancelled = await page(null, 10, ["ORDER_CANCELLED"]);
    expect(cancelled.nodes.map((e: { data: { order: { id: string } } }) => e.data.order.id)).toEqual([ids[2]]);

    // Nothing new: the reader stays where it was.
    const idle = await page(two.pageInfo.endCursor, 4);
    expect(idle).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: two.pageInfo.endCursor } });

    // Pruning everything up to now: the old cursor still reads on from where it was.
    await pruneWebhookEvents(gw.db.sql, 0, new Date(Date.now() + 1000));
    expect((await page(null, 10)).nodes).toEqual([]);
    const newer = await createOrder("F-after", key);
    const resumed = await eventually(async () => {
      const next = await page(two.pageInfo.endCursor, 4);
      expect(next.nodes).toHaveLength(1);
      return next;
    });
    expect(resumed.nodes[0].data.order.id).toBe(newer);

    const stranger = await gw.keyFor("operations-stranger");
    expect(
      (await gw.graphql(`{ webhookEvents(first: 50) { nodes { id data } } }`, {}, stranger)).data.webhookEvents.nodes.map(
        (e: { data: { order?: { id: string } } }) => e.data.order?.id,
      ),
    ).not.toContain(newer);
    const refused = await gw.graphql(`{ webhookEvents(after: "nonsense") { nodes { id } } }`, {}, key);
    expect(refused.errors?.[0]?.extensions?.code).toBe("VALIDATION");
  });
});

describe("slow endpoints", () => {
  it("do not hold up the others", async () => {
    const key = await gw.keyFor("slow");
    const slow = await endpoint(["ORDER_CREATED"], () => ({ status: 204, delayMs: 3000 }), key);
    const fast = await endpoint(["ORDER_CREATED"], undefined, key);
    const started = Date.now();
    const count = 30;
    for (let i = 0; i < count; i++) await createOrder(`SL-${i}`, key);
    await fast.receiver.waitForRequests(count, 10_000);
    // The slow endpoint has one delivery in flight at a time; the fast one got everything meanwhile.
    const fastDone = Date.now() - started;
    expect(slow.receiver.requests.length).toBeLessThan(count);
    expect(fastDone).toBeLessThan(3000 + 2000);
  });
});
