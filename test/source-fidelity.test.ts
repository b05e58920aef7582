// What each source says lands as it meant it: re-imports that move the
// source's own fields, cancelled shipments, complete shipment lists, ids the
// docs require, and the fields kept from the documented payloads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestGateway, type TestGateway } from "./helpers.js";
import { freshMalomoOrder, payload } from "./sources/payloads.js";

let gw: TestGateway;

beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const ORDER = /* GraphQL */ `
  id externalId sourceOrderId status fulfillmentStatus cancelledAt shippedAt total subtotal discount discountCoupon discountGateway
  shippingCost totalUsd note ownerNote customerId paidAt closedAt rawStatus rawStatusTitle shipMethod sourceUpdatedAt meta
  processingError { code message lineItemSkus }
  lineItems(first: 10) { sku weight weightUnit barcode dimensions { width height depth } }
  shipments(first: 10) {
    carrier carrierName trackingCode sourceShipmentId status isReturn weight weightUnit labelUrl shippedAt estimatedShipAt
    estimatedDeliveryAt originalEstimatedDeliveryAt guaranteedDeliveryAt estimatedLocalDeliveryAt estimatedLocalDeliveryOn
    firstDeliveryAttemptAt origin { city state postalCode } destination { city postalCode } scanEvents(last: 20) { status }
  }
`;

const IMPORT = /* GraphQL */ `
  mutation($source: OrderSource!, $payloads: [JSON!]!) {
    importOrders(source: $source, payloads: $payloads) {
      results { index outcome errors { code message path } order { ${ORDER} } }
      errors { code message }
    }
  }
`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- results are read freely
async function importOne(source: string, native: unknown): Promise<any> {
  const result = await gw.graphql(IMPORT, { source, payloads: [native] });
  expect(result.errors).toBeUndefined();
  return result.data.importOrders.results[0];
}

let serial = 0;
const unique = (prefix: string) => `${prefix}-${++serial}-${Date.now()}`;

function trackmageOrder(changes: Record<string, unknown> = {}) {
  return { ...payload("trackmage-order.json"), id: unique("tm"), ...changes };
}

function flexportOrder() {
  const native = payload("flexport-order.json");
  native.id = unique("fo");
  native.externalOrderId = unique("SO");
  native.shipments[0].packages[0].label.trackingCode = unique("1Z");
  return native;
}

describe("TrackMage", () => {
  it("takes a re-imported payload's fulfillmentStatus, as it moves from not_fulfilled to partial to fulfilled", async () => {
    const native = trackmageOrder({ fulfillmentStatus: "not_fulfilled", updatedAt: 1610236800 });
    expect((await importOne("TRACKMAGE", native)).order.fulfillmentStatus).toBe("UNFULFILLED");
    const partial = await importOne("TRACKMAGE", { ...native, fulfillmentStatus: "partial", updatedAt: 1610236900 });
    expect(partial).toMatchObject({ outcome: "UPDATED", order: { fulfillmentStatus: "PARTIALLY_FULFILLED" } });
    const fulfilled = await importOne("TRACKMAGE", { ...native, fulfillmentStatus: "fulfilled", updatedAt: 1610237000 });
    expect(fulfilled).toMatchObject({ outcome: "UPDATED", order: { fulfillmentStatus: "FULFILLED" } });
  });

  it("keeps two store integrations' orders apart when their store order ids are the same", async () => {
    const first = await importOne(
      "TRACKMAGE",
      trackmageOrder({ externalSourceSyncId: "wo_1001", externalSourceIntegration: "/workflows/a" }),
    );
    const second = await importOne(
      "TRACKMAGE",
      trackmageOrder({ externalSourceSyncId: "wo_1001", externalSourceIntegration: "/workflows/b" }),
    );
    expect(first.outcome).toBe("CREATED");
    expect(second.outcome).toBe("CREATED");
    expect(second.order.id).not.toBe(first.order.id);
    expect(second.order.meta.trackmage).toMatchObject({ storeOrderId: "wo_1001", integration: "/workflows/b" });
  });

  it("keeps the status's title", async () => {
    const created = await importOne("TRACKMAGE", trackmageOrder());
    expect(created.order).toMatchObject({ rawStatus: "new", rawStatusTitle: "New" });
  });
});

