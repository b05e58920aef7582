// The benchmark's read workloads, each as the gateway, PostGraphile and the
// SQL floor ask for it, and the mutation mix (gateway only).
import { createHash } from "node:crypto";
import { SEARCH_TEXT_SQL } from "../src/store/order-filter.js";

export type Target = "gateway" | "postgraphile" | "floor";
export type RequestSpec = { method: "GET" | "POST"; path: string; body?: () => string };
export type Workload = { name: string; requests: Record<Target, RequestSpec> };

const random = (max: number) => 1 + Math.floor(Math.random() * max);
const graphql = (query: string, variables: () => Record<string, unknown> = () => ({})): RequestSpec => ({
  method: "POST",
  path: "/graphql",
  body: () => JSON.stringify({ query, variables: variables() }),
});

/** The id the seeder gave order i (md5('order' || i) as a UUID). */
export function seededOrderId(i: number): string {
  const hex = createHash("md5").update(`order${i}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function readWorkloads(workspaceId: string, orders: number): Workload[] {
  // Malomo orders (i % 4 == 0) have a shipment with four scans.
  const malomoTrackingCode = () => `TRK${4 * random(orders / 4 - 1)}`;
  return [
    {
      name: "1. page of 50 orders with shipments, scans, line items, last 5 events",
      requests: {
        gateway: graphql(`{ orders(first: 50) { nodes { id number status fulfillmentStatus total currency email
          customer { firstName lastName email }
          shipments(first: 10) { carrier trackingCode status scanEvents(last: 20) { scannedAt status description } }
          lineItems(first: 20) { sku quantity fulfilledQuantity unitPrice }
          events(last: 5) { nodes { type label occurredAt } } } } }`),
        postgraphile:
          graphql(`{ allOrders(first: 50, orderBy: [CREATED_AT_DESC, ROW_ID_DESC], condition: { workspaceId: "${workspaceId}" }) {
          nodes { rowId number status fulfillmentStatus total currency email customerFirstName customerLastName customerEmail
            shipmentsByOrderId(first: 10, orderBy: [PRIMARY_KEY_ASC]) { nodes { carrier trackingCode status
              scanEventsByShipmentId(last: 20, orderBy: [SCANNED_AT_ASC, ROW_ID_ASC]) { nodes { scannedAt status description } } } }
            lineItemsByOrderId(first: 20, orderBy: [POSITION_ASC]) { nodes { sku quantity fulfilledQuantity unitPrice } }
            orderEventsByOrderId(last: 5, orderBy: [OCCURRED_AT_ASC, ROW_ID_ASC]) { nodes { type label occurredAt } } } } }`),
        floor: { method: "GET", path: "/orders" },
      },
    },
    {
      name: "2. lookup by tracking code",
      requests: {
        gateway: graphql(
          `query($t: String!) { orderByTrackingCode(trackingCode: $t) { id number status
            shipments { carrier trackingCode status scanEvents { scannedAt status } } } }`,
          () => ({ t: malomoTrackingCode() }),
        ),
        postgraphile: graphql(
          `query($t: String!, $ws: UUID!) { allShipments(condition: { workspaceId: $ws, trackingCode: $t }, first: 1) {
            nodes { orderByOrderId { rowId number status shipmentsByOrderId(orderBy: [PRIMARY_KEY_ASC]) { nodes { carrier trackingCode status
              scanEventsByShipmentId(orderBy: [SCANNED_AT_ASC, ROW_ID_ASC]) { nodes { scannedAt status } } } } } } } }`,
          () => ({ t: malomoTrackingCode(), ws: workspaceId }),
        ),
        floor: { method: "GET", path: "/tracking?code=TRK4000" },
      },
    },
    {
      name: "3. open orders searched by customer, deep in the table",
      requests: {
        gateway: graphql(
          `{ orders(first: 20, filter: { status: [OPEN], q: "customer1234" }) { totalCount nodes { id number email status total } } }`,
        ),
        postgraphile: graphql(
          `{ searchOrders(q: "customer1234", ws: "${workspaceId}", first: 20) { totalCount nodes { rowId number email status total } } }`,
        ),
        floor: { method: "GET", path: "/search?q=customer1234" },
      },
    },
    {
      name: "4. one order by id: address, line items, shipments with scans, 20 events",
      requests: {
        gateway: graphql(
          `query($id: ID!) { order(id: $id) { id number status total currency email shippingAddress { city countryCode }
            lineItems { sku quantity unitPrice } shipments { carrier trackingCode status scanEvents { scannedAt status description } }
            events(first: 20) { nodes { type label occurredAt } } } }`,
          () => ({ id: Buffer.from(`Order:${seededOrderId(random(orders))}`).toString("base64") }),
        ),
        postgraphile: graphql(
          `query($id: UUID!) { orderByRowId(rowId: $id) { rowId number status total currency email addressByShippingAddressId { city countryCode }
            lineItemsByOrderId(orderBy: [POSITION_ASC]) { nodes { sku quantity unitPrice } }
            shipmentsByOrderId(orderBy: [PRIMARY_KEY_ASC]) { nodes { carrier trackingCode status
              scanEventsByShipmentId(orderBy: [SCANNED_AT_ASC, ROW_ID_ASC]) { nodes { scannedAt status description } } } }
            orderEventsByOrderId(first: 20, orderBy: [OCCURRED_AT_ASC, ROW_ID_ASC]) { nodes { type label occurredAt } } } }`,
          () => ({ id: seededOrderId(random(orders)) }),
        ),
        floor: { method: "GET", path: "/order?i=1" },
      },
    },
    {
      name: "5. page of 50 open orders with shipments and scans",
      requests: {
        gateway: graphql(`{ orders(first: 50, filter: { status: [OPEN] }) { nodes { id number status
          shipments(first: 10) { carrier trackingCode status scanEvents(last: 20) { scannedAt status } } } } }`),
        postgraphile:
          graphql(`{ allOrders(first: 50, orderBy: [CREATED_AT_DESC, ROW_ID_DESC], condition: { workspaceId: "${workspaceId}", status: OPEN }) {
          nodes { rowId number status shipmentsByOrderId(first: 10, orderBy: [PRIMARY_KEY_ASC]) { nodes { carrier trackingCode status
            scanEventsByShipmentId(last: 20, orderBy: [SCANNED_AT_ASC, ROW_ID_ASC]) { nodes { scannedAt status } } } } } } }`),
        floor: { method: "GET", path: "/open" },
      },
    },
  ];
}

/**
 * PostGraphile exposes searches as SQL functions; this one matches the
 * gateway's q on one word, on the same indexed expression.
 */
export const SEARCH_FUNCTION = `
CREATE OR REPLACE FUNCTION search_orders(q text, ws uuid) RETURNS SETOF "order" LANGUAGE sql STABLE AS $$
  SELECT * FROM "order" WHERE workspace_id = ws AND status = 'OPEN'
    AND ${SEARCH_TEXT_SQL} LIKE '%' || lower(q) || '%'
  ORDER BY created_at DESC, id DESC
$$`;

/** Creates, updates, cancels and records scans, in turn, on fresh and seeded orders. */
export function mutationMix(orders: number, runTag: string): RequestSpec {
  let n = 0;
  const globalId = (id: string) => Buffer.from(`Order:${id}`).toString("base64");
  const kinds = [
    () =>
      graphql(`mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id } errors { code message } } }`, () => ({
        i: {
          externalId: `${runTag}-${n}`,
          number: `B-${n}`,
          email: `bench${n}@example.com`,
          lineItems: [{ sku: "MUG", quantity: 1, unitPrice: "9.99" }],
          shipments: [{ carrier: "ups", trackingCode: `BN${runTag}${n}` }],
        },
      })),
    () =>
      graphql(
        `mutation($id: ID!) { updateOrder(id: $id, input: { paymentStatus: "paid" }) { order { version } errors { code message } } }`,
        () => ({
          id: globalId(seededOrderId(random(orders))),
        }),
      ),
    // TrackMage orders (i % 4 == 3) have no shipment, so they can be cancelled.
    () =>
      graphql(`mutation($id: ID!) { cancelOrder(id: $id, reason: CUSTOMER) { order { status } errors { code message } } }`, () => ({
        id: globalId(seededOrderId(4 * random(orders / 4 - 1) + 3)),
      })),
    () =>
      graphql(
        `mutation($code: String!, $at: DateTime!) { recordScanEvents(carrier: "ups", trackingCode: $code,
          events: [{ scannedAt: $at, status: IN_TRANSIT, description: "Bench scan" }]) { shipment { status } errors { code message } } }`,
        () => ({ code: `TRK${4 * random(orders / 4 - 1) + 1}`, at: new Date(Date.UTC(2027, 0, 1) + n * 1000).toISOString() }),
      ),
  ];
  return {
    method: "POST",
    path: "/graphql",
    body: () => {
      n++;
      return kinds[n % kinds.length]!().body!();
    },
  };
}
