// The floor: each read workload as one hand-written SQL statement that builds
// the response JSON in PostgreSQL, served over plain node:http and the pg
// driver. No GraphQL, no ORM.
import { createServer } from "node:http";
import pg from "pg";
import { SEARCH_TEXT_SQL } from "../src/store/order-filter.js";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const port = Number(process.env.PORT ?? 5679);
const workspaceId = process.env.WORKSPACE_ID!;

const ORDER_PAGE = `
SELECT coalesce(json_agg(o ORDER BY o."createdAt" DESC, o.id DESC), '[]') AS result FROM (
  SELECT o.id, o.number, o.status, o.fulfillment_status AS "fulfillmentStatus", o.total, o.currency, o.email,
    o.created_at AS "createdAt",
    json_build_object('firstName', o.customer_first_name, 'lastName', o.customer_last_name, 'email', o.customer_email) AS customer,
    (SELECT coalesce(json_agg(json_build_object('carrier', s.carrier, 'trackingCode', s.tracking_code, 'status', s.status,
        'scanEvents', (SELECT coalesce(json_agg(json_build_object('scannedAt', sc.scanned_at, 'status', sc.status, 'description', sc.description)
                       ORDER BY sc.scanned_at, sc.id), '[]') FROM scan_event sc WHERE sc.shipment_id = s.id))
      ORDER BY s.created_at, s.id), '[]') FROM shipment s WHERE s.order_id = o.id) AS shipments,
    (SELECT coalesce(json_agg(json_build_object('sku', li.sku, 'quantity', li.quantity, 'fulfilledQuantity', li.fulfilled_quantity,
        'unitPrice', li.unit_price) ORDER BY li.position, li.id), '[]') FROM line_item li WHERE li.order_id = o.id) AS "lineItems",
    (SELECT coalesce(json_agg(e ORDER BY e."occurredAt", e.id), '[]') FROM (
       SELECT ev.id, ev.type, ev.label, ev.occurred_at AS "occurredAt" FROM order_event ev WHERE ev.order_id = o.id
       ORDER BY ev.occurred_at DESC, ev.id DESC LIMIT 5) e) AS events
  FROM "order" o WHERE o.workspace_id = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT 50) o`;

const BY_TRACKING_CODE = `
SELECT json_build_object('id', o.id, 'number', o.number, 'status', o.status,
  'shipments', (SELECT coalesce(json_agg(json_build_object('carrier', s.carrier, 'trackingCode', s.tracking_code, 'status', s.status,
      'scanEvents', (SELECT coalesce(json_agg(json_build_object('scannedAt', sc.scanned_at, 'status', sc.status) ORDER BY sc.scanned_at, sc.id), '[]')
                     FROM scan_event sc WHERE sc.shipment_id = s.id)) ORDER BY s.created_at, s.id), '[]')
    FROM shipment s WHERE s.order_id = o.id)) AS result
FROM "order" o WHERE o.id = (SELECT order_id FROM shipment WHERE workspace_id = $1 AND tracking_code = $2 ORDER BY created_at DESC LIMIT 1)`;

const ONE_ORDER = `
SELECT json_build_object('id', o.id, 'number', o.number, 'status', o.status, 'total', o.total, 'currency', o.currency, 'email', o.email,
  'shippingAddress', (SELECT json_build_object('city', a.city, 'countryCode', a.country_code) FROM address a WHERE a.id = o.shipping_address_id),
  'lineItems', (SELECT coalesce(json_agg(json_build_object('sku', li.sku, 'quantity', li.quantity, 'unitPrice', li.unit_price)
      ORDER BY li.position, li.id), '[]') FROM line_item li WHERE li.order_id = o.id),
  'shipments', (SELECT coalesce(json_agg(json_build_object('carrier', s.carrier, 'trackingCode', s.tracking_code, 'status', s.status,
      'scanEvents', (SELECT coalesce(json_agg(json_build_object('scannedAt', sc.scanned_at, 'status', sc.status, 'description', sc.description)
                     ORDER BY sc.scanned_at, sc.id), '[]') FROM scan_event sc WHERE sc.shipment_id = s.id)) ORDER BY s.created_at, s.id), '[]')
    FROM shipment s WHERE s.order_id = o.id),
  'events', (SELECT coalesce(json_agg(e ORDER BY e."occurredAt", e.id), '[]') FROM (
     SELECT ev.id, ev.type, ev.label, ev.occurred_at AS "occurredAt" FROM order_event ev WHERE ev.order_id = o.id
     ORDER BY ev.occurred_at, ev.id LIMIT 20) e)) AS result
FROM "order" o WHERE o.workspace_id = $1 AND o.id = md5('order' || $2)::uuid`;

