// The demo data a newcomer's GraphiQL opens on.
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemoData } from "../src/demo/seed.js";
import { createTestGateway, type TestGateway } from "./helpers.js";

let gw: TestGateway;
let added: number;
const NOW = new Date("2026-12-01T12:00:00Z");

beforeAll(async () => {
  gw = await createTestGateway();
  added = await seedDemoData(gw.db.sql, gw.workspaceId, NOW);
});
afterAll(() => gw.close());

it("holds a few hundred orders from every source, over the last 90 days, newest first a full tracked order", async () => {
  expect(added).toBe(305);
  const { data } = await gw.graphql(`{
    orders(first: 1) {
      totalCount
      nodes { source number customer { firstName email } shipments { trackingCode status scanEvents { status } } createdAt }
    }
    malomo: orders(filter: { source: [MALOMO] }) { totalCount }
    flexport: orders(filter: { source: [FLEXPORT] }) { totalCount }
    storefront: orders(filter: { source: [STOREFRONT] }) { totalCount }
    trackmage: orders(filter: { source: [TRACKMAGE] }) { totalCount }
    september: orders(filter: { createdAfter: "2026-09-01T00:00:00Z", createdBefore: "2026-10-01T00:00:00Z" }) { totalCount }
    older: orders(filter: { createdBefore: "2026-09-01T00:00:00Z" }) { totalCount }
    search: orders(filter: { q: "lovelace" }) { totalCount }
  }`);
  expect(data.orders.totalCount).toBe(305);
  const newest = data.orders.nodes[0];
  expect(newest).toMatchObject({ source: "MALOMO", number: "2000", customer: { firstName: expect.any(String) } });
  expect(newest.shipments[0].scanEvents.length).toBeGreaterThan(0);
  expect(Date.parse(newest.createdAt)).toBeGreaterThan(NOW.getTime() - 86_400_000);
  for (const source of ["malomo", "flexport", "storefront", "trackmage"]) expect(data[source].totalCount, source).toBeGreaterThan(70);
  expect(data.september.totalCount).toBeGreaterThan(80);
  expect(data.older.totalCount).toBeLessThan(10); // only the documented examples are older
  expect(data.search.totalCount).toBeGreaterThan(0);
});

it("shows every order status, every shipment status, cancelled and retriable orders", async () => {
  const statuses = new Set<string>();
  const shipmentStatuses = new Set<string>();
  let retriable = 0;
  let after: string | null = null;
  do {
    const page: any = await gw.graphql(
      `query($after: String) { orders(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
        nodes { status processingError { retriable } shipments { status } } } }`,
      { after },
    );
    for (const order of page.data.orders.nodes) {
      statuses.add(order.status);
      if (order.processingError?.retriable) retriable++;
      for (const shipment of order.shipments) shipmentStatuses.add(shipment.status);
    }
    after = page.data.orders.pageInfo.hasNextPage ? page.data.orders.pageInfo.endCursor : null;
  } while (after);
  expect([...statuses].sort()).toEqual(["CANCELLED", "CLOSED", "OPEN"]);
  expect([...shipmentStatuses].sort()).toEqual([
    "AVAILABLE_FOR_PICKUP",
    "CANCELLED",
    "DELIVERED",
    "DELIVERY_FAILED",
    "IN_TRANSIT",
    "OUT_FOR_DELIVERY",
    "PRE_TRANSIT",
    "RETURN_TO_SENDER",
  ]);
  expect(retriable).toBeGreaterThan(10);
});

it("adds nothing on a second start", async () => {
  expect(await seedDemoData(gw.db.sql, gw.workspaceId, NOW)).toBe(0);
});
