import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_TIME, numberedOrder } from "./factories.js";
import { createTestGateway, globalId, type TestGateway } from "./helpers.js";

let gw: TestGateway;
let ids: string[]; // ids[i] is numbered order i in the gateway's workspace
let otherIds: string[]; // orders of another workspace

const ORDER_COUNT = 25;

beforeAll(async () => {
  gw = await createTestGateway();
  ids = await gw.seed(
    Array.from({ length: ORDER_COUNT }, (_, i) =>
      numberedOrder(i, {
        // Orders 10 and 11 share a timestamp: the cursor must still be stable.
        ...(i === 11 ? { createdAt: new Date(BASE_TIME + 10 * 3_600_000) } : {}),
        ...(i === 7 ? { customer: { email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" } } : {}),
        ...(i === 5
          ? {
              shippingAddress: { firstName: "Ship", lastName: "Five", city: "Springfield", countryCode: "US" },
              shipments: [
                {
                  carrier: "ups",
                  trackingCode: "1ZTRACK5",
                  scanEvents: [{ scannedAt: new Date(BASE_TIME), status: "IN_TRANSIT" as const }],
                },
              ],
              events: Array.from({ length: 8 }, (_, e) => ({
                type: "note",
                label: `note ${e}`,
                occurredAt: new Date(BASE_TIME + e * 1000),
              })),
            }
          : {}),
      }),
    ),
  );
  otherIds = await gw.seed(
    [
      numberedOrder(5, {
        externalId: "ext-5",
        shipments: [
          { carrier: "ups", trackingCode: "1ZTRACK5" },
          { carrier: "dhl", trackingCode: "OTHER-ONLY" },
        ],
      }),
      numberedOrder(99, { number: "9999", email: "other@example.com" }),
    ],
    "other-workspace",
  );
});

afterAll(() => gw.close());

/** Database ids in the API's default order: newest first, ties by id descending. */
function expectedOrder(): string[] {
  const created = (i: number) => BASE_TIME + (i === 11 ? 10 : i) * 3_600_000;
  return ids
    .map((id, i) => ({ id, at: created(i) }))
    .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
    .map((o) => globalId("Order", o.id));
}

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $last: Int, $before: String, $filter: OrderFilter) {
    orders(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      edges { cursor node { id number } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

async function page(variables: Record<string, unknown>) {
  const result = await gw.graphql(PAGE, variables);
  expect(result.errors).toBeUndefined();
  return result.data.orders;
}

describe("orders connection", () => {
  it("lists newest first with a total count and a default page of 20", async () => {
    const orders = await page({});
    expect(orders.totalCount).toBe(ORDER_COUNT);
    expect(orders.edges).toHaveLength(20);
    expect(orders.edges.map((e: any) => e.node.id)).toEqual(expectedOrder().slice(0, 20));
    expect(orders.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it("pages forwards across every page without gaps or repeats", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const orders: any = await page({ first: 7, after });
      seen.push(...orders.edges.map((e: any) => e.node.id));
      pages++;
      if (!orders.pageInfo.hasNextPage) break;
      after = orders.pageInfo.endCursor;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(expectedOrder());
  });

  it("pages backwards from the end to the start", async () => {
    const seen: string[] = [];
    let before: string | null = null;
    for (;;) {
      const orders: any = await page({ last: 7, before });
      seen.unshift(...orders.edges.map((e: any) => e.node.id));
      if (!orders.pageInfo.hasPreviousPage) break;
      before = orders.pageInfo.startCursor;
    }
    expect(seen).toEqual(expectedOrder());
  });

  it("keeps cursors stable when orders share a creation time", async () => {
    const all = expectedOrder();
    const tieIndex = all.indexOf(globalId("Order", ids[10]!));
    const first = await page({ first: tieIndex + 1 });
    const rest = await page({ first: 2, after: first.pageInfo.endCursor });
    expect(rest.edges[0].node.id).toBe(all[tieIndex + 1]);
  });

  it("refuses page sizes above the cap, negative sizes, and first with last", async () => {
    for (const variables of [{ first: 101 }, { last: 500 }, { first: -1 }, { first: 2, last: 2 }]) {
      const result = await gw.graphql(PAGE, variables);
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe("VALIDATION");
    }
    const tooBig = await gw.graphql(PAGE, { first: 101 });
    expect(tooBig.errors?.[0]?.message).toMatch(/must not exceed 100/);
  });

  it("refuses a cursor it did not issue", async () => {
    const result = await gw.graphql(PAGE, { first: 2, after: "not-a-cursor" });
    expect(result.errors?.[0]?.extensions?.code).toBe("VALIDATION");
    expect(result.errors?.[0]?.message).toMatch(/Invalid cursor/);
  });

  it("returns an empty page past the end", async () => {
    const all = await page({ first: 100 });
    const past = await page({ first: 5, after: all.pageInfo.endCursor });
    expect(past.edges).toEqual([]);
    expect(past.pageInfo).toMatchObject({ hasNextPage: false, startCursor: null, endCursor: null });
  });
});

describe("order filters", () => {
  const numbers = async (filter: Record<string, unknown>) =>
    (await page({ first: 100, filter })).edges.map((e: any) => Number(e.node.number) - 1000).sort((a: number, b: number) => a - b);
  const range = (predicate: (i: number) => boolean) => Array.from({ length: ORDER_COUNT }, (_, i) => i).filter(predicate);

  it("filters by status", async () => {
    expect(await numbers({ status: ["CANCELLED"] })).toEqual(range((i) => i % 5 === 3));
    expect(await numbers({ status: ["CANCELLED", "CLOSED"] })).toEqual(range((i) => i % 5 >= 3));
    expect(await numbers({ status: ["CLOSED", "CANCELLED", "CLOSED"], source: ["FLEXPORT", "TRACKMAGE"] })).toEqual(
      range((i) => i % 5 >= 3 && (i % 5 === 1 || i % 5 === 3)),
    );
    expect(await numbers({ status: [] })).toEqual([]);
  });

  it("filters by payment status", async () => {
    expect(await numbers({ paymentStatus: ["pending"] })).toEqual(range((i) => i % 2 === 1));
  });

  it("filters by fulfillment status derived from line items", async () => {
    expect(await numbers({ fulfillmentStatus: ["FULFILLED"] })).toEqual(range((i) => i % 3 === 0));
    expect(await numbers({ fulfillmentStatus: ["PARTIALLY_FULFILLED"] })).toEqual(range((i) => i % 3 === 1));
    expect(await numbers({ fulfillmentStatus: ["UNFULFILLED"] })).toEqual(range((i) => i % 3 === 2));
  });

  it("filters by source", async () => {
    expect(await numbers({ source: ["FLEXPORT"] })).toEqual(range((i) => i % 5 === 1));
  });

  it("filters by customer email in any case", async () => {
    expect(await numbers({ customerEmail: "BUYER12@Example.com" })).toEqual([12]);
    expect(await numbers({ customerEmail: "ada@example.com" })).toEqual([7]);
  });

  it("searches number, customer name and email", async () => {
    expect(await numbers({ q: "1013" })).toEqual([13]);
    expect(await numbers({ q: "#1013" })).toEqual([13]);
    expect(await numbers({ q: "ada lovelace" })).toEqual([7]);
    expect(await numbers({ q: "LOVELACE" })).toEqual([7]);
    expect(await numbers({ q: "buyer2" })).toEqual([2, 20, 21, 22, 23, 24]);
    expect(await numbers({ q: "nobody-by-this-name" })).toEqual([]);
  });

  it("treats search wildcards as plain characters", async () => {
    expect(await numbers({ q: "%" })).toEqual([]);
    expect(await numbers({ q: "_" })).toEqual([]);
  });

  it("filters by creation time, after inclusive and before exclusive", async () => {
    const at = (i: number) => new Date(BASE_TIME + i * 3_600_000).toISOString();
    expect(await numbers({ createdAfter: at(20) })).toEqual([20, 21, 22, 23, 24]);
    expect(await numbers({ createdBefore: at(2) })).toEqual([0, 1]);
    expect(await numbers({ createdAfter: at(3), createdBefore: at(6) })).toEqual([3, 4, 5]);
  });

  it("combines filters and counts the matches across pages", async () => {
    const orders = await page({ first: 1, filter: { status: ["OPEN"], q: "buyer1" } });
    const expected = range((i) => i % 5 < 3 && String(i).startsWith("1"));
    expect(orders.totalCount).toBe(expected.length);
    expect(orders.edges).toHaveLength(1);
  });

  it("rejects an overlong search with a clear error", async () => {
    const result = await gw.graphql(PAGE, { filter: { q: "x".repeat(201) } });
    expect(result.errors?.[0]?.extensions?.code).toBe("VALIDATION");
    expect(result.errors?.[0]?.message).toMatch(/at most 200 characters/);
  });

  it("rejects a malformed date with a GraphQL validation error", async () => {
    const result = await gw.graphql(PAGE, { filter: { createdAfter: "yesterday" } });
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toMatch(/createdAfter/);
  });

  it("never lists another workspace's orders", async () => {
    expect(await numbers({ q: "9999" })).toEqual([]);
    expect(await numbers({ customerEmail: "other@example.com" })).toEqual([]);
  });
});

describe("lookups", () => {
  const ORDER = `query($id: ID!) { order(id: $id) { id number email } }`;

  it("finds an order by id", async () => {
    const result = await gw.graphql(ORDER, { id: globalId("Order", ids[3]!) });
    expect(result.data.order).toEqual({ id: globalId("Order", ids[3]!), number: "1003", email: "buyer3@example.com" });
  });

  it("returns null for an unknown id and for another workspace's id", async () => {
    const unknown = await gw.graphql(ORDER, { id: globalId("Order", "00000000-0000-7000-8000-000000000000") });
    expect(unknown).toEqual({ data: { order: null } });
    const foreign = await gw.graphql(ORDER, { id: globalId("Order", otherIds[0]!) });
    expect(foreign).toEqual({ data: { order: null } });
  });

  it("explains malformed ids and ids of another type", async () => {
    for (const id of ["garbage", globalId("Order", "not-a-uuid"), "T3JkZXI6"]) {
      const result = await gw.graphql(ORDER, { id });
      expect(result.data?.order ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe("VALIDATION");
      expect(result.errors?.[0]?.message).toMatch(/Invalid ID/);
    }
    const wrongType = await gw.graphql(ORDER, { id: globalId("Shipment", ids[3]!) });
    expect(wrongType.errors?.[0]?.message).toMatch(/not of type: Order/);
  });

  it("finds an order by source and external id", async () => {
    const q = `query($s: OrderSource!, $e: String!) { orderByExternalId(source: $s, externalId: $e) { number } }`;
    expect((await gw.graphql(q, { s: "FLEXPORT", e: "ext-6" })).data.orderByExternalId).toEqual({ number: "1006" });
    expect((await gw.graphql(q, { s: "MALOMO", e: "ext-6" })).data.orderByExternalId).toBeNull();
    const badEnum = await gw.graphql(q, { s: "SHOPIFY", e: "ext-6" });
    expect(badEnum.errors?.[0]?.message).toMatch(/SHOPIFY/);
  });

  it("finds an order by tracking code, only in the caller's workspace", async () => {
    const q = `query($t: String!) { orderByTrackingCode(trackingCode: $t) { id number } }`;
    expect((await gw.graphql(q, { t: "1ZTRACK5" })).data.orderByTrackingCode).toEqual({
      id: globalId("Order", ids[5]!),
      number: "1005",
    });
    expect((await gw.graphql(q, { t: "OTHER-ONLY" })).data.orderByTrackingCode).toBeNull();
    expect((await gw.graphql(q, { t: "NO-SUCH-CODE" })).data.orderByTrackingCode).toBeNull();
  });

  it("finds an order by number and customer email in any case", async () => {
    const q = `query($n: String!, $e: String!) { orderByNumber(number: $n, customerEmail: $e) { number } }`;
    expect((await gw.graphql(q, { n: "1007", e: "ADA@example.com" })).data.orderByNumber).toEqual({ number: "1007" });
    expect((await gw.graphql(q, { n: "#1008", e: "buyer8@example.com" })).data.orderByNumber).toEqual({ number: "1008" });
    expect((await gw.graphql(q, { n: "1007", e: "someone@else.com" })).data.orderByNumber).toBeNull();
    expect((await gw.graphql(q, { n: "9999", e: "other@example.com" })).data.orderByNumber).toBeNull();
  });
});

describe("node", () => {
  const NODE = `query($id: ID!) { node(id: $id) { __typename id } }`;

  it("resolves every node type by global id", async () => {
    const detail = await gw.graphql(
      `query($id: ID!) { order(id: $id) { lineItems { id } shipments { id scanEvents { id } } events(first: 1) { nodes { id } } } }`,
      { id: globalId("Order", ids[5]!) },
    );
    const order = detail.data.order;
    const typed = [
      ["Order", globalId("Order", ids[5]!)],
      ["LineItem", order.lineItems[0].id],
      ["Shipment", order.shipments[0].id],
      ["ScanEvent", order.shipments[0].scanEvents[0].id],
      ["OrderEvent", order.events.nodes[0].id],
    ];
    for (const [typename, id] of typed) {
      expect((await gw.graphql(NODE, { id })).data.node).toEqual({ __typename: typename, id });
    }
  });

  it("returns null for another workspace's node and an error for a malformed id", async () => {
    expect((await gw.graphql(NODE, { id: globalId("Order", otherIds[1]!) })).data.node).toBeNull();
    const malformed = await gw.graphql(NODE, { id: "%%%" });
    expect(malformed.errors?.[0]?.extensions?.code).toBe("VALIDATION");
  });
});

describe("order detail", () => {
  it("pages an order's events oldest first, in both directions", async () => {
    const q = `query($id: ID!, $first: Int, $after: String, $last: Int) {
      order(id: $id) { events(first: $first, after: $after, last: $last) {
        nodes { label } pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;
    const id = globalId("Order", ids[5]!);
    const first = (await gw.graphql(q, { id, first: 3 })).data.order.events;
    expect(first.nodes.map((n: any) => n.label)).toEqual(["note 0", "note 1", "note 2"]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = (await gw.graphql(q, { id, first: 3, after: first.pageInfo.endCursor })).data.order.events;
    expect(next.nodes.map((n: any) => n.label)).toEqual(["note 3", "note 4", "note 5"]);
    const last = (await gw.graphql(q, { id, last: 2 })).data.order.events;
    expect(last.nodes.map((n: any) => n.label)).toEqual(["note 6", "note 7"]);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it("answers the same whether relations are fetched with the list or one by one", async () => {
    const fields = `number shippingAddress { name city } billingAddress { city }
      lineItems(first: 10) { sku unitPrice } shipments(first: 10) { trackingCode scanEvents(last: 10) { status scannedAt } }
      first: events(first: 3) { nodes { label } pageInfo { hasNextPage endCursor } }`;
    // node(id) resolves through the per-request loaders, the others through the look-ahead.
    const direct = (
      await gw.graphql(`query($id: ID!) { node(id: $id) { ... on Order { ${fields} } } }`, { id: globalId("Order", ids[5]!) })
    ).data.node;
    const byId = (await gw.graphql(`query($id: ID!) { order(id: $id) { ${fields} } }`, { id: globalId("Order", ids[5]!) })).data.order;
    expect(byId).toEqual(direct);
    const listed = (await gw.graphql(`{ orders(first: 100, filter: { q: "1005" }) { edges { node { ${fields} } } } }`)).data.orders.edges;
    expect(listed).toEqual([{ node: direct }]);
    const byCode = (await gw.graphql(`{ orderByTrackingCode(trackingCode: "1ZTRACK5") { ${fields} } }`)).data.orderByTrackingCode;
    expect(byCode).toEqual(direct);
    const after = direct.first.pageInfo.endCursor;
    const next = (
      await gw.graphql(
        `query($after: String) { orders(first: 100, filter: { q: "1005" }) { nodes {
      events(first: 3, after: $after) { nodes { label } } } } }`,
        { after },
      )
    ).data.orders.nodes[0].events.nodes;
    expect(next.map((n: any) => n.label)).toEqual(["note 3", "note 4", "note 5"]);
    const last = (await gw.graphql(`{ orders(first: 100, filter: { q: "1005" }) { nodes { events(last: 2) { nodes { label } } } } }`)).data
      .orders.nodes[0];
    expect(last.events.nodes.map((n: any) => n.label)).toEqual(["note 6", "note 7"]);
  });

  it("serves money as decimal strings and derived statuses", async () => {
    const q = `query($id: ID!) { order(id: $id) { subtotal total currency fulfillmentStatus
      lineItems { unitPrice quantity fulfilledQuantity } shipments { status scanEvents { status } } } }`;
    const order = (await gw.graphql(q, { id: globalId("Order", ids[5]!) })).data.order;
    expect(order).toMatchObject({ subtotal: "50.50", total: "55.00", currency: "USD", fulfillmentStatus: "UNFULFILLED" });
    expect(order.lineItems).toEqual([{ unitPrice: "10.00", quantity: 2, fulfilledQuantity: 0 }]);
    expect(order.shipments).toEqual([{ status: "IN_TRANSIT", scanEvents: [{ status: "IN_TRANSIT" }] }]);
  });
});
