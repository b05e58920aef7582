import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestGateway, type TestGateway } from "./helpers.js";
import { freshMalomoOrder as malomoOrder, payload, rawFixture } from "./sources/payloads.js";

let gw: TestGateway;

beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const IMPORT = /* GraphQL */ `
  mutation($source: OrderSource!, $payloads: [JSON!]!) {
    importOrders(source: $source, payloads: $payloads) {
      results { index outcome errors { code message path }
        order { id externalId sourceOrderId version number email status fulfillmentStatus shippedAt deliveredAt
          customer { firstName lastName } billingAddress { line1 city } lineItems(first: 10) { sku quantity unitPrice }
          shipments(first: 5) { carrier trackingCode status scanEvents(last: 10) { scannedAt status } }
          events(first: 20) { nodes { type properties } } } }
      errors { code message path }
    }
  }
`;

async function importOrders(source: string, payloads: unknown[]) {
  const result = await gw.graphql(IMPORT, { source, payloads });
  expect(result.errors).toBeUndefined();
  return result.data.importOrders;
}

async function rowCounts() {
  const p = gw.db.prisma;
  const counts = await Promise.all([
    p.order.count(),
    p.address.count(),
    p.lineItem.count(),
    p.shipment.count(),
    p.scanEvent.count(),
    p.orderEvent.count(),
  ]);
  return counts.join(",");
}

