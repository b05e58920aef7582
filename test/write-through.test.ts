// Write-through: a change to an order from a connected source reaches that
// source through the outbox, with retries, and Order.sourceSync tells how it went.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createGateway } from "../src/server.js";
import { createTestGateway, type TestGateway } from "./helpers.js";
import { eventually, outboundConfig } from "./outbound-helpers.js";
import { STAND_IN_TOKEN, startFlexport, startMalomo } from "./stand-ins/sources.js";

let gw: TestGateway;
let malomo: Awaited<ReturnType<typeof startMalomo>>;
let flexport: Awaited<ReturnType<typeof startFlexport>>;

beforeAll(async () => {
  gw = await createTestGateway(outboundConfig());
  malomo = await startMalomo();
  flexport = await startFlexport();
  for (const [source, standIn] of [
    ["MALOMO", malomo],
    ["FLEXPORT", flexport],
  ] as const) {
    const connected = await gw.graphql(
      `mutation($input: SourceConnectionInput!) { upsertSourceConnection(input: $input) { connection { source baseUrl enabled } errors { code message } } }`,
      { input: { source, baseUrl: standIn.url, apiToken: STAND_IN_TOKEN } },
    );
    expect(connected.data.upsertSourceConnection).toEqual({ connection: { source, baseUrl: standIn.url, enabled: true }, errors: [] });
  }
});
afterAll(async () => {
  await gw?.close();
  await malomo?.close();
  await flexport?.close();
});

const databaseIdOf = (globalId: string) => Buffer.from(globalId, "base64").toString().split(":")[1]!;

const SYNC = `id sourceOrderId status cancellationRequestedAt sourceSync { state attempts lastError syncedAt localOnlyFields }`;

async function createOrder(input: Record<string, unknown>) {
  const result = await gw.graphql(
    `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { ${SYNC} } errors { code message } } }`,
    { input },
  );
  expect(result.data.createOrder.errors).toEqual([]);
  return result.data.createOrder.order;
}

const syncOf = async (id: string) => (await gw.graphql(`query($id: ID!) { node(id: $id) { ... on Order { ${SYNC} } } }`, { id })).data.node;
const synced = (id: string) =>
  eventually(async () => {
    const order = await syncOf(id);
    expect(order.sourceSync.state).toBe("SYNCED");
    return order;
  });

