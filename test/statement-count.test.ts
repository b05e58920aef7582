// Relations are batched per request: the number of SQL statements for a page
// must not grow with the page size.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importLines } from "../src/services/imports.js";
import { busyOrder } from "./factories.js";
import { createTestGateway, globalId, type TestGateway, testConfig } from "./helpers.js";
import { freshMalomoOrder } from "./sources/payloads.js";

let gw: TestGateway;

beforeAll(async () => {
  // No workers: the webhook dispatcher's polls would be counted with the requests' statements.
  const config = testConfig();
  gw = await createTestGateway({ ...config, jobs: { ...config.jobs, enabled: false } });
  await gw.seed(Array.from({ length: 50 }, (_, i) => busyOrder(i)));
});
afterAll(() => gw.close());

const FULL_PAGE = /* GraphQL */ `
  query($first: Int!) {
    orders(first: $first) {
      totalCount
      nodes {
        id number status fulfillmentStatus customer { email }
        shippingAddress { city } billingAddress { city }
        lineItems(first: 20) { sku quantity fulfilledQuantity unitPrice }
        shipments(first: 10) {
          carrier trackingCode status destination { city } order { id }
          scanEvents(last: 20) { scannedAt status location { city } }
        }
        events(last: 5) { nodes { type label occurredAt } }
      }
    }
  }
`;

/** What `work` returns, and the SQL statements sent while it ran. */
async function statementsDuring<T>(work: () => Promise<T>): Promise<{ value: T; statements: string[] }> {
  const statements: string[] = [];
  const stop = gw.db.onStatement((sql) => statements.push(sql));
  try {
    return { value: await work(), statements };
  } finally {
    stop();
  }
}

async function countStatements(first: number) {
  const { value: result, statements } = await statementsDuring(() => gw.graphql(FULL_PAGE, { first }));
  expect(result.errors).toBeUndefined();
  return { result: result.data.orders, statements };
}

describe("statements per request", () => {
  it("loads 50 orders with every relation in a handful of statements", async () => {
    const { result, statements } = await countStatements(50);
    expect(result.nodes).toHaveLength(50);
    const order = result.nodes[0];
    expect(order.shipments).toHaveLength(2);
    expect(order.shipments[0].scanEvents).toHaveLength(3);
    expect(order.lineItems).toHaveLength(2);
    expect(order.events.nodes.map((e: any) => e.label)).toEqual(["event 1", "event 2", "event 3", "event 4", "event 5"]);
    // The API key, the page (with line items, shipments, scans and events
    // fetched alongside), the count, and the addresses of orders and of
    // shipments. Shipment.order reuses the page.
    expect(statements.length).toBeLessThanOrEqual(5);
  });

  it("searches a page and counts every match in the page's statement, page after page", async () => {
    const search = /* GraphQL */ `
      query($after: String) {
        orders(first: 3, after: $after, filter: { q: "buyer1", status: [OPEN] }) {
          totalCount pageInfo { hasNextPage endCursor } nodes { email }
        }
      }
    `;
    // buyer1 and buyer10-19, of which these are open.
    const open = [1, 10, 11, 12, 15, 16, 17].map((i) => `buyer${i}@example.com`);
    const ordersStatements = (statements: string[]) => statements.filter((sql) => sql.includes('FROM "order"'));
    const emails: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { value, statements } = await statementsDuring(() => gw.graphql(search, { after }));
      expect(value.errors).toBeUndefined();
      expect(value.data.orders.totalCount).toBe(open.length);
      expect(ordersStatements(statements)).toHaveLength(1);
      emails.push(...value.data.orders.nodes.map((node: { email: string }) => node.email));
      after = value.data.orders.pageInfo.endCursor;
      if (!value.data.orders.pageInfo.hasNextPage) break;
    }
    expect(emails).toEqual([...open].reverse());
    // Past the last match the page is empty, and the count is asked for on its own.
    const { value, statements } = await statementsDuring(() => gw.graphql(search, { after }));
    expect(value.data.orders).toMatchObject({ totalCount: open.length, nodes: [] });
    expect(ordersStatements(statements)).toHaveLength(2);
  });

  it("uses the same number of statements for 5 orders as for 50", async () => {
    const small = await countStatements(5);
    const large = await countStatements(50);
    expect(small.result.nodes).toHaveLength(5);
    expect(large.statements.length).toBe(small.statements.length);
  });
});