describe("Flexport", () => {
  it("keeps a cancelled shipment CANCELLED whatever its package's scans say: it neither ships the order nor blocks its cancel", async () => {
    const native = flexportOrder();
    native.shippedAt = null;
    native.state = { fulfillmentStatus: "PROCESSING", internalStatus: "PROCESSING" };
    native.shipments[0].status = "CANCELLED";
    const created = await importOne("FLEXPORT", native);
    expect(created.outcome).toBe("CREATED");
    expect(created.order.shipments[0]).toMatchObject({ status: "CANCELLED" });
    expect(created.order.shippedAt).toBeNull();

    const cancel = await gw.graphql(`mutation($id: ID!) { cancelOrder(id: $id, reason: CUSTOMER) { order { status } errors { code } } }`, {
      id: created.order.id,
    });
    expect(cancel.data.cancelOrder.errors).toEqual([]);
  });

  it("cancels a shipment the source cancels later, even one with scans", async () => {
    const native = flexportOrder();
    const created = await importOne("FLEXPORT", native);
    expect(created.order.shipments[0].status).not.toBe("CANCELLED");
    native.shipments[0].status = "CANCELLED";
    native.updatedAt = "2026-11-05T09:41:10Z";
    const updated = await importOne("FLEXPORT", native);
    expect(updated.order.shipments[0].status).toBe("CANCELLED");
  });

  it("dates the cancel of an order whose fulfillmentStatus alone says CANCELLED", async () => {
    const native = flexportOrder();
    native.state = { fulfillmentStatus: "CANCELLED", internalStatus: "PROCESSING" };
    const created = await importOne("FLEXPORT", native);
    expect(created.order).toMatchObject({ status: "CANCELLED", cancelledAt: "2026-11-04T09:41:10.000Z" });
  });

  it("keeps the label, ship dates, weight with its unit, ship method and the error's line items", async () => {
    const native = flexportOrder();
    native.error = {
      code: 7,
      message: "Out of stock",
      retriable: true,
      type: "PARTIALLY_SHIPPED",
      lineItemErrors: [{ logisticsSku: "DSKU-MUG-BLUE" }],
    };
    native.shipMethod = "STANDARD";
    native.shipments[0].packages[0].attemptedDeliveryTime = "2026-11-05T15:00:00Z";
    const { order } = await importOne("FLEXPORT", native);
    expect(order).toMatchObject({
      shipMethod: "STANDARD",
      processingError: { code: "7", message: "Out of stock", lineItemSkus: ["DSKU-MUG-BLUE"] },
      sourceUpdatedAt: "2026-11-04T09:41:10.000Z",
    });
    expect(order.shipments[0]).toMatchObject({
      sourceShipmentId: "pkg_91QzL0",
      labelUrl: "https://labels.example.com/lbl_55Xw2.pdf",
      weight: "38",
      weightUnit: "OZ",
      shippedAt: "2026-11-03T16:05:00.000Z",
      estimatedShipAt: "2026-11-03T16:00:00.000Z",
      firstDeliveryAttemptAt: "2026-11-05T15:00:00.000Z",
    });
  });

  it("keeps no weight whose unit it does not know", async () => {
    const native = flexportOrder();
    native.shipments[0].packages[0].label.packageDimensions.weightUnit = "stone";
    const { order } = await importOne("FLEXPORT", native);
    expect(order.shipments[0]).toMatchObject({ weight: null, weightUnit: null });
  });
});

