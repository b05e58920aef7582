import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { numberedOrder } from "./factories.js";
import { createTestGateway, globalId, type TestGateway } from "./helpers.js";

let gw: TestGateway;

beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const ORDER_FIELDS = /* GraphQL */ `
  id source externalId number email status version fulfillmentStatus currency subtotal total orderType
  cancelReason cancelledAt shippedAt deliveredAt meta
  customer { email firstName lastName }
  shippingAddress { line1 city countryCode }
  lineItems { sku quantity fulfilledQuantity unitPrice }
  shipments { carrier trackingCode status deliveredAt scanEvents { scannedAt status description } }
  processingError { message retriable }
  events(first: 50) { nodes { type label properties occurredAt linkBackUrl } }
`;

const CREATE = `mutation($input: CreateOrderInput!, $key: String) {
  createOrder(input: $input, idempotencyKey: $key) { order { ${ORDER_FIELDS} } errors { code message path } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateOrderInput!, $v: Int) {
  updateOrder(id: $id, input: $input, expectedVersion: $v) { order { ${ORDER_FIELDS} } errors { code message path } } }`;
const DELETE = `mutation($id: ID!) { deleteOrder(id: $id) { deletedId errors { code message path } } }`;
const CANCEL = `mutation($id: ID!, $reason: CancelReason!) {
  cancelOrder(id: $id, reason: $reason) { order { ${ORDER_FIELDS} } errors { code message path } } }`;
const RETRY = `mutation($id: ID!) { retryOrder(id: $id) { order { ${ORDER_FIELDS} } errors { code message path } } }`;
const EVENT = `mutation($id: ID!, $input: CreateOrderEventInput!) {
  createOrderEvent(orderId: $id, input: $input) { event { type label linkBackUrl properties occurredAt } errors { code message path } } }`;
const SCANS = `mutation($carrier: String!, $code: String!, $events: [ScanEventInput!]!) {
  recordScanEvents(carrier: $carrier, trackingCode: $code, events: $events) {
    shipment { status deliveredAt scanEvents { scannedAt status } order { ${ORDER_FIELDS} } } errors { code message path } } }`;