describe("importOrders", () => {
  it("creates each documented example as a canonical order", async () => {
    const cases: Array<[string, unknown, Record<string, unknown>]> = [
      [
        "FLEXPORT",
        payload("flexport-order.json"),
        { externalId: "SO-58231", sourceOrderId: "fo_7Hk2mQ9xT3", fulfillmentStatus: "FULFILLED" },
      ],
      [
        "STOREFRONT",
        payload("storefront-orders.json")[0],
        { externalId: "450789469", number: "10872", billingAddress: { line1: "Evergreen Terrace 742", city: "Springfield" } },
      ],
      [
        "TRACKMAGE",
        payload("trackmage-order.json"),
        { externalId: "d20215c9-0691-4783-a2f0-fb56938e5a78", fulfillmentStatus: "PARTIALLY_FULFILLED" },
      ],
      [
        "MALOMO",
        payload("malomo-order.json"),
        { externalId: "450789469", number: "1000", fulfillmentStatus: "FULFILLED", deliveredAt: "2019-01-30T13:30:00.000Z" },
      ],
    ];
    for (const [source, native, expected] of cases) {
      const { results, errors } = await importOrders(source, [native]);
      expect(errors).toEqual([]);
      expect(results[0]).toMatchObject({ index: 0, outcome: "CREATED", errors: [], order: expected });
      expect(results[0].order.events.nodes[0]).toMatchObject({ type: "order.imported" });
    }
  });

  it("changes nothing when the same payload comes again", async () => {
    const native = malomoOrder();
    const first = (await importOrders("MALOMO", [native])).results[0];
    const before = await rowCounts();
    const again = (await importOrders("MALOMO", [native])).results[0];
    expect(again).toMatchObject({ outcome: "UNCHANGED", order: { id: first.order.id, version: first.order.version } });
    expect(await rowCounts()).toBe(before);
  });

  it("updates from a newer payload, merging shipments and scans without losing history", async () => {
    const native = malomoOrder();
    const first = (await importOrders("MALOMO", [native])).results[0];
    const newer = structuredClone(native);
    newer.updated_at = "2019-02-01T00:00:00Z";
    newer.email = "new@example.com";
    newer.shipments[0].scan_events = newer.shipments[0].scan_events.slice(2); // the source sent only the latest scans
    newer.shipments.push({ carrier: "ups", tracking_code: `RET-${Date.now()}`, is_return: true, scan_events: [] });
    const updated = (await importOrders("MALOMO", [newer])).results[0];
    expect(updated).toMatchObject({
      outcome: "UPDATED",
      order: { id: first.order.id, email: "new@example.com", version: first.order.version + 1 },
    });
    const [kept, added] = updated.order.shipments;
    expect(kept.scanEvents).toHaveLength(4);
    expect(kept.status).toBe("DELIVERED");
    expect(added).toMatchObject({ carrier: "ups", status: "UNKNOWN" });
    expect(updated.order.events.nodes.at(-1)).toMatchObject({ type: "order.updated", properties: { by: "import", historyOnly: false } });
  });

  it("never lets an older payload overwrite a newer one, but keeps the history it brings", async () => {
    const native = malomoOrder();
    native.updated_at = "2019-03-01T00:00:00Z";
    native.shipments[0].scan_events = native.shipments[0].scan_events.slice(0, 2);
    const first = (await importOrders("MALOMO", [native])).results[0];
    expect(first.order.shipments[0].status).toBe("IN_TRANSIT");

    const older = structuredClone(native);
    older.updated_at = "2019-02-01T00:00:00Z";
    older.email = "stale@example.com";
    const unchanged = (await importOrders("MALOMO", [older])).results[0];
    expect(unchanged).toMatchObject({ outcome: "UNCHANGED", order: { email: "john@example.com", version: first.order.version } });

    older.shipments[0].scan_events.push({ scanned_at: "2019-01-29T08:00:00", status: "in_transit", description: "Arrived at hub" });
    const history = (await importOrders("MALOMO", [older])).results[0];
    expect(history).toMatchObject({ outcome: "UPDATED", order: { email: "john@example.com" } });
    expect(history.order.shipments[0].scanEvents).toHaveLength(3);
  });

  it("lets a bad payload fail alone, naming the field, and writes nothing for it", async () => {
    const good = malomoOrder();
    const before = await rowCounts();
    const bad = { ...malomoOrder(), shipments: [{ carrier: "usps", tracking_code: 42, scan_events: [] }] };
    const { results } = await importOrders("MALOMO", [bad, good, "not an order"]);
    expect(results.map((r: any) => r.outcome)).toEqual(["ERROR", "CREATED", "ERROR"]);
    expect(results[0].errors[0]).toMatchObject({ code: "VALIDATION", path: ["payloads", "0", "shipments", "0", "tracking_code"] });
    expect(results[0].errors[0].message).toMatch(/Malomo shipments\[0\]\.tracking_code/);
    expect(results[2].errors[0].message).toMatch(/expected object/);
    expect(results[0].order).toBeNull();
    const after = (await rowCounts()).split(",").map(Number);
    expect(after[0]).toBe(Number(before.split(",")[0]) + 1);
  });

  it("refuses a tracking code another order holds, for that payload only", async () => {
    const holder = malomoOrder();
    await importOrders("MALOMO", [holder]);
    const thief = malomoOrder();
    thief.shipments[0].tracking_code = holder.shipments[0].tracking_code;
    const { results } = await importOrders("MALOMO", [thief]);
    expect(results[0]).toMatchObject({ outcome: "ERROR", errors: [{ code: "DUPLICATE" }] });
  });

  it("refuses more than 1,000 payloads and the API source as a whole", async () => {
    const tooMany = await importOrders(
      "MALOMO",
      Array.from({ length: 1001 }, () => ({})),
    );
    expect(tooMany).toMatchObject({ results: [], errors: [{ code: "VALIDATION", path: ["payloads"] }] });
    const api = await importOrders("API", [{}]);
    expect(api).toMatchObject({ results: [], errors: [{ code: "VALIDATION", path: ["source"] }] });
  });
});