describe("Malomo", () => {
  const secondShipment = (code: string) => ({
    ...payload("malomo-order.json").shipments[0],
    id: "s2",
    tracking_code: code,
    scan_events: [],
  });

  it("removes a shipment (with its scans) that a newer payload no longer lists; an older one removes nothing", async () => {
    const native = freshMalomoOrder();
    const code = unique("9400");
    native.shipments.push(secondShipment(code));
    const created = await importOne("MALOMO", native);
    expect(created.order.shipments).toHaveLength(2);

    const older = { ...native, shipments: [native.shipments[1]], updated_at: "2019-01-29T00:00:00Z" };
    expect((await importOne("MALOMO", older)).order.shipments).toHaveLength(2);

    const newer = { ...native, shipments: [native.shipments[1]], updated_at: "2019-02-01T00:00:00Z" };
    const updated = await importOne("MALOMO", newer);
    expect(updated.outcome).toBe("UPDATED");
    expect(updated.order.shipments.map((s: { trackingCode: string }) => s.trackingCode)).toEqual([code]);
    const scans = await gw.db.prisma.scanEvent.count({ where: { shipment: { trackingCode: native.shipments[0].tracking_code } } });
    expect(scans).toBe(0);

    // A payload without the list at all says nothing of shipments: none is removed.
    const { shipments: _, ...withoutList } = { ...newer, updated_at: "2019-02-02T00:00:00Z" };
    expect((await importOne("MALOMO", withoutList)).order.shipments).toHaveLength(1);
  });

  it("applies a newer payload's is_return, weight, origin and destination to a known shipment", async () => {
    const native = freshMalomoOrder();
    await importOne("MALOMO", native);
    const changed = structuredClone(native);
    changed.updated_at = "2019-02-01T00:00:00Z";
    Object.assign(changed.shipments[0], {
      is_return: true,
      weight: "12.5",
      origin: { city: "CHICAGO", country: "US", postal_code: "60601", state: "IL" },
      destination: { city: "DENVER", country: "US", postal_code: "80202", state: "CO" },
    });
    const { order } = await importOne("MALOMO", changed);
    expect(order.shipments[0]).toMatchObject({
      isReturn: true,
      weight: "12.5",
      weightUnit: "OZ",
      origin: { city: "CHICAGO", postalCode: "60601" },
      destination: { city: "DENVER", postalCode: "80202" },
    });
  });

  it("keeps the carrier's name, the shipment's id and every delivery estimate; local estimates stay local", async () => {
    const native = freshMalomoOrder();
    Object.assign(native.shipments[0], {
      estimated_local_delivered_at: "2019-01-30T17:00:00",
      estimated_local_delivered_on: "2019-01-30",
      guaranteed_delivered_at: "2019-01-31T00:00:00",
    });
    const { order } = await importOne("MALOMO", native);
    expect(order.shipments[0]).toMatchObject({
      carrierName: "USPS",
      sourceShipmentId: "ef1e8884-5188-457a-950a-6247c5e59e91",
      originalEstimatedDeliveryAt: "2019-01-30T13:30:00.000Z",
      guaranteedDeliveryAt: "2019-01-31T00:00:00.000Z",
      firstDeliveryAttemptAt: "2019-01-30T13:30:00.000Z",
      estimatedLocalDeliveryAt: "2019-01-30T17:00:00",
      estimatedLocalDeliveryOn: "2019-01-30",
    });
  });
});

describe("storefront", () => {
  it("takes the total from `price` when the payload has no `total` (the single-order example)", async () => {
    const native = { ...payload("storefront-order.json"), id: 900000 + ++serial };
    expect(native.total).toBeUndefined();
    const { order } = await importOne("STOREFRONT", native);
    expect(order.total).toBe("58.00");
  });

  it("keeps notes, payment and closing dates, the money breakdown, the customer's id and the products' sizes", async () => {
    const native = { ...payload("storefront-orders.json")[0], id: 800000 + ++serial, owner_note: "Gift wrap", note: "Leave at the door" };
    const { order } = await importOne("STOREFRONT", native);
    expect(order).toMatchObject({
      note: "Leave at the door",
      ownerNote: "Gift wrap",
      customerId: "101",
      paidAt: "2022-02-23T12:25:18.000Z",
      closedAt: "2022-02-23T19:58:44.000Z",
      subtotal: "5190.00",
      discount: "0.00",
      discountCoupon: "0.00",
      discountGateway: "0.00",
      shippingCost: "470.00",
      total: "5660.00",
      totalUsd: "52.86",
    });
    expect(order.lineItems[0]).toMatchObject({
      weight: "0.5",
      weightUnit: "KG",
      barcode: null,
      dimensions: { width: "34", height: "3", depth: "45" },
    });
    expect(order.meta).toMatchObject({
      extra: { "gift-wrap": "deluxe" },
      storefront: { gateway: "paypal", coupons: ["SUPERDISCOUNT"], shippingCostOwner: "470.00" },
    });
  });
});

describe("the source's own order id", () => {
  const cases: Array<[string, () => Record<string, unknown>, string, unknown, RegExp]> = [
    ["MALOMO", () => ({ ...freshMalomoOrder(), id: undefined, alternate_id: undefined }), "id", undefined, /id: is required/],
    ["MALOMO", () => freshMalomoOrder(), "id", 42, /id: must be a string/],
    ["FLEXPORT", flexportOrder, "id", undefined, /id: is required/],
    ["FLEXPORT", flexportOrder, "id", 1234, /id: must be a string/],
    ["STOREFRONT", () => ({ ...payload("storefront-order.json") }), "id", undefined, /id: is required/],
    ["STOREFRONT", () => ({ ...payload("storefront-order.json") }), "id", "450789469", /id: must be a number/],
    ["TRACKMAGE", trackmageOrder, "id", undefined, /id: is required/],
    ["TRACKMAGE", trackmageOrder, "id", { uuid: "x" }, /id: must be a string/],
  ];
  for (const [source, make, field, value, message] of cases) {
    it(`refuses a ${source} order whose ${field} is ${value === undefined ? "missing" : JSON.stringify(value)}, naming the field`, async () => {
      const before = await gw.db.prisma.order.count();
      const native = make();
      if (value === undefined) delete native[field];
      else native[field] = value;
      const result = await importOne(source, native);
      expect(result.outcome).toBe("ERROR");
      expect(result.errors[0].message).toMatch(message);
      expect(result.errors[0].path).toEqual(["payloads", "0", field]);
      expect(await gw.db.prisma.order.count()).toBe(before);
    });
  }
});

