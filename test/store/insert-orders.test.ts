// New orders travel to PostgreSQL as one JSON text per table: every kind of
// value an order holds comes back as it went in.
import { afterAll, beforeAll, expect, it } from "vitest";
import { insertOrders } from "../../src/store/orders.js";
import { busyOrder } from "../factories.js";
import { createTestGateway, type TestGateway } from "../helpers.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

it("stores text with quotes, escapes and emoji, dates, lists, nested JSON and nulls as given", async () => {
  const awkward = `He said "ship it" \\ now\n\ttab, ünïcödé, 📦, </script>, \u2028`;
  const meta = { tags: ["a", "b"], nested: { n: 1.5, ok: true, none: null }, text: awkward };
  const [order] = await insertOrders(gw.db.sql, gw.workspaceId, [
    {
      input: {
        ...busyOrder(1, 1, 1),
        externalId: "awkward-1",
        note: awkward,
        phone: null,
        processingError: { code: "E1", message: awkward, retriable: false, skus: ["SKU-1", 'SKU "2"'] },
        paidAt: new Date("2026-02-03T04:05:06.789Z"),
        meta,
      },
      importHash: "hash-1",
    },
  ]);
  const stored = await gw.db.prisma.order.findUniqueOrThrow({
    where: { id: order!.id },
    include: { shipments: { include: { scanEvents: true } }, lineItems: true, events: true },
  });
  expect(stored).toMatchObject({
    externalId: "awkward-1",
    note: awkward,
    phone: null,
    processingErrorMessage: awkward,
    processingErrorSkus: ["SKU-1", 'SKU "2"'],
    paidAt: new Date("2026-02-03T04:05:06.789Z"),
    meta,
    importHash: "hash-1",
    importLineHash: null,
  });
  expect(stored.lineItems.map((item) => [item.sku, item.quantity, String(item.unitPrice)])).toEqual([
    ["SKU-1-A", 1, "5"],
    ["SKU-1-B", 3, "7.25"],
  ]);
  expect(stored.shipments[0]!.scanEvents.map((scan) => scan.scannedAt.getTime()).sort()).toEqual(
    busyOrder(1, 1).shipments![0]!.scanEvents!.map((scan) => scan.scannedAt.getTime()),
  );
  expect(stored.events.map((event) => event.label)).toEqual(["event 0"]);
});
