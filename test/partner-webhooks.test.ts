// Partner webhooks: every committed change that matches an endpoint's topics
// is delivered signed, at least once, with the same event id on every retry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPublicAddress } from "../src/outbound/http.js";
import { createTestGateway, type TestGateway } from "./helpers.js";
import { eventually, outboundConfig } from "./outbound-helpers.js";
import { freshMalomoOrder } from "./sources/payloads.js";
import type { Recorded, StandIn } from "./stand-ins/http-stand-in.js";
import { startReceiver, verifySignature } from "./stand-ins/webhook-receiver.js";

let gw: TestGateway;
const receivers: StandIn[] = [];

beforeAll(async () => {
  gw = await createTestGateway(outboundConfig({ webhookDisableAfter: 4, maxAttempts: 3 }));
});
afterAll(async () => {
  await gw?.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function endpoint(topics: string[], reply?: Parameters<typeof startReceiver>[0]) {
  const receiver = await startReceiver(reply);
  receivers.push(receiver);
  const created = await gw.graphql(
    `mutation($url: String!, $topics: [WebhookTopic!]!) { createWebhookEndpoint(url: $url, topics: $topics) {
      endpoint { id url topics enabled } signingSecret errors { code message } } }`,
    { url: `${receiver.url}/hooks`, topics },
  );
  expect(created.data.createWebhookEndpoint.errors).toEqual([]);
  const { endpoint: made, signingSecret } = created.data.createWebhookEndpoint;
  expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  return { receiver, id: made.id as string, secret: signingSecret as string };
}

const body = (request: Recorded) => JSON.parse(request.body);

describe("partner webhooks", () => {
  it("hears of every order an import batch creates, once each", async () => {
    const { receiver } = await endpoint(["ORDER_CREATED"]);
    const natives = [freshMalomoOrder(), freshMalomoOrder(), freshMalomoOrder()];
    const imported = await gw.graphql(
      `mutation($p: [JSON!]!) { importOrders(source: MALOMO, payloads: $p) { results { outcome order { id } } } }`,
      { p: natives },
    );
    const ids = imported.data.importOrders.results.map((r: any) => r.order.id);
    expect(imported.data.importOrders.results.map((r: any) => r.outcome)).toEqual(["CREATED", "CREATED", "CREATED"]);
    const deliveries = await receiver.waitForRequests(3);
    expect(deliveries.map((d) => body(d).data.order.id).sort()).toEqual([...ids].sort());
    expect(deliveries.every((d) => body(d).topic === "ORDER_CREATED")).toBe(true);
  });

  it("delivers each committed change, signed, with the order as the API shows it", async () => {
    const { receiver, secret } = await endpoint(["ORDER_CREATED", "ORDER_CANCELLED"]);
    const created = await gw.graphql(`mutation { createOrder(input: { number: "W-1", email: "w1@example.com", total: "12.50",
      lineItems: [{ sku: "S1", quantity: 1, unitPrice: "12.50" }], shipments: [{ carrier: "ups", trackingCode: "WH0001" }] }) { order { id } } }`);
    const orderId = created.data.createOrder.order.id;
    const [delivery] = await receiver.waitForRequests(1);
    expect(delivery!.method).toBe("POST");
    expect(delivery!.path).toBe("/hooks");
    expect(verifySignature(secret, delivery!)).toBe(true);
    const event = body(delivery!);
    expect(delivery!.headers["webhook-id"]).toBe(event.id);
    expect(event).toMatchObject({ topic: "ORDER_CREATED", occurredAt: expect.any(String) });

    const shown = await gw.graphql(
      `query($id: ID!) { node(id: $id) { ... on Order { id number email status fulfillmentStatus total currency createdAt version
      lineItems { id sku quantity unitPrice } shipments { id carrier trackingCode status } } } }`,
      { id: orderId },
    );
    expect(event.data.order).toMatchObject(shown.data.node);

    await gw.graphql(`mutation($id: ID!) { cancelOrder(id: $id, reason: CUSTOMER) { errors { code } } }`, { id: orderId });
    const [, cancelled] = await receiver.waitForRequests(2);
    expect(body(cancelled!)).toMatchObject({
      topic: "ORDER_CANCELLED",
      data: { order: { id: orderId, status: "CANCELLED", cancelReason: "CUSTOMER" } },
    });
    expect(body(cancelled!).id).not.toBe(event.id);
  });

  it("sends only the topics an endpoint asked for", async () => {
    const { receiver } = await endpoint(["ORDER_DELETED", "SHIPMENT_STATUS_CHANGED"]);
    const created = await gw.graphql(
      `mutation { createOrder(input: { number: "W-2", shipments: [{ carrier: "ups", trackingCode: "WH0002" }] }) { order { id } } }`,
    );
    const orderId = created.data.createOrder.order.id;
    await gw.graphql(
      `mutation { recordScanEvents(carrier: "ups", trackingCode: "WH0002", events: [{ scannedAt: "2026-11-20T10:00:00Z", status: IN_TRANSIT }]) { errors { code } } }`,
    );
    await gw.graphql(`mutation($id: ID!) { deleteOrder(id: $id) { errors { code } } }`, { id: orderId });
    // Deliveries run side by side: they may arrive in any order.
    const arrived = await receiver.waitForRequests(2);
    const moved = arrived.find((r) => body(r).topic === "SHIPMENT_STATUS_CHANGED");
    const deleted = arrived.find((r) => body(r).topic === "ORDER_DELETED");
    expect(body(moved!)).toMatchObject({
      topic: "SHIPMENT_STATUS_CHANGED",
      data: { shipment: { carrier: "ups", trackingCode: "WH0002", from: "UNKNOWN", to: "IN_TRANSIT" }, order: { id: orderId } },
    });
    expect(body(deleted!)).toMatchObject({ topic: "ORDER_DELETED", data: { order: { id: orderId, number: "W-2" } } });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(new Set(receiver.requests.map((r) => body(r).topic))).toEqual(new Set(["SHIPMENT_STATUS_CHANGED", "ORDER_DELETED"]));
  });

  it("retries a failing endpoint with the same event id and body, and lists the attempts", async () => {
    const { receiver, id, secret } = await endpoint(["ORDER_CREATED"]);
    receiver.fail({ status: 500 }, { status: 429, headers: { "retry-after": "1" } });
    await gw.graphql(`mutation { createOrder(input: { number: "W-3" }) { errors { code } } }`);
    const attempts = await receiver.waitForRequests(3);
    expect(new Set(attempts.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
    expect(attempts.every((r) => verifySignature(secret, r))).toBe(true);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(1000);
    const listed = await eventually(async () => {
      const result = await gw.graphql(
        `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled deliveries(first: 5) {
        nodes { eventId topic status attempts responseStatus lastError deliveredAt } } } } }`,
        { id },
      );
      expect(result.data.node.deliveries.nodes[0].status).toBe("DELIVERED");
      return result.data.node;
    });
    expect(listed).toEqual({
      enabled: true,
      deliveries: {
        nodes: [
          {
            eventId: attempts[0]!.headers["webhook-id"],
            topic: "ORDER_CREATED",
            status: "DELIVERED",
            attempts: 3,
            responseStatus: 204,
            lastError: null,
            deliveredAt: expect.any(String),
          },
        ],
      },
    });
    const metrics = await (await gw.yoga.fetch("http://localhost/metrics")).text();
    expect(metrics).toMatch(/gateway_outbound_attempts_total\{queue="webhook-delivery",outcome="retrying"\} [1-9]/);
    expect(metrics).toMatch(/gateway_outbound_attempts_total\{queue="webhook-delivery",outcome="succeeded"\} [1-9]/);
    expect(metrics).toMatch(/gateway_outbound_queue_depth\{queue="source-write"\} \d+/);
  });

  it("disables an endpoint that keeps failing", async () => {
    const { receiver, id } = await endpoint(["ORDER_UPDATED"], () => ({ status: 503, text: "maintenance" }));
    const created = await gw.graphql(`mutation { createOrder(input: { number: "W-4" }) { order { id } } }`);
    const orderId = created.data.createOrder.order.id;
    for (const email of ["a@example.com", "b@example.com"]) {
      await gw.graphql(`mutation($id: ID!, $email: String!) { updateOrder(id: $id, input: { email: $email }) { errors { code } } }`, {
        id: orderId,
        email,
      });
    }
    const shown = await eventually(async () => {
      const result = await gw.graphql(
        `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled disabledAt disabledReason
          deliveries { nodes { status attempts lastError } } } } }`,
        { id },
      );
      expect(result.data.node.enabled).toBe(false);
      return result.data.node;
    });
    // Two deliveries run side by side, so one more attempt may already be on its way.
    const sent = receiver.requests.length;
    expect(sent).toBeGreaterThanOrEqual(4);
    expect(sent).toBeLessThanOrEqual(5);
    expect(shown.deliveries.nodes.map((d: { status: string }) => d.status)).toEqual(["FAILED", "FAILED"]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.requests).toHaveLength(sent);
    expect(shown.disabledReason).toBe("4 failed attempts in a row");
    expect(Date.parse(shown.disabledAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(shown.deliveries.nodes.map((d: { lastError: string }) => d.lastError)).toContain(
      "Not sent: the endpoint was disabled (4 failed attempts in a row)",
    );
  });

  it("shows the signing secret only once and keeps endpoints to their workspace", async () => {
    const { id } = await endpoint(["ORDER_CREATED"]);
    const listed = await gw.graphql(`{ webhookEndpoints { id url topics enabled createdAt } }`);
    expect(JSON.stringify(listed)).not.toMatch(/whsec_/);
    expect(listed.data.webhookEndpoints.map((e: { id: string }) => e.id)).toContain(id);

    const stranger = await gw.keyFor("webhook-stranger");
    expect((await gw.graphql(`query($id: ID!) { node(id: $id) { id } }`, { id }, stranger)).data.node).toBeNull();
    expect((await gw.graphql(`{ webhookEndpoints { id } }`, {}, stranger)).data.webhookEndpoints).toEqual([]);
    const removed = await gw.graphql(
      `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { deletedId errors { code } } }`,
      { id },
      stranger,
    );
    expect(removed.data.deleteWebhookEndpoint).toEqual({ deletedId: null, errors: [{ code: "NOT_FOUND" }] });
    const mine = await gw.graphql(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { deletedId errors { code } } }`, { id });
    expect(mine.data.deleteWebhookEndpoint).toEqual({ deletedId: id, errors: [] });
  });

  it("refuses bad endpoints with a clear error", async () => {
    const bad =
      await gw.graphql(`mutation { a: createWebhookEndpoint(url: "ftp://example.com", topics: [ORDER_CREATED]) { endpoint { id } errors { code path message } }
      b: createWebhookEndpoint(url: "https://example.com/hook", topics: []) { endpoint { id } errors { code path } } }`);
    expect(bad.data.a).toEqual({
      endpoint: null,
      errors: [{ code: "VALIDATION", path: ["url"], message: "url must be an http:// or https:// URL." }],
    });
    expect(bad.data.b).toEqual({ endpoint: null, errors: [{ code: "VALIDATION", path: ["topics"] }] });
  });
});

describe("private targets", () => {
  it("knows public from loopback, private and link-local addresses", () => {
    expect(["8.8.8.8", "2606:4700:4700::1111"].map(isPublicAddress)).toEqual([true, true]);
    const refused = [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      // IPv4-compatible, NAT64, 6to4 and Teredo forms that embed a private IPv4 address; the unspecified and site-local.
      "::127.0.0.1",
      "::a9fe:a9fe",
      "::7f00:1",
      "64:ff9b::7f00:1",
      "2002:7f00:1::",
      "2001:0:7f00:1::",
      "::",
      "fec0::1",
      "100::1",
    ];
    expect(refused.filter(isPublicAddress)).toEqual([]);
  });

  it("refuses them in production for endpoints and source connections", async () => {
    const production = await createTestGateway(outboundConfig({ allowPrivateTargets: false }));
    try {
      const refused = await production.graphql(`mutation {
        a: createWebhookEndpoint(url: "http://127.0.0.1:8080/hook", topics: [ORDER_CREATED]) { endpoint { id } errors { code path message } }
        b: createWebhookEndpoint(url: "http://localhost/hook", topics: [ORDER_CREATED]) { endpoint { id } errors { code path } }
        c: upsertSourceConnection(input: { source: MALOMO, baseUrl: "http://169.254.169.254/latest", apiToken: "t" }) { connection { id } errors { code path message } }
        d: upsertSourceConnection(input: { source: STOREFRONT, baseUrl: "http://[::ffff:10.0.0.1]/", apiToken: "t" }) { connection { id } errors { code path } }
        e: createWebhookEndpoint(url: "http://[::127.0.0.1]/hook", topics: [ORDER_CREATED]) { endpoint { id } errors { code path } }
        f: createWebhookEndpoint(url: "http://[::a9fe:a9fe]/hook", topics: [ORDER_CREATED]) { endpoint { id } errors { code path } }
      }`);
      expect(refused.data.a).toEqual({
        endpoint: null,
        errors: [{ code: "VALIDATION", path: ["url"], message: "url resolves to 127.0.0.1, a loopback, private or link-local address." }],
      });
      expect(refused.data.b).toEqual({ endpoint: null, errors: [{ code: "VALIDATION", path: ["url"] }] });
      expect(refused.data.c).toEqual({
        connection: null,
        errors: [
          {
            code: "VALIDATION",
            path: ["input", "baseUrl"],
            message: "baseUrl resolves to 169.254.169.254, a loopback, private or link-local address.",
          },
        ],
      });
      expect(refused.data.d).toEqual({ connection: null, errors: [{ code: "VALIDATION", path: ["input", "baseUrl"] }] });
      expect(refused.data.e).toEqual({ endpoint: null, errors: [{ code: "VALIDATION", path: ["url"] }] });
      expect(refused.data.f).toEqual({ endpoint: null, errors: [{ code: "VALIDATION", path: ["url"] }] });
    } finally {
      await production.close();
    }
  });
});