describe("statements per lookup", () => {
  it("loads one order by id with every relation in one statement besides the key and addresses", async () => {
    const [{ id }] = (await gw.db.sql<{ id: string }>(`SELECT id FROM "order" WHERE number = '1049'`)) as [{ id: string }];
    const { value: result, statements } = await statementsDuring(() =>
      gw.graphql(
        `query($id: ID!) { order(id: $id) { number customer { email } shippingAddress { city }
          lineItems { sku } shipments { trackingCode destination { city } scanEvents { status location { city } } }
          events(first: 20) { nodes { label } } } }`,
        { id: globalId("Order", id) },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.order.shipments[0].scanEvents).toHaveLength(3);
    expect(result.data.order.events.nodes).toHaveLength(6);
    // The API key, the order with its address, line items, shipments, scans
    // and events, and its shipments' addresses.
    expect(statements.length).toBeLessThanOrEqual(3);
    expect(statements.filter((sql) => /FROM "order"/.test(sql))).toHaveLength(1);
  });
});

describe("selections fetched by look-ahead", () => {
  it("serves a narrow list and a wider lookup of the same order in one request, each in full", async () => {
    const result = await gw.graphql(/* GraphQL */ `
      {
        orders(first: 1) {
          nodes { number shipments { carrier } lineItems { sku } events(first: 1) { nodes { label } } }
        }
        byNumber: orderByNumber(number: "1049", customerEmail: "buyer49@example.com") {
          number email total currency customer { email }
          shipments { trackingCode status destination { city } scanEvents { status location { city } } }
          lineItems { sku quantity unitPrice }
          events(last: 2) { nodes { label occurredAt } }
        }
      }
    `);
    expect(result.errors).toBeUndefined();
    const [listed] = result.data.orders.nodes;
    const looked = result.data.byNumber;
    expect(listed.number).toBe(looked.number);
    expect(listed.shipments[0]).toEqual({ carrier: "ups" });
    expect(listed.events.nodes).toEqual([{ label: "event 0" }]);
    expect(looked.total).toBe("495.00");
    expect(looked.shipments[0]).toEqual({
      trackingCode: "1Z49X0",
      status: "OUT_FOR_DELIVERY",
      destination: { city: "Springfield" },
      scanEvents: [
        { status: "PRE_TRANSIT", location: null },
        { status: "IN_TRANSIT", location: { city: "Memphis" } },
        { status: "OUT_FOR_DELIVERY", location: null },
      ],
    });
    expect(looked.lineItems).toEqual([
      { sku: "SKU-49-A", quantity: 1, unitPrice: "5.00" },
      { sku: "SKU-49-B", quantity: 3, unitPrice: "7.25" },
    ]);
    expect(looked.events.nodes.map((e: { label: string }) => e.label)).toEqual(["event 4", "event 5"]);
  });
});

describe("statements per write", () => {
  /** The statements a mutation sends, besides the API key's check (BEGIN and COMMIT are not counted). */
  async function writeStatements(query: string, variables: Record<string, unknown>) {
    const { value: result, statements } = await statementsDuring(() => gw.graphql(query, variables));
    expect(result.errors).toBeUndefined();
    expect(Object.values(result.data as Record<string, { errors: unknown[] }>)[0]!.errors).toEqual([]);
    return statements.filter((sql) => !/\bapi_key\b/.test(sql));
  }
  const orderId = async (number: string) =>
    (await gw.graphql(`query($n: String!) { orders(first: 1, filter: { q: $n }) { nodes { id } } }`, { n: number })).data.orders.nodes[0]
      .id;

  it("creates, updates and cancels an order in two or three statements, and records a scan in three", async () => {
    const created = await writeStatements(`mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id } errors { code } } }`, {
      i: {
        externalId: "count-1",
        number: "COUNT-1",
        lineItems: [{ sku: "A", quantity: 1 }],
        shipments: [{ carrier: "ups", trackingCode: "COUNT1" }],
      },
    });
    // Conflicts and listeners; the order with everything under it.
    expect(created).toHaveLength(2);

    const id = await orderId("COUNT-1");
    // The lock with listeners; the update with its history entry.
    expect(
      await writeStatements(
        `mutation($id: ID!) { updateOrder(id: $id, input: { paymentStatus: "paid" }) { order { version } errors { code } } }`,
        { id },
      ),
    ).toHaveLength(2);
    // ... and the shipments the cancel rule reads.
    expect(
      await writeStatements(`mutation($id: ID!) { cancelOrder(id: $id, reason: CUSTOMER) { order { status } errors { code } } }`, { id }),
    ).toHaveLength(3);

    const scan = await writeStatements(
      `mutation { recordScanEvents(carrier: "ups", trackingCode: "1Z3X0", events: [{ scannedAt: "2030-01-01T00:00:00Z", status: DELIVERED }]) { shipment { status } errors { code } } }`,
      {},
    );
    // The order's lock, what the derived fields read, and the scan with its shipment, the order and its history entry.
    expect(scan).toHaveLength(3);
  });

  it("creates an order with an idempotency key in three statements, replays it in one, and adds an event in two", async () => {
    const create = `mutation($i: CreateOrderInput!, $k: String) { createOrder(input: $i, idempotencyKey: $k) { order { id } errors { code } } }`;
    const variables = { i: { externalId: "count-key", number: "COUNT-KEY" }, k: "count-key-1" };
    // The key looked up; conflicts and listeners; the order with its key.
    expect(await writeStatements(create, variables)).toHaveLength(3);
    // The key with the order it created.
    expect(await writeStatements(create, variables)).toHaveLength(1);

    const id = await orderId("COUNT-KEY");
    const event = await writeStatements(
      `mutation($id: ID!) { createOrderEvent(orderId: $id, input: { type: "note", label: "Counted" }) { event { id } errors { code } } }`,
      { id },
    );
    // The event, added only if the workspace holds the order; who hears of it.
    expect(event).toHaveLength(2);
  });
});

describe("statements per import batch", () => {
  async function importStatements(lines: string[]) {
    const { value: results, statements } = await statementsDuring(() => importLines(gw.db.sql, gw.workspaceId, "MALOMO", lines));
    return { outcomes: results.map((r) => r.outcome), statements };
  }

  it("imports a batch of new lines in four statements whatever its size, and the same lines again in one", async () => {
    for (const size of [3, 30]) {
      const lines = Array.from({ length: size }, () => JSON.stringify(freshMalomoOrder()));
      const created = await importStatements(lines);
      expect(created.outcomes).toEqual(lines.map(() => "CREATED"));
      // The lines' hashes, the orders known by their ids, the tracking codes held, and the orders with everything under them.
      expect(created.statements).toHaveLength(4);
      // Found by the lines' hashes alone.
      const again = await importStatements(lines);
      expect(again.outcomes).toEqual(lines.map(() => "UNCHANGED"));
      expect(again.statements).toHaveLength(1);
    }
  });
});