const GET = `query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

async function create(input: Record<string, unknown>, key?: string) {
  const result = await gw.graphql(CREATE, { input, key });
  expect(result.errors).toBeUndefined();
  return result.data.createOrder;
}

async function createOk(input: Record<string, unknown> = {}) {
  const payload = await create({ externalId: unique("ext"), ...input });
  expect(payload.errors).toEqual([]);
  return payload.order;
}

async function get(id: string) {
  return (await gw.graphql(GET, { id })).data.order;
}

/** Rows in every table: a failed write must leave these exactly as they were. */
async function rowCounts() {
  const p = gw.db.prisma;
  const [orders, addresses, lineItems, shipments, scans, events, keys] = await Promise.all([
    p.order.count(),
    p.address.count(),
    p.lineItem.count(),
    p.shipment.count(),
    p.scanEvent.count(),
    p.orderEvent.count(),
    p.idempotencyKey.count(),
  ]);
  return { orders, addresses, lineItems, shipments, scans, events, keys };
}

const scan = (iso: string, status: string, description?: string) => ({ scannedAt: iso, status, description });

describe("createOrder", () => {
  it("creates an order with customer, addresses, line items, shipments and a created event", async () => {
    const order = await createOrder();
    async function createOrder() {
      return createOk({
        source: "MALOMO",
        number: "A-1",
        email: "Buyer@Example.com",
        customer: { email: "buyer@example.com", firstName: "Ada", lastName: "Lovelace" },
        subtotal: "10.5",
        total: "12",
        currency: "eur",
        shippingAddress: { line1: "1 Main St", city: "Springfield", countryCode: "us" },
        lineItems: [{ sku: "MUG", quantity: 2, fulfilledQuantity: 1, unitPrice: "5.25" }],
        shipments: [{ carrier: "usps", trackingCode: unique("TRK"), scanEvents: [scan("2026-01-01T10:00:00Z", "PRE_TRANSIT")] }],
        meta: { shopify: { id: 42 } },
      });
    }
    expect(order).toMatchObject({
      source: "MALOMO",
      number: "A-1",
      email: "Buyer@Example.com",
      version: 1,
      status: "OPEN",
      orderType: "CUSTOMER",
      currency: "EUR",
      subtotal: "10.50",
      total: "12.00",
      fulfillmentStatus: "PARTIALLY_FULFILLED",
      customer: { email: "buyer@example.com", firstName: "Ada", lastName: "Lovelace" },
      shippingAddress: { line1: "1 Main St", city: "Springfield", countryCode: "US" },
      lineItems: [{ sku: "MUG", quantity: 2, fulfilledQuantity: 1, unitPrice: "5.25" }],
      meta: { shopify: { id: 42 } },
    });
    expect(order.shipments[0]).toMatchObject({ carrier: "usps", status: "PRE_TRANSIT" });
    expect(order.events.nodes.map((e: any) => e.type)).toEqual(["order.created"]);
  });

  it("defaults the source to API, the type to CUSTOMER and the currency to USD", async () => {
    const order = await createOk();
    expect(order).toMatchObject({ source: "API", orderType: "CUSTOMER", currency: "USD", fulfillmentStatus: "UNFULFILLED" });
  });

  it("reports every invalid field with its path and writes nothing", async () => {
    const before = await rowCounts();
    const payload = await create({
      email: "not-an-email",
      currency: "dollars",
      total: "12,50",
      lineItems: [{ quantity: 0 }, { quantity: 2, fulfilledQuantity: 3 }],
      shipments: [
        { carrier: "ups", trackingCode: "SAME" },
        { carrier: "UPS", trackingCode: "SAME" },
      ],
    });
    expect(payload.order).toBeNull();
    expect(payload.errors.every((e: any) => e.code === "VALIDATION")).toBe(true);
    expect(payload.errors.map((e: any) => e.path.join("."))).toEqual(
      expect.arrayContaining([
        "input.email",
        "input.currency",
        "input.total",
        "input.lineItems.0.quantity",
        "input.lineItems.1.fulfilledQuantity",
        "input.shipments.1.trackingCode",
      ]),
    );
    expect(await rowCounts()).toEqual(before);
  });

  it("refuses currencies outside ISO 4217 and negative amounts", async () => {
    const before = await rowCounts();
    for (const [input, path] of [
      [{ currency: "XXX" }, "input.currency"],
      [{ currency: "ZZZ" }, "input.currency"],
      [{ subtotal: "-1.00" }, "input.subtotal"],
      [{ discount: "-5" }, "input.discount"],
      [{ total: "-0.01" }, "input.total"],
    ] as const) {
      const payload = await create(input);
      expect(payload.errors[0], path).toMatchObject({ code: "VALIDATION", path: path.split(".") });
    }
    expect(await rowCounts()).toEqual(before);
    await createOk({ currency: "brl", subtotal: "0", discount: "2.50", total: "7.50" });
  });

  it("refuses NUL characters, oversized text and oversized JSON as validation errors", async () => {
    const before = await rowCounts();
    // NUL is refused for the whole operation, wherever a string enters (limits.ts).
    const nul = await gw.graphql(CREATE, { input: { lineItems: [{ quantity: 1, sku: "a\u0000b" }] } });
    expect(nul.errors?.[0]).toMatchObject({
      extensions: { code: "VALIDATION" },
      message: "variables.input.lineItems.0.sku must not contain NUL characters",
    });
    for (const [input, path] of [
      [{ number: "x".repeat(101) }, "input.number"],
      [{ meta: { blob: "x".repeat(70_000) } }, "input.meta"],
    ] as const) {
      const payload = await create(input);
      expect(payload.errors[0]).toMatchObject({ code: "VALIDATION", path: path.split(".") });
    }
    expect(await rowCounts()).toEqual(before);
  });

  it("refuses a second order with the same source and external id", async () => {
    const externalId = unique("dup");
    await createOk({ source: "FLEXPORT", externalId });
    const before = await rowCounts();
    const payload = await create({ source: "FLEXPORT", externalId });
    expect(payload).toMatchObject({ order: null, errors: [{ code: "DUPLICATE", path: ["input", "externalId"] }] });
    expect(await rowCounts()).toEqual(before);
    // The same external id from another source is another order.
    await createOk({ source: "MALOMO", externalId });
  });

  it("refuses a tracking code that another order holds", async () => {
    const code = unique("TRK");
    await createOk({ shipments: [{ carrier: "ups", trackingCode: code }] });
    const payload = await create({
      shipments: [
        { carrier: "fedex", trackingCode: "x" },
        { carrier: "UPS", trackingCode: code },
      ],
    });
    expect(payload.errors).toEqual([
      { code: "DUPLICATE", message: expect.stringContaining(code), path: ["input", "shipments", "1", "trackingCode"] },
    ]);
  });

  it("returns the first result for a repeated idempotency key and creates nothing", async () => {
    const key = unique("key");
    const input = { externalId: unique("idem"), number: "I-1" };
    const first = await create(input, key);
    const before = await rowCounts();
    const second = await create(input, key);
    expect(second.order.id).toBe(first.order.id);
    expect(second.errors).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  });

  it("refuses an idempotency key reused with a different input", async () => {
    const key = unique("key");
    await create({ externalId: unique("idem"), number: "I-2" }, key);
    const payload = await create({ externalId: unique("idem"), number: "I-3" }, key);
    expect(payload).toMatchObject({ order: null, errors: [{ code: "IDEMPOTENCY_MISMATCH", path: ["idempotencyKey"] }] });
  });

  it("creates one order for concurrent identical calls with one key", async () => {
    const key = unique("key");
    const input = { externalId: unique("race"), number: "R-1" };
    const before = await rowCounts();
    const results = await Promise.all(Array.from({ length: 5 }, () => create(input, key)));
    const ids = new Set(results.map((r) => r.order?.id));
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(ids.size).toBe(1);
    expect((await rowCounts()).orders).toBe(before.orders + 1);
  });
});

describe("updateOrder", () => {
  it("patches only the fields given, bumps the version and records an event", async () => {
    const order = await createOk({ number: "U-1", email: "a@example.com", total: "5", customer: { firstName: "Ann" } });
    const payload = (await gw.graphql(UPDATE, { id: order.id, input: { email: "b@example.com", total: null } })).data.updateOrder;
    expect(payload.errors).toEqual([]);
    expect(payload.order).toMatchObject({ number: "U-1", email: "b@example.com", total: null, version: 2, customer: { firstName: "Ann" } });
    expect(payload.order.events.nodes.at(-1)).toMatchObject({
      type: "order.updated",
      properties: { fields: ["email", "total"], version: 2 },
    });
  });

  it("removes the customer when customer is null", async () => {
    const order = await createOk({ customer: { email: "c@example.com", firstName: "Cy" } });
    const payload = (await gw.graphql(UPDATE, { id: order.id, input: { customer: null } })).data.updateOrder;
    expect(payload.order.customer).toBeNull();
  });

  it("treats shipments as the complete list: removes, adds and keeps history", async () => {
    const [a, b, c] = [unique("A"), unique("B"), unique("C")];
    const order = await createOk({
      shipments: [
        { carrier: "ups", trackingCode: a, scanEvents: [scan("2026-01-01T00:00:00Z", "IN_TRANSIT")] },
        { carrier: "ups", trackingCode: b, scanEvents: [scan("2026-01-01T00:00:00Z", "PRE_TRANSIT")] },
      ],
    });
    const scansBefore = await gw.db.prisma.scanEvent.count();
    const payload = (
      await gw.graphql(UPDATE, {
        id: order.id,
        input: {
          shipments: [
            { carrier: "UPS", trackingCode: a },
            { carrier: "dhl", trackingCode: c },
          ],
        },
      })
    ).data.updateOrder;
    expect(payload.errors).toEqual([]);
    expect(payload.order.shipments.map((s: any) => [s.trackingCode, s.status, s.scanEvents.length])).toEqual([
      [a, "IN_TRANSIT", 1],
      [c, "UNKNOWN", 0],
    ]);
    expect(await gw.db.prisma.scanEvent.count()).toBe(scansBefore - 1);
    expect(
      (await gw.graphql(`query($t: String!) { orderByTrackingCode(trackingCode: $t) { id } }`, { t: b })).data.orderByTrackingCode,
    ).toBeNull();
  });

  it("refuses a stale expectedVersion and changes nothing", async () => {
    const order = await createOk({ number: "V-1" });
    await gw.graphql(UPDATE, { id: order.id, input: { number: "V-2" }, v: 1 });
    const payload = (await gw.graphql(UPDATE, { id: order.id, input: { number: "V-3" }, v: 1 })).data.updateOrder;
    expect(payload).toMatchObject({ order: null, errors: [{ code: "CONFLICT", path: ["expectedVersion"] }] });
    expect(await get(order.id)).toMatchObject({ number: "V-2", version: 2 });
  });

  it("lets exactly one of concurrent updates at the same version through", async () => {
    const order = await createOk({ number: "C-0" });
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => gw.graphql(UPDATE, { id: order.id, input: { number: `C-${i + 1}` }, v: 1 })),
    );
    const payloads = results.map((r) => r.data.updateOrder);
    expect(payloads.filter((p) => p.errors.length === 0)).toHaveLength(1);
    expect(payloads.filter((p) => p.errors[0]?.code === "CONFLICT")).toHaveLength(3);
    expect((await get(order.id)).version).toBe(2);
  });

  it("loses no update when concurrent updates change different fields", async () => {
    const order = await createOk({});
    await Promise.all([
      gw.graphql(UPDATE, { id: order.id, input: { email: "x@example.com" } }),
      gw.graphql(UPDATE, { id: order.id, input: { phone: "555" } }),
      gw.graphql(UPDATE, { id: order.id, input: { paymentStatus: "paid" } }),
    ]);
    const after = await gw.db.prisma.order.findUniqueOrThrow({ where: { id: Buffer.from(order.id, "base64").toString().split(":")[1]! } });
    expect(after).toMatchObject({ email: "x@example.com", phone: "555", paymentStatus: "paid", version: 4 });
  });

  it("answers unknown, foreign and malformed ids, and empty input, with typed errors", async () => {
    const [foreign] = await gw.seed([numberedOrder(1)], "someone-else");
    const cases: Array<[string, unknown, string, string]> = [
      [globalId("Order", "00000000-0000-7000-8000-000000000001"), { number: "x" }, "NOT_FOUND", "id"],
      [globalId("Order", foreign!), { number: "x" }, "NOT_FOUND", "id"],
      ["nonsense", { number: "x" }, "VALIDATION", "id"],
      [globalId("Shipment", foreign!), { number: "x" }, "VALIDATION", "id"],
    ];
    for (const [id, input, code, path] of cases) {
      const result = await gw.graphql(UPDATE, { id, input });
      expect(result.errors).toBeUndefined();
      expect(result.data.updateOrder).toMatchObject({ order: null, errors: [{ code, path: [path] }] });
    }
    const order = await createOk({});
    const empty = (await gw.graphql(UPDATE, { id: order.id, input: {} })).data.updateOrder;
    expect(empty.errors[0]).toMatchObject({ code: "VALIDATION", path: ["input"] });
  });

  it("rolls back every part of an update that fails part-way", async () => {
    const taken = unique("TAKEN");
    await createOk({ shipments: [{ carrier: "ups", trackingCode: taken }] });
    const order = await createOk({ email: "keep@example.com", lineItems: [{ quantity: 1 }] });
    const before = await rowCounts();
    const payload = (
      await gw.graphql(UPDATE, {
        id: order.id,
        input: {
          email: "changed@example.com",
          lineItems: [{ quantity: 5 }],
          shippingAddress: { line1: "new" },
          shipments: [{ carrier: "ups", trackingCode: taken }],
        },
      })
    ).data.updateOrder;
    expect(payload.errors[0]).toMatchObject({ code: "DUPLICATE", path: ["input", "shipments", "0", "trackingCode"] });
    expect(await rowCounts()).toEqual(before);
    expect(await get(order.id)).toMatchObject({ email: "keep@example.com", version: 1, lineItems: [{ quantity: 1 }] });
  });
});

describe("deleteOrder", () => {
  it("removes the order and everything under it", async () => {
    const before = await rowCounts();
    const order = await createOk({
      shippingAddress: { line1: "x" },
      lineItems: [{ quantity: 1 }],
      shipments: [{ carrier: "ups", trackingCode: unique("DEL"), scanEvents: [scan("2026-01-01T00:00:00Z", "PRE_TRANSIT")] }],
    });
    const payload = (await gw.graphql(DELETE, { id: order.id })).data.deleteOrder;
    expect(payload).toEqual({ deletedId: order.id, errors: [] });
    expect(await get(order.id)).toBeNull();
    expect(await rowCounts()).toEqual(before);
  });

  it("reports a missing order as NOT_FOUND, also on a second delete", async () => {
    const order = await createOk({});
    await gw.graphql(DELETE, { id: order.id });
    const again = (await gw.graphql(DELETE, { id: order.id })).data.deleteOrder;
    expect(again).toMatchObject({ deletedId: null, errors: [{ code: "NOT_FOUND", path: ["id"] }] });
  });
});

describe("cancelOrder", () => {
  it("cancels an unshipped order with a reason, once", async () => {
    const order = await createOk({
      shipments: [{ carrier: "ups", trackingCode: unique("PRE"), scanEvents: [scan("2026-01-01T00:00:00Z", "PRE_TRANSIT")] }],
    });
    const first = (await gw.graphql(CANCEL, { id: order.id, reason: "FRAUD" })).data.cancelOrder;
    expect(first.errors).toEqual([]);
    expect(first.order).toMatchObject({ status: "CANCELLED", cancelReason: "FRAUD", version: 2 });
    expect(first.order.cancelledAt).toBeTruthy();
    expect(first.order.events.nodes.at(-1)).toMatchObject({ type: "order.cancelled", properties: { reason: "FRAUD" } });

    const second = (await gw.graphql(CANCEL, { id: order.id, reason: "OTHER" })).data.cancelOrder;
    expect(second.errors).toEqual([]);
    expect(second.order).toEqual(first.order);
  });

  it("refuses to cancel an order that has shipped", async () => {
    const order = await createOk({
      shipments: [{ carrier: "ups", trackingCode: unique("SHP"), scanEvents: [scan("2026-01-01T00:00:00Z", "IN_TRANSIT")] }],
    });
    const payload = (await gw.graphql(CANCEL, { id: order.id, reason: "CUSTOMER" })).data.cancelOrder;
    expect(payload).toMatchObject({ order: null, errors: [{ code: "NOT_CANCELLABLE", path: ["id"] }] });
    expect(payload.errors[0].message).toMatch(/shipped/);
    expect(await get(order.id)).toMatchObject({ status: "OPEN", version: 1 });
  });
});

describe("retryOrder", () => {
  async function withError(retriable: boolean) {
    const [id] = await gw.seed([
      numberedOrder(0, {
        externalId: unique("err"),
        processingState: "ERROR",
        processingError: { code: "409", message: "Insufficient inventory", type: "OUT_OF_STOCK", retriable },
      }),
    ]);
    return globalId("Order", id!);
  }

  it("clears a retriable error and records the retry", async () => {
    const id = await withError(true);
    const payload = (await gw.graphql(RETRY, { id })).data.retryOrder;
    expect(payload.errors).toEqual([]);
    expect(payload.order.processingError).toBeNull();
    expect(payload.order.version).toBe(2);
    expect(payload.order.events.nodes.at(-1)).toMatchObject({
      type: "order.retried",
      properties: { previousError: { message: "Insufficient inventory" } },
    });
    const state = await gw.db.prisma.order.findFirstOrThrow({ where: { processingState: "PROCESSING" } });
    expect(state.processingErrorMessage).toBeNull();
  });

  it("says why an order cannot be retried", async () => {
    const fatal = (await gw.graphql(RETRY, { id: await withError(false) })).data.retryOrder;
    expect(fatal).toMatchObject({ order: null, errors: [{ code: "NOT_RETRYABLE" }] });
    expect(fatal.errors[0].message).toMatch(/not retriable: Insufficient inventory/);
    const clean = (await gw.graphql(RETRY, { id: (await createOk({})).id })).data.retryOrder;
    expect(clean.errors[0]).toMatchObject({ code: "NOT_RETRYABLE", message: expect.stringMatching(/no processing error/) });
  });
});

describe("createOrderEvent", () => {
  it("adds Malomo's event with its unix timestamp, or now", async () => {
    const order = await createOk({});
    const input = {
      type: "ShopifyOrderFulfilled",
      label: "Order #1000 fulfilled",
      linkBackUrl: "https://goodest-boi.myshopify.com/admin/orders/5555555555555",
      properties: { shopify_order: { id: "5555555555555" } },
      timestamp: 1548855000,
    };
    const payload = (await gw.graphql(EVENT, { id: order.id, input })).data.createOrderEvent;
    expect(payload.errors).toEqual([]);
    expect(payload.event).toMatchObject({ type: "ShopifyOrderFulfilled", occurredAt: "2019-01-30T13:30:00.000Z" });
    const now = (await gw.graphql(EVENT, { id: order.id, input: { type: "Ping" } })).data.createOrderEvent;
    expect(Math.abs(Date.parse(now.event.occurredAt) - Date.now())).toBeLessThan(60_000);
    const history = (await get(order.id)).events.nodes.map((e: any) => e.type);
    expect(history).toEqual(["ShopifyOrderFulfilled", "order.created", "Ping"]);
  });

  it("refuses unknown orders and bad links", async () => {
    const missing = (await gw.graphql(EVENT, { id: globalId("Order", "00000000-0000-7000-8000-000000000002"), input: { type: "x" } })).data
      .createOrderEvent;
    expect(missing.errors[0]).toMatchObject({ code: "NOT_FOUND", path: ["orderId"] });
    const order = await createOk({});
    const badLink = (await gw.graphql(EVENT, { id: order.id, input: { type: "x", linkBackUrl: "javascript:alert(1)" } })).data
      .createOrderEvent;
    expect(badLink.errors[0]).toMatchObject({ code: "VALIDATION", path: ["input", "linkBackUrl"] });
    const blank = (await gw.graphql(EVENT, { id: order.id, input: { type: "  " } })).data.createOrderEvent;
    expect(blank.errors[0]).toMatchObject({ code: "VALIDATION", path: ["input", "type"] });
  });
});

describe("recordScanEvents", () => {
  it("moves the shipment with its latest scan and keeps the order's dates and fulfillment in step", async () => {
    const code = unique("SCAN");
    const order = await createOk({ shipments: [{ carrier: "usps", trackingCode: code }] });
    const first = (
      await gw.graphql(SCANS, {
        carrier: "USPS",
        code,
        events: [scan("2026-02-01T09:00:00Z", "PRE_TRANSIT"), scan("2026-02-01T18:00:00Z", "IN_TRANSIT")],
      })
    ).data.recordScanEvents;
    expect(first.errors).toEqual([]);
    expect(first.shipment.status).toBe("IN_TRANSIT");
    expect(first.shipment.order).toMatchObject({
      shippedAt: "2026-02-01T18:00:00.000Z",
      deliveredAt: null,
      fulfillmentStatus: "FULFILLED",
      version: 2,
    });

    const delivered = (await gw.graphql(SCANS, { carrier: "usps", code, events: [scan("2026-02-03T12:00:00Z", "DELIVERED")] })).data
      .recordScanEvents;
    expect(delivered.shipment).toMatchObject({ status: "DELIVERED", deliveredAt: "2026-02-03T12:00:00.000Z" });
    expect(delivered.shipment.order.deliveredAt).toBe("2026-02-03T12:00:00.000Z");
    const changes = delivered.shipment.order.events.nodes.filter((e: any) => e.type === "shipment.status_changed");
    expect(changes.map((e: any) => [e.properties.from, e.properties.to])).toEqual([
      ["UNKNOWN", "IN_TRANSIT"],
      ["IN_TRANSIT", "DELIVERED"],
    ]);
    expect(order.id).toBe(delivered.shipment.order.id);
  });

  it("ignores exact duplicates and never moves the status back for an older scan", async () => {
    const code = unique("DUPSCAN");
    await createOk({ shipments: [{ carrier: "ups", trackingCode: code }] });
    const events = [scan("2026-03-01T10:00:00Z", "OUT_FOR_DELIVERY", "Out")];
    const first = (await gw.graphql(SCANS, { carrier: "ups", code, events })).data.recordScanEvents;
    const again = (await gw.graphql(SCANS, { carrier: "ups", code, events: [...events, ...events] })).data.recordScanEvents;
    expect(again.shipment.scanEvents).toHaveLength(1);
    expect(again.shipment.order.version).toBe(first.shipment.order.version);
    const older = (await gw.graphql(SCANS, { carrier: "ups", code, events: [scan("2026-02-28T10:00:00Z", "IN_TRANSIT")] })).data
      .recordScanEvents;
    expect(older.shipment.status).toBe("OUT_FOR_DELIVERY");
    expect(older.shipment.scanEvents.map((s: any) => s.status)).toEqual(["IN_TRANSIT", "OUT_FOR_DELIVERY"]);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    "records the scans on the locked order's shipment when a shipment with the same code arrives while it waits for the lock",
    async () => {
      const code = unique("RACE");
      const locked = await createOk({ shipments: [{ carrier: "ups", trackingCode: code }] });
      const other = await createOk({});
      const uuidOf = (id: string) => Buffer.from(id, "base64").toString().split(":")[1]!;
      const [owner] = await gw.db.sql<{ workspaceId: string }>(`SELECT workspace_id FROM "order" WHERE id = $1`, [uuidOf(locked.id)]);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      const holder = gw.db.sql.transaction(async (tx) => {
        await tx(`SELECT id FROM "order" WHERE id = $1 FOR UPDATE`, [uuidOf(locked.id)]);
        held();
        await released;
      });
      await holding;
      const recording = gw.graphql(SCANS, { carrier: "ups", code, events: [scan("2026-04-01T10:00:00Z", "IN_TRANSIT")] });
      // Once the mutation waits for the order's lock, another order gets the same code (carrier in other case), newer.
      for (let waiting = 0; waiting === 0; ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const [activity] = await gw.db.sql<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        waiting = activity!.waiting;
      }
      await gw.db.sql(
        `INSERT INTO shipment (id, workspace_id, order_id, carrier, tracking_code, created_at)
         VALUES (gen_random_uuid(), $1, $2, 'UPS', $3, now() + interval '1 hour')`,
        [owner!.workspaceId, uuidOf(other.id), code],
      );
      release();
      await holder;
      const recorded = (await recording).data.recordScanEvents;
      expect(recorded.errors).toEqual([]);
      expect(recorded.shipment.order.id).toBe(locked.id);
      expect(recorded.shipment.scanEvents).toEqual([{ scannedAt: "2026-04-01T10:00:00.000Z", status: "IN_TRANSIT" }]);
      expect(recorded.shipment.order.shippedAt).toBe("2026-04-01T10:00:00.000Z");
      const [otherScans] = await gw.db.sql<{ scans: number }>(
        `SELECT count(*)::int AS scans FROM scan_event JOIN shipment s ON s.id = scan_event.shipment_id WHERE s.order_id = $1`,
        [uuidOf(other.id)],
      );
      expect(otherScans!.scans).toBe(0);
    },
  );

  it("reports unknown tracking codes and empty scan lists", async () => {
    const missing = (await gw.graphql(SCANS, { carrier: "ups", code: "NOPE", events: [scan("2026-01-01T00:00:00Z", "IN_TRANSIT")] })).data
      .recordScanEvents;
    expect(missing.errors[0]).toMatchObject({ code: "NOT_FOUND", path: ["trackingCode"] });
    const empty = (await gw.graphql(SCANS, { carrier: "ups", code: "NOPE", events: [] })).data.recordScanEvents;
    expect(empty.errors[0]).toMatchObject({ code: "VALIDATION", path: ["events"] });
  });
});

describe("atomicity", () => {
  it("leaves no trace of an order whose last insert fails in the database", async () => {
    // A trigger makes the database refuse one scan, after the order, its
    // addresses, line items and shipment were already inserted.
    await gw.db.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION refuse_marked_scan() RETURNS trigger AS $$
      BEGIN
        IF NEW.description = 'refuse me' THEN RAISE EXCEPTION 'refused by test trigger'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await gw.db.prisma.$executeRawUnsafe(
      `CREATE TRIGGER refuse_marked_scan BEFORE INSERT ON scan_event FOR EACH ROW EXECUTE FUNCTION refuse_marked_scan()`,
    );
    try {
      const before = await rowCounts();
      const result = await gw.graphql(CREATE, {
        input: {
          externalId: unique("atomic"),
          shippingAddress: { line1: "x" },
          lineItems: [{ quantity: 1 }],
          shipments: [
            { carrier: "ups", trackingCode: unique("ATOM"), scanEvents: [scan("2026-01-01T00:00:00Z", "IN_TRANSIT", "refuse me")] },
          ],
        },
      });
      expect(result.errors?.[0]?.message).toBe("Unexpected error.");
      expect(await rowCounts()).toEqual(before);
    } finally {
      await gw.db.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_marked_scan ON scan_event`);
    }
  });
});