describe("write-through to Malomo", () => {
  it("creates, updates, adds events and deletes at the source with its own JSON", async () => {
    const created = await createOrder({
      source: "MALOMO",
      externalId: "wt-1001",
      number: "1001",
      email: "ana@example.com",
      customer: { email: "ana@example.com", firstName: "Ana", lastName: "Lima" },
      meta: { channel: "web" },
      shipments: [{ carrier: "usps", trackingCode: "WT1001A" }],
    });
    expect(created.sourceSync).toMatchObject({ state: "PENDING", attempts: 0 });
    const after = await synced(created.id);
    const post = malomo.requests.find((r) => r.method === "POST" && r.path === "/orders")!;
    expect(post.headers).toMatchObject({ authorization: `Bearer ${STAND_IN_TOKEN}`, "content-type": "application/json" });
    expect(post.json).toEqual({
      alternate_id: "wt-1001",
      number: "1001",
      email: "ana@example.com",
      customer: { email: "ana@example.com", first_name: "Ana", last_name: "Lima" },
      meta: { channel: "web" },
      shipments: [{ carrier: "usps", tracking_code: "WT1001A" }],
    });
    expect(after.sourceOrderId).toBe([...malomo.orders.keys()].at(-1));
    expect(after.sourceSync).toMatchObject({ attempts: 1, lastError: null, syncedAt: expect.any(String) });

    const sourceId = after.sourceOrderId;
    const updated = await gw.graphql(
      `mutation($id: ID!) { updateOrder(id: $id, input: { email: "ana.lima@example.com", shipments: [{ carrier: "ups", trackingCode: "WT1001B" }] }) { order { sourceSync { state } } errors { code } } }`,
      { id: created.id },
    );
    expect(updated.data.updateOrder).toEqual({ order: { sourceSync: { state: "PENDING" } }, errors: [] });
    await synced(created.id);
    const put = malomo.requests.find((r) => r.method === "PUT")!;
    expect(put.path).toBe(`/orders/${sourceId}`);
    // The complete list of shipments: the one left out is removed at Malomo too.
    expect(put.json).toMatchObject({ email: "ana.lima@example.com", shipments: [{ carrier: "ups", tracking_code: "WT1001B" }] });
    expect(put.json).not.toHaveProperty("alternate_id");

    const event = await gw.graphql(
      `mutation($id: ID!) { createOrderEvent(orderId: $id, input: { type: "OrderPacked", label: "Packed", timestamp: 1763632800 }) { errors { code } } }`,
      { id: created.id },
    );
    expect(event.data.createOrderEvent.errors).toEqual([]);
    const eventPost = await eventually(
      () => malomo.requests.find((r) => r.path === `/orders/${sourceId}/events`) ?? Promise.reject(new Error("not yet")),
    );
    expect(eventPost.json).toEqual({ type: "OrderPacked", label: "Packed", link_back_url: null, properties: null, timestamp: 1763632800 });

    const deleted = await gw.graphql(`mutation($id: ID!) { deleteOrder(id: $id) { deletedId errors { code } } }`, { id: created.id });
    expect(deleted.data.deleteOrder.errors).toEqual([]);
    await eventually(() => expect(malomo.requests.some((r) => r.method === "DELETE" && r.path === `/orders/${sourceId}`)).toBe(true));
    await eventually(() => expect(malomo.orders.has(sourceId)).toBe(false));
  });

  it("retries throttling and server errors, honouring Retry-After, until the source accepts", async () => {
    const before = malomo.requests.length;
    malomo.fail({ status: 429, headers: { "retry-after": "1" }, json: { message: "Slow down" } }, { status: 500, text: "oops" });
    const created = await createOrder({
      source: "MALOMO",
      externalId: "wt-1002",
      shipments: [{ carrier: "usps", trackingCode: "WT1002" }],
    });
    const pending = await eventually(async () => {
      const order = await syncOf(created.id);
      expect(order.sourceSync).toMatchObject({
        state: "PENDING",
        attempts: 1,
        lastError: "Malomo refused createOrder: HTTP 429: Slow down",
      });
      return order;
    });
    expect(pending.sourceOrderId).toBeNull();
    const done = await synced(created.id);
    expect(done.sourceSync).toMatchObject({ attempts: 3, lastError: null });
    const attempts = malomo.requests.slice(before).filter((r) => r.method === "POST");
    expect(attempts).toHaveLength(3);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
  });

  it("retries a source that does not answer in time", async () => {
    const impatient = await createTestGateway(outboundConfig({ timeoutMs: 300 }));
    onTestFinished(() => impatient.close());
    const slow = await startMalomo();
    onTestFinished(() => slow.close());
    await impatient.graphql(`mutation($input: SourceConnectionInput!) { upsertSourceConnection(input: $input) { errors { code } } }`, {
      input: { source: "MALOMO", baseUrl: slow.url, apiToken: STAND_IN_TOKEN },
    });
    slow.fail({ delayMs: 2000, json: {} });
    const created = await impatient.graphql(`mutation { createOrder(input: { source: MALOMO, externalId: "wt-1003" }) { order { id } } }`);
    const id = created.data.createOrder.order.id;
    const done = await eventually(async () => {
      const order = (
        await impatient.graphql(`query($id: ID!) { node(id: $id) { ... on Order { sourceSync { state attempts lastError } } } }`, { id })
      ).data.node;
      expect(order.sourceSync.state).toBe("SYNCED");
      return order;
    });
    expect(done.sourceSync.attempts).toBeGreaterThanOrEqual(2);
    expect(slow.requests.length).toBeGreaterThanOrEqual(2);
  });

  it("marks a refusal FAILED at once, keeps the source's message and adds it to the history", async () => {
    malomo.fail({ status: 422, json: { message: "alternate_id has already been taken" } });
    const created = await createOrder({ source: "MALOMO", externalId: "wt-1004" });
    const failed = await eventually(async () => {
      const order = (
        await gw.graphql(
          `query($id: ID!) { node(id: $id) { ... on Order { sourceSync { state attempts lastError } events(last: 1) { nodes { type label } } } } }`,
          { id: created.id },
        )
      ).data.node;
      expect(order.sourceSync.state).toBe("FAILED");
      return order;
    });
    const message = "Malomo refused createOrder: HTTP 422: alternate_id has already been taken";
    expect(failed.sourceSync).toEqual({ state: "FAILED", attempts: 1, lastError: message });
    expect(failed.events.nodes).toEqual([{ type: "source.sync_failed", label: message }]);
  });

  it("gives up after the configured number of attempts", async () => {
    malomo.fail({ status: 503, text: "down" }, { status: 502, text: "down" }, { status: 500, text: "down" });
    const created = await createOrder({ source: "MALOMO", externalId: "wt-1005" });
    const failed = await eventually(async () => {
      const order = await syncOf(created.id);
      expect(order.sourceSync.state).toBe("FAILED");
      return order;
    });
    expect(failed.sourceSync).toMatchObject({
      attempts: 3,
      lastError: "Malomo refused createOrder: HTTP 500: down (gave up after 3 attempts)",
    });
  });

  it("sends nothing for a change that rolled back", async () => {
    await createOrder({ source: "MALOMO", externalId: "wt-1006", shipments: [{ carrier: "usps", trackingCode: "WT1006" }] });
    const other = await createOrder({ source: "MALOMO", externalId: "wt-1007" });
    await synced(other.id);
    const before = malomo.requests.length;
    const refused = await gw.graphql(
      `mutation($id: ID!) { updateOrder(id: $id, input: { shipments: [{ carrier: "usps", trackingCode: "WT1006" }] }) { errors { code } } }`,
      { id: other.id },
    );
    expect(refused.data.updateOrder.errors).toEqual([{ code: "DUPLICATE" }]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(malomo.requests.slice(before).filter((r) => r.method === "PUT")).toEqual([]);
    expect(await gw.db.prisma.sourceWrite.count({ where: { orderId: databaseIdOf(other.id), operation: "updateOrder" } })).toBe(0);
  });
});

describe("write-through to Flexport", () => {
  it("creates, cancels and retries through the connector's paths", async () => {
    const created = await createOrder({
      source: "FLEXPORT",
      externalId: "fx-2001",
      shippingAddress: {
        firstName: "Ana",
        lastName: "Lima",
        line1: "1 Main St",
        city: "Austin",
        state: "TX",
        postalCode: "78701",
        countryCode: "US",
      },
      lineItems: [{ sku: "SKU-1", quantity: 2, unitPrice: "9.50" }],
    });
    const after = await synced(created.id);
    const post = flexport.requests.find((r) => r.path === "/orders")!;
    expect(post.json).toMatchObject({
      externalOrderId: "fx-2001",
      address: { name: "Ana Lima", address1: "1 Main St", city: "Austin", provinceCode: "TX", zip: "78701", countryCode: "US" },
      lineItems: [{ logisticsSku: "SKU-1", quantity: 2, customsUnitValue: { amount: 9.5, currencyCode: "USD" } }],
    });
    expect(after.sourceOrderId).toMatch(/^fo_/);

    // Not cancelled before Flexport accepts: the order shows the request meanwhile.
    const cancelled = await gw.graphql(
      `mutation($id: ID!) { cancelOrder(id: $id, reason: CUSTOMER) { order { status cancellationRequestedAt sourceSync { state } } errors { code } } }`,
      { id: created.id },
    );
    expect(cancelled.data.cancelOrder).toEqual({
      order: { status: "OPEN", cancellationRequestedAt: expect.any(String), sourceSync: { state: "PENDING" } },
      errors: [],
    });
    const accepted = await synced(created.id);
    expect(accepted).toMatchObject({ status: "CANCELLED", cancellationRequestedAt: null });
    expect(flexport.requests.at(-1)).toMatchObject({ method: "POST", path: `/orders/${after.sourceOrderId}/cancel` });
    expect(flexport.orders.get(after.sourceOrderId)!.state.internalStatus).toBe("CANCELLED");
  });

  it("keeps the order's status when Flexport refuses the cancel, and says why in its history", async () => {
    const created = await createOrder({ source: "FLEXPORT", externalId: "fx-2004", lineItems: [{ sku: "SKU-4", quantity: 1 }] });
    const { sourceOrderId } = await synced(created.id);
    flexport.orders.get(sourceOrderId)!.state.fulfillmentStatus = "SHIPPED";
    await gw.graphql(`mutation($id: ID!) { cancelOrder(id: $id, reason: CUSTOMER) { errors { code } } }`, { id: created.id });
    const refused = await eventually(async () => {
      const order = (
        await gw.graphql(`query($id: ID!) { node(id: $id) { ... on Order { ${SYNC} events(last: 1) { nodes { type label } } } } }`, {
          id: created.id,
        })
      ).data.node;
      expect(order.sourceSync.state).toBe("FAILED");
      return order;
    });
    expect(refused).toMatchObject({ status: "OPEN", cancellationRequestedAt: null });
    expect(refused.events.nodes[0]).toMatchObject({ type: "order.cancel_refused", label: expect.stringMatching(/already shipped/) });
  });

  it("sends retryOrder to the source", async () => {
    const created = await createOrder({ source: "FLEXPORT", externalId: "fx-2002", lineItems: [{ sku: "SKU-2", quantity: 1 }] });
    const { sourceOrderId } = await synced(created.id);
    await gw.db.prisma.order.update({
      where: { id: databaseIdOf(created.id) },
      data: { processingState: "ERROR", processingErrorMessage: "Out of stock", processingErrorRetriable: true },
    });
    const retried = await gw.graphql(`mutation($id: ID!) { retryOrder(id: $id) { errors { code } } }`, { id: created.id });
    expect(retried.data.retryOrder.errors).toEqual([]);
    await eventually(() => expect(flexport.requests.at(-1)).toMatchObject({ path: `/orders/${sourceOrderId}/retry` }));
    await synced(created.id);
  });
});

describe("without a connection or an operation", () => {
  it("keeps a change LOCAL_ONLY that the source has no operation for, saying why", async () => {
    const storefront = await createOrder({ source: "STOREFRONT", externalId: "sf-1" });
    expect(storefront.sourceSync).toEqual({ state: "LOCAL_ONLY", attempts: 0, lastError: null, syncedAt: null, localOnlyFields: [] });
    // Flexport has no update operation.
    const flexportOrder = await createOrder({ source: "FLEXPORT", externalId: "fx-2003" });
    await synced(flexportOrder.id);
    const before = flexport.requests.length;
    await gw.graphql(`mutation($id: ID!) { updateOrder(id: $id, input: { email: "x@example.com" }) { errors { code } } }`, {
      id: flexportOrder.id,
    });
    expect((await syncOf(flexportOrder.id)).sourceSync).toMatchObject({
      state: "LOCAL_ONLY",
      lastError: "Flexport has no updateOrder operation: the change is kept here only.",
      localOnlyFields: ["email"],
    });
    expect(flexport.requests.length).toBe(before);
  });

  it("keeps a change LOCAL_ONLY that the source's write does not carry (a Malomo number edit), sending the rest", async () => {
    const created = await createOrder({ source: "MALOMO", externalId: "wt-local-1", email: "ana@example.com" });
    await synced(created.id);
    const before = malomo.requests.length;
    await gw.graphql(`mutation($id: ID!) { updateOrder(id: $id, input: { number: "2002" }) { errors { code } } }`, { id: created.id });
    expect((await syncOf(created.id)).sourceSync).toMatchObject({
      state: "LOCAL_ONLY",
      localOnlyFields: ["number"],
      lastError: expect.stringMatching(/does not carry number/),
    });
    expect(malomo.requests.length).toBe(before);

    // A later change the source does receive is sent, but the number it never saw keeps the order LOCAL_ONLY.
    await gw.graphql(`mutation($id: ID!) { updateOrder(id: $id, input: { email: "ana.lima@example.com" }) { errors { code } } }`, {
      id: created.id,
    });
    await eventually(() => expect(malomo.requests.at(-1)).toMatchObject({ method: "PUT", json: { email: "ana.lima@example.com" } }));
    await eventually(async () =>
      expect((await syncOf(created.id)).sourceSync).toMatchObject({ state: "LOCAL_ONLY", localOnlyFields: ["number"], attempts: 1 }),
    );
  });
});

describe("a cancel waiting on Flexport", () => {
  it("is settled by an import in which Flexport reports the order cancelled", async () => {
    const config = outboundConfig();
    const idle = await createTestGateway({ ...config, jobs: { ...config.jobs, enabled: false } });
    onTestFinished(() => idle.close());
    await idle.graphql(`mutation($input: SourceConnectionInput!) { upsertSourceConnection(input: $input) { errors { code } } }`, {
      input: { source: "FLEXPORT", baseUrl: flexport.url, apiToken: STAND_IN_TOKEN },
    });
    const created = (
      await idle.graphql(`mutation { createOrder(input: { source: FLEXPORT, externalId: "fx-settle-1" }) { order { id } } }`)
    ).data.createOrder.order;
    const requested = await idle.graphql(
      `mutation($id: ID!) { cancelOrder(id: $id, reason: CUSTOMER) { order { status cancellationRequestedAt } } }`,
      { id: created.id },
    );
    expect(requested.data.cancelOrder.order).toEqual({ status: "OPEN", cancellationRequestedAt: expect.any(String) });

    const reported = {
      id: "fo_settle_1",
      externalOrderId: "fx-settle-1",
      lineItems: [],
      updatedAt: new Date(Date.now() + 60_000).toISOString(),
      state: { fulfillmentStatus: "CANCELLED", internalStatus: "CANCELLED" },
    };
    const imported = await idle.graphql(
      `mutation($payloads: [JSON!]!) { importOrders(source: FLEXPORT, payloads: $payloads) { results { outcome order { status cancellationRequestedAt } } } }`,
      { payloads: [reported] },
    );
    expect(imported.data.importOrders.results[0]).toEqual({
      outcome: "UPDATED",
      order: { status: "CANCELLED", cancellationRequestedAt: null },
    });
  });
});

describe("durability", () => {
  it("sends after a restart what was committed while no worker ran", async () => {
    const config = outboundConfig();
    const idle = await createTestGateway({ ...config, jobs: { ...config.jobs, enabled: false } });
    onTestFinished(() => idle.close());
    const standIn = await startMalomo();
    onTestFinished(() => standIn.close());
    await idle.graphql(`mutation($input: SourceConnectionInput!) { upsertSourceConnection(input: $input) { errors { code } } }`, {
      input: { source: "MALOMO", baseUrl: standIn.url, apiToken: STAND_IN_TOKEN },
    });
    const created = await idle.graphql(
      `mutation { createOrder(input: { source: MALOMO, externalId: "restart-1" }) { order { id sourceSync { state } } } }`,
    );
    expect(created.data.createOrder.order.sourceSync.state).toBe("PENDING");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(standIn.requests).toEqual([]);
    await idle.outbound.stop();

    const restarted = await createGateway(config, idle.db);
    onTestFinished(() => restarted.close());
    await standIn.waitForRequests(1);
    expect(standIn.requests[0]!.json).toMatchObject({ alternate_id: "restart-1" });
  });
});

describe("throttling", () => {
  it("pauses only the throttled connection until its Retry-After, and shows each connection's write queue", async () => {
    const before = malomo.requests.length;
    malomo.fail({ status: 429, headers: { "retry-after": "2" }, json: { message: "Slow down" } });
    const first = await createOrder({ source: "MALOMO", externalId: "wt-throttled-1" });
    const paused = await eventually(async () => {
      const result = await gw.graphql(
        `{ sourceConnections { source writeQueue { depth lastSucceededAt lastError nextAttemptAt throttledUntil } } }`,
      );
      const queue = result.data.sourceConnections.find((c: { source: string }) => c.source === "MALOMO").writeQueue;
      expect(queue.throttledUntil).not.toBeNull();
      return queue;
    });
    expect(paused).toMatchObject({ depth: 1, lastError: "Malomo refused createOrder: HTTP 429: Slow down" });
    expect(Date.parse(paused.throttledUntil)).toBeGreaterThan(Date.now());
    expect(Date.parse(paused.nextAttemptAt)).toBeGreaterThan(Date.now());

    // Another Malomo write waits for the pause; Flexport's goes through meanwhile.
    const second = await createOrder({ source: "MALOMO", externalId: "wt-throttled-2" });
    const elsewhere = await createOrder({
      source: "FLEXPORT",
      externalId: "fx-unthrottled",
      shippingAddress: { firstName: "Ana", line1: "1 Main St", city: "Austin", state: "TX", postalCode: "78701", countryCode: "US" },
      lineItems: [{ sku: "SKU-1", quantity: 1, unitPrice: "9.50" }],
    });
    await synced(elsewhere.id);
    const throttledUntil = Date.parse(paused.throttledUntil);
    expect(Date.now()).toBeLessThan(throttledUntil);
    await Promise.all([synced(first.id), synced(second.id)]);
    const posts = malomo.requests.slice(before).filter((r) => r.method === "POST");
    expect(posts).toHaveLength(3);
    expect(posts.slice(1).every((r) => r.at >= throttledUntil - 50)).toBe(true);
    const after = await gw.graphql(`{ sourceConnections { source writeQueue { depth lastSucceededAt throttledUntil } } }`);
    expect(after.data.sourceConnections.find((c: { source: string }) => c.source === "MALOMO").writeQueue).toMatchObject({
      depth: 0,
      lastSucceededAt: expect.any(String),
      throttledUntil: null,
    });
  });
});