const OPEN_PAGE = `
SELECT coalesce(json_agg(o ORDER BY o."createdAt" DESC, o.id DESC), '[]') AS result FROM (
  SELECT o.id, o.number, o.status, o.created_at AS "createdAt",
    (SELECT coalesce(json_agg(json_build_object('carrier', s.carrier, 'trackingCode', s.tracking_code, 'status', s.status,
        'scanEvents', (SELECT coalesce(json_agg(json_build_object('scannedAt', sc.scanned_at, 'status', sc.status)
                       ORDER BY sc.scanned_at, sc.id), '[]') FROM scan_event sc WHERE sc.shipment_id = s.id))
      ORDER BY s.created_at, s.id), '[]') FROM shipment s WHERE s.order_id = o.id) AS shipments
  FROM "order" o WHERE o.workspace_id = $1 AND o.status = 'OPEN' ORDER BY o.created_at DESC, o.id DESC LIMIT 50) o`;

const SEARCH = /* sql */ `
WITH matches AS (
  SELECT * FROM "order" WHERE workspace_id = $1 AND status = 'OPEN' AND ${SEARCH_TEXT_SQL} LIKE $2)
SELECT json_build_object('totalCount', (SELECT count(*) FROM matches),
  'nodes', (SELECT coalesce(json_agg(m ORDER BY m.created_at DESC, m.id DESC), '[]') FROM (
     SELECT id, number, email, status, total, created_at FROM matches ORDER BY created_at DESC, id DESC LIMIT 20) m)) AS result`;

// The mutation floor: each write of the mutation mix as one hand-written
// transaction (one statement of data-modifying CTEs between BEGIN and COMMIT),
// with none of the gateway's checks, idempotency or outbox.
const CREATE = `
WITH o AS (
  INSERT INTO "order" (id, workspace_id, source, external_id, number, email, fulfillment_status, currency)
  VALUES (gen_random_uuid(), $1, 'API', $2, $3, $4, 'UNFULFILLED', 'USD') RETURNING id),
li AS (INSERT INTO line_item (id, workspace_id, order_id, sku, quantity, unit_price) SELECT gen_random_uuid(), $1, id, $5, $6, $7 FROM o),
s AS (INSERT INTO shipment (id, workspace_id, order_id, carrier, tracking_code) SELECT gen_random_uuid(), $1, id, $8, $9 FROM o),
e AS (INSERT INTO order_event (id, workspace_id, order_id, type, label) SELECT gen_random_uuid(), $1, id, 'order.created', 'Order created' FROM o)
SELECT json_build_object('createOrder', json_build_object('order', json_build_object('id', id), 'errors', '[]'::json)) AS result FROM o`;

const UPDATE = `
WITH o AS (
  UPDATE "order" SET payment_status = $3, version = version + 1, updated_at = now() WHERE id = $2 AND workspace_id = $1 RETURNING id, version),
e AS (INSERT INTO order_event (id, workspace_id, order_id, type, label) SELECT gen_random_uuid(), $1, id, 'order.updated', 'Order updated' FROM o)
SELECT json_build_object('updateOrder', json_build_object('order', json_build_object('version', version), 'errors', '[]'::json)) AS result FROM o`;