describe("POST /webhooks/{source}", () => {
  async function post(path: string, body: string, headers: Record<string, string> = { "content-type": "application/json" }) {
    const response = await gw.yoga.fetch(`http://localhost${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${gw.key}`, ...headers },
      body,
    });
    return { status: response.status, body: await response.json() };
  }

  it("imports one native order, or a list, and answers with the results", async () => {
    const one = await post("/webhooks/malomo", JSON.stringify(malomoOrder()));
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      source: "MALOMO",
      summary: { created: 1, updated: 0, unchanged: 0, failed: 0 },
      results: [{ index: 0, outcome: "CREATED", errors: [] }],
    });
    expect(one.body.results[0].orderId).toEqual(expect.any(String));

    const trackmage = payload("trackmage-order.json");
    trackmage.id = `tm-${Date.now()}`;
    const list = await post("/webhooks/trackmage", JSON.stringify([trackmage, trackmage]));
    expect(list.status).toBe(200);
    expect(list.body.results.map((r: any) => r.outcome)).toEqual(["CREATED", "UNCHANGED"]);
  });

  it("answers 207 when some orders fail and 422 when all do", async () => {
    const mixed = await post(
      "/webhooks/storefront",
      JSON.stringify([{ ...payload("storefront-order.json"), id: Date.now() }, { number: 3 }]),
    );
    expect(mixed.status).toBe(207);
    expect(mixed.body.results[1]).toMatchObject({ outcome: "ERROR", errors: [{ code: "VALIDATION" }] });
    const failed = await post("/webhooks/flexport", JSON.stringify({ id: "x" }));
    expect(failed.status).toBe(422);
    expect(failed.body.results[0].errors[0].message).toMatch(/lineItems/);
  });

  it("refuses bad requests with a 4xx that says why, and writes nothing", async () => {
    const before = await rowCounts();
    const notJson = await post("/webhooks/malomo", rawFixture("malomo-order.docs-raw.txt"));
    expect(notJson).toMatchObject({ status: 400, body: { error: expect.stringMatching(/not valid JSON/) } });
    expect((await post("/webhooks/shopify", "{}")).status).toBe(404);
    expect((await post("/webhooks/malomo", "{}", { "content-type": "text/plain" })).status).toBe(415);
    expect((await post("/webhooks/malomo", "[]")).status).toBe(400);
    const huge = await post("/webhooks/malomo", JSON.stringify({ blob: "x".repeat(11 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    const get = await gw.yoga.fetch("http://localhost/webhooks/malomo", { headers: { authorization: `Bearer ${gw.key}` } });
    expect(get.status).toBe(405);
    expect(await rowCounts()).toBe(before);
  });
});

describe("the tenant key", () => {
  it("is on every order-owned row, the same as its order's", async () => {
    // What the imports above wrote, plus a mutation's rows.
    await gw.graphql(`mutation { createOrder(input: { number: "t-1", lineItems: [{ sku: "A", quantity: 1 }],
      shipments: [{ carrier: "ups", trackingCode: "TENANT1", scanEvents: [{ scannedAt: "2026-01-01T00:00:00Z", status: IN_TRANSIT }] }] }) { errors { code } } }`);
    const [counts] = await gw.db.sql<Record<string, number>>(`
      SELECT (SELECT count(*)::int FROM line_item) AS line_items,
             (SELECT count(*)::int FROM line_item li JOIN "order" o ON o.id = li.order_id WHERE li.workspace_id = o.workspace_id) AS line_items_matching,
             (SELECT count(*)::int FROM scan_event) AS scans,
             (SELECT count(*)::int FROM scan_event se JOIN shipment s ON s.id = se.shipment_id WHERE se.workspace_id = s.workspace_id) AS scans_matching,
             (SELECT count(*)::int FROM order_event) AS events,
             (SELECT count(*)::int FROM order_event e JOIN "order" o ON o.id = e.order_id WHERE e.workspace_id = o.workspace_id) AS events_matching`);
    expect(counts!.lineItems).toBeGreaterThan(0);
    expect(counts!.scans).toBeGreaterThan(0);
    expect(counts!.events).toBeGreaterThan(0);
    expect(counts).toEqual({
      lineItems: counts!.lineItems,
      lineItemsMatching: counts!.lineItems,
      scans: counts!.scans,
      scansMatching: counts!.scans,
      events: counts!.events,
      eventsMatching: counts!.events,
    });
  });
});
