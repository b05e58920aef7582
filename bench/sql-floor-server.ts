// The floor: each read workload as one hand-written SQL statement that builds
// the response JSON in PostgreSQL, served over plain node:http and the pg
// driver. No GraphQL, no ORM.
import { createServer } from "node:http";
import pg from "pg";
import { SEARCH_TEXT_SQL } from "../src/domain/order-filter.js";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
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

const server = createServer(async (request, response) => {
  try {
    const url = new URL(request.url!, "http://localhost");
    let result;
    if (url.pathname === "/orders") result = await pool.query(ORDER_PAGE, [workspaceId]);
    else if (url.pathname === "/tracking") result = await pool.query(BY_TRACKING_CODE, [workspaceId, url.searchParams.get("code")]);
    else if (url.pathname === "/order") result = await pool.query(ONE_ORDER, [workspaceId, String(1 + Math.floor(Math.random() * Number(process.env.BENCH_ORDERS ?? 100_000)))]);
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