const CANCEL = `
WITH o AS (
  UPDATE "order" SET status = 'CANCELLED', cancel_reason = 'CUSTOMER', cancelled_at = now(), version = version + 1, updated_at = now()
  WHERE id = $2 AND workspace_id = $1 AND status <> 'CANCELLED' RETURNING id),
e AS (INSERT INTO order_event (id, workspace_id, order_id, type, label) SELECT gen_random_uuid(), $1, id, 'order.cancelled', 'Order cancelled' FROM o)
SELECT json_build_object('cancelOrder', json_build_object('order', json_build_object('status', 'CANCELLED'), 'errors', '[]'::json)) AS result`;

const SCANS = `
WITH s AS (SELECT id, order_id FROM shipment WHERE workspace_id = $1 AND lower(carrier) = lower($2) AND tracking_code = $3),
sc AS (INSERT INTO scan_event (id, workspace_id, shipment_id, scanned_at, status, description)
  SELECT gen_random_uuid(), $1, id, $4, 'IN_TRANSIT', $5 FROM s),
u AS (UPDATE shipment SET status = 'IN_TRANSIT', updated_at = now() WHERE id = (SELECT id FROM s)),
o AS (UPDATE "order" SET version = version + 1, updated_at = now() WHERE id = (SELECT order_id FROM s))
SELECT json_build_object('recordScanEvents', json_build_object('shipment', json_build_object('status', 'IN_TRANSIT'), 'errors', '[]'::json)) AS result`;

async function mutate(body: { query: string; variables: Record<string, any> }) {
  const v = body.variables;
  const orderId = (id: string) => Buffer.from(id, "base64").toString().slice("Order:".length);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    let result;
    if (body.query.includes("createOrder")) {
      const { externalId, number, email, lineItems, shipments } = v.i;
      result = await client.query(CREATE, [
        workspaceId,
        externalId,
        number,
        email,
        lineItems[0].sku,
        lineItems[0].quantity,
        lineItems[0].unitPrice,
        shipments[0].carrier,
        shipments[0].trackingCode,
      ]);
    } else if (body.query.includes("updateOrder")) result = await client.query(UPDATE, [workspaceId, orderId(v.id), "paid"]);
    else if (body.query.includes("cancelOrder")) result = await client.query(CANCEL, [workspaceId, orderId(v.id)]);
    else result = await client.query(SCANS, [workspaceId, "ups", v.code, v.at, "Bench scan"]);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

async function bodyOf(request: import("node:http").IncomingMessage) {
  let text = "";
  for await (const chunk of request) text += chunk;
  return JSON.parse(text);
}

const server = createServer(async (request, response) => {
  try {
    const url = new URL(request.url!, "http://localhost");
    let result;
    if (url.pathname === "/graphql" && request.method === "POST") result = await mutate(await bodyOf(request));
    else if (url.pathname === "/orders") result = await pool.query(ORDER_PAGE, [workspaceId]);
    else if (url.pathname === "/tracking") result = await pool.query(BY_TRACKING_CODE, [workspaceId, url.searchParams.get("code")]);
    else if (url.pathname === "/order")
      result = await pool.query(ONE_ORDER, [
        workspaceId,
        String(1 + Math.floor(Math.random() * Number(process.env.BENCH_ORDERS ?? 100_000))),
      ]);
    else if (url.pathname === "/open") result = await pool.query(OPEN_PAGE, [workspaceId]);
    else if (url.pathname === "/search") result = await pool.query(SEARCH, [workspaceId, `%${url.searchParams.get("q")?.toLowerCase()}%`]);
    else {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: result.rows[0]?.result ?? null }));
  } catch (error) {
    response.writeHead(500).end(String(error));
  }
});
server.listen(port, "127.0.0.1", () => console.log(`sql floor on ${port}`));
process.on("SIGTERM", () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
