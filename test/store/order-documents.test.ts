// The order document partner webhooks carry and bulk exports write, built by
// PostgreSQL: for every demo order (every source, status and kind of field)
// it says what the API answers for the same order.
import { decodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemoData } from "../../src/demo/seed.js";
import { loadOrderDocument, orderDocumentLines, orderIdsAfter } from "../../src/store/order-documents.js";
import { createTestGateway, type TestGateway } from "../helpers.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
  await seedDemoData(gw.db.sql, gw.workspaceId, new Date("2026-12-01T12:00:00Z"));
});
afterAll(() => gw.close());

const ADDRESS = "firstName lastName name company line1 line2 city state postalCode country countryCode phone";
const ORDER = `id source externalId sourceOrderId number email phone note ownerNote customerId customer { email firstName lastName }
  orderType status rawStatus rawStatusTitle paymentStatus fulfillmentStatus processingState
  processingError { code message type retriable lineItemSkus }
  currency subtotal discount total shippingCost discountCoupon discountGateway totalUsd shipMethod
  paidAt closedAt cancellationRequestedAt sourceUpdatedAt
  shippingAddress { ${ADDRESS} } billingAddress { ${ADDRESS} }
  lineItems(first: 20) { id sku name quantity fulfilledQuantity unitPrice currency productId variantId }
  shipments(first: 20) { id carrier carrierName sourceShipmentId trackingCode carrierService trackingUrl status rawStatus isReturn
    estimatedDeliveryAt shippedAt deliveredAt weight weightUnit scanEvents { id scannedAt status description } }
  promisedShipBy promisedDeliveryBy shippedAt deliveredAt cancelledAt cancelReason meta createdAt updatedAt version
  events(first: 20) { nodes { id type label linkBackUrl properties occurredAt } }`;

/** The lines of an export's bytes, each of which ends in a line break. */
function linesOf(chunks: Buffer[]): string[] {
  const text = Buffer.concat(chunks).toString("utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n");
}

/** The document without what the API keeps elsewhere: an address's own id. */
function withoutAddressIds(document: Record<string, any>) {
  const address = (value: Record<string, unknown> | null) => (value ? { ...value, id: undefined } : null);
  return { ...document, shippingAddress: address(document.shippingAddress), billingAddress: address(document.billingAddress) };
}

it("is the order as the API answers it, for every demo order", async () => {
  const ids = await orderIdsAfter(gw.db.sql, gw.workspaceId, null, null, 1000);
  expect(ids).toHaveLength(305);
  const documents = await orderDocumentLines(gw.db.sql, ids, new Set(["ADDRESSES", "LINE_ITEMS", "SHIPMENTS", "EVENTS"]));
  const lines = linesOf(documents.lines);
  expect(lines).toHaveLength(305);
  expect(documents.count).toBe(305);
  // A few orders a request, within the query cost limit.
  for (let at = 0; at < lines.length; at += 5) {
    const chunk = lines.slice(at, at + 5);
    const { data, errors } = await gw.graphql(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { ${ORDER} } } }`, {
      ids: chunk.map((line) => JSON.parse(line).id),
    });
    expect(errors).toBeUndefined();
    chunk.forEach((line, i) => {
      const { events, ...api } = data.nodes[i];
      expect(withoutAddressIds(JSON.parse(line))).toEqual({ ...api, events: events.nodes });
    });
  }
  // Fields that are null in some documents have values in others.
  const parsed = lines.map((line) => JSON.parse(line));
  for (const field of ["customer", "processingError", "total", "meta", "billingAddress", "cancelledAt", "paidAt"])
    expect(
      parsed.some((d) => d[field] != null),
      field,
    ).toBe(true);
});

it("gives webhooks the order with its addresses, line items and shipments, and nothing for an unknown order", async () => {
  const [id] = await orderIdsAfter(gw.db.sql, gw.workspaceId, { source: ["MALOMO"] }, null, 1);
  const { lines } = await orderDocumentLines(gw.db.sql, [id!], new Set(["ADDRESSES", "LINE_ITEMS", "SHIPMENTS"]));
  expect(await loadOrderDocument(gw.db.sql, id!)).toEqual(JSON.parse(linesOf(lines)[0]!));
  expect(await loadOrderDocument(gw.db.sql, "00000000-0000-7000-8000-000000000000")).toBeNull();
});

it("writes text that JSON escapes (backslashes, quotes, line breaks, control characters) exactly as JSON", async () => {
  const note = 'a\\b "quoted" line\nbreak\ttab \u0001\u0002 ñ 🚚 \\u0000 ,;';
  const meta = { path: "C:\\orders\\", "key,with\u0002odd": ["\r\n", "\\."] };
  const { data } = await gw.graphql(
    `mutation($note: String, $meta: JSON) { createOrder(input: { note: $note, meta: $meta }) { order { id } } }`,
    {
      note,
      meta,
    },
  );
  const { lines, count } = await orderDocumentLines(gw.db.sql, [decodeGlobalID(data.createOrder.order.id).id], new Set());
  expect(count).toBe(1);
  const [line] = linesOf(lines);
  expect(JSON.parse(line!)).toMatchObject({ note, meta });
});

it("writes nothing for no ids, and refuses an id that is not one", async () => {
  expect(await orderDocumentLines(gw.db.sql, [], new Set())).toEqual({ lines: [], count: 0 });
  await expect(orderDocumentLines(gw.db.sql, ["00000000-0000-7000-8000-000000000000'}'::uuid[]) --"], new Set())).rejects.toThrow(
    /Not an order id/,
  );
});