describe("lookups a source's user expects", () => {
  it("finds an order by the id its source gave it, and never another source's or workspace's", async () => {
    const native = freshMalomoOrder();
    const { order } = await importOne("MALOMO", native);
    const LOOKUP = `query($source: OrderSource!, $id: String!) { orderBySourceId(source: $source, sourceOrderId: $id) { id } }`;
    expect((await gw.graphql(LOOKUP, { source: "MALOMO", id: native.id })).data.orderBySourceId).toEqual({ id: order.id });
    expect((await gw.graphql(LOOKUP, { source: "FLEXPORT", id: native.id })).data.orderBySourceId).toBeNull();
    const other = await gw.keyFor("other-workspace", "READ");
    expect((await gw.graphql(LOOKUP, { source: "MALOMO", id: native.id }, other)).data.orderBySourceId).toBeNull();
  });

  it("lists the orders changed since a time (incremental sync) and the orders of given storefront customers", async () => {
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const native = { ...payload("storefront-orders.json")[0], id: 700000 + ++serial };
    native.customer = { ...native.customer, id: 555000 + serial };
    const { order } = await importOne("STOREFRONT", native);
    const LIST = `query($filter: OrderFilter) { orders(first: 50, filter: $filter) { nodes { id } } }`;
    const changed = (await gw.graphql(LIST, { filter: { updatedAfter: since } })).data.orders.nodes;
    expect(changed).toEqual([{ id: order.id }]);
    const byCustomer = (await gw.graphql(LIST, { filter: { customerIds: [String(native.customer.id), "nobody"] } })).data.orders.nodes;
    expect(byCustomer).toEqual([{ id: order.id }]);
    const tooMany = await gw.graphql(LIST, { filter: { customerIds: Array.from({ length: 101 }, (_, i) => String(i)) } });
    expect(tooMany.errors?.[0]?.message).toMatch(/at most 100/);
  });
});

describe("inputs the sources' write bodies need", () => {
  it("takes promise dates, ship method, an address name and shipment details, and serves them back", async () => {
    const result = await gw.graphql(
      `mutation($input: CreateOrderInput!) { createOrder(input: $input) {
        order { promisedShipBy promisedDeliveryBy shipMethod note shippingAddress { name }
          shipments(first: 1) { weight weightUnit estimatedDeliveryAt signedBy origin { city } destination { city } } }
        errors { code message path } } }`,
      {
        input: {
          externalId: unique("api"),
          promisedShipBy: "2026-12-10T00:00:00Z",
          promisedDeliveryBy: "2026-12-14T00:00:00Z",
          shipMethod: "STANDARD",
          note: "Ring twice",
          shippingAddress: { name: "Ana Lima", city: "Austin" },
          shipments: [
            {
              carrier: "ups",
              trackingCode: unique("1Z"),
              weight: "12.5",
              weightUnit: "LB",
              estimatedDeliveryAt: "2026-12-13T18:00:00Z",
              signedBy: "A. Lima",
              origin: { city: "Reno" },
              destination: { city: "Austin" },
            },
          ],
        },
      },
    );
    expect(result.data.createOrder).toEqual({
      errors: [],
      order: {
        promisedShipBy: "2026-12-10T00:00:00.000Z",
        promisedDeliveryBy: "2026-12-14T00:00:00.000Z",
        shipMethod: "STANDARD",
        note: "Ring twice",
        shippingAddress: { name: "Ana Lima" },
        shipments: [
          {
            weight: "12.5",
            weightUnit: "LB",
            estimatedDeliveryAt: "2026-12-13T18:00:00.000Z",
            signedBy: "A. Lima",
            origin: { city: "Reno" },
            destination: { city: "Austin" },
          },
        ],
      },
    });
  });

  it("refuses a weight without its unit, naming the field", async () => {
    const before = await gw.db.prisma.order.count();
    const result = await gw.graphql(
      `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } errors { code path } } }`,
      {
        input: { shipments: [{ carrier: "ups", trackingCode: unique("1Z"), weight: "3" }] },
      },
    );
    expect(result.data.createOrder).toEqual({
      order: null,
      errors: [{ code: "VALIDATION", path: ["input", "shipments", "0", "weightUnit"] }],
    });
    expect(await gw.db.prisma.order.count()).toBe(before);
  });
});
