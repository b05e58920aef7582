// Stand-ins for the sources, written from the sources' API docs: they keep
// orders in memory and answer the documented operations with the documented
// shapes. Requests without the expected bearer token get a 401.
import { randomUUID } from "node:crypto";
import { type Recorded, type Reply, type StandIn, startStandIn } from "./http-stand-in.js";

export const STAND_IN_TOKEN = "sk_test_stand_in_token_9f3c";

type Orders = Map<string, Record<string, any>>;

function authorized(request: Recorded): Reply | null {
  return request.headers.authorization === `Bearer ${STAND_IN_TOKEN}` ? null : { status: 401, json: { message: "Invalid API token" } };
}

/** Malomo: POST/PUT/DELETE /orders, POST /orders/:id/events, GET /orders?next=<id> (pages of `pageSize`). */
export async function startMalomo(
  options: { orders?: Record<string, any>[]; pageSize?: number } = {},
): Promise<StandIn & { orders: Orders }> {
  const orders: Orders = new Map((options.orders ?? []).map((order) => [String(order.id), order]));
  const pageSize = options.pageSize ?? 2;
  const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const standIn = await startStandIn((request) => {
    const refused = authorized(request);
    if (refused) return refused;
    const [, collection, id, sub] = request.path.split("/");
    if (collection !== "orders") return { status: 404, json: { message: "Not found" } };
    if (request.method === "GET" && !id) {
      const all = [...orders.values()];
      const after = request.query.get("next");
      const start = after ? all.findIndex((order) => String(order.id) === after) + 1 : 0;
      return { json: all.slice(start, start + pageSize) };
    }
    if (request.method === "POST" && !id) {
      const created = {
        id: randomUUID(),
        created_at: now(),
        updated_at: now(),
        ...request.json,
        shipments: (request.json.shipments ?? []).map((s: any) => ({ ...s, id: randomUUID(), status: "pending", scan_events: [] })),
      };
      orders.set(created.id, created);
      return { json: created };
    }
    const order = id ? orders.get(id) : undefined;
    if (!order) return { status: 404, json: { message: "Order not found" } };
    if (request.method === "PUT" && !sub) {
      Object.assign(order, request.json, { updated_at: now() });
      return { json: order };
    }
    if (request.method === "DELETE" && !sub) {
      orders.delete(id!);
      return { status: 204 };
    }
    if (request.method === "POST" && sub === "events") {
      return { json: { id: randomUUID(), created_at: now(), updated_at: now(), ...request.json } };
    }
    return { status: 405, json: { message: "Method not allowed" } };
  });
  return Object.assign(standIn, { orders });
}

/** Flexport: POST /orders, POST /orders/:id/cancel (refused once shipped), POST /orders/:id/retry. */
export async function startFlexport(): Promise<StandIn & { orders: Orders }> {
  const orders: Orders = new Map();
  const standIn = await startStandIn((request) => {
    const refused = authorized(request);
    if (refused) return refused;
    const [, collection, id, action] = request.path.split("/");
    if (collection !== "orders" || request.method !== "POST") return { status: 404, json: { message: "Not found" } };
    if (!id) {
      const created = {
        id: `fo_${randomUUID()}`,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        ...request.json,
        state: { fulfillmentStatus: "CREATED", internalStatus: "PROCESSING", fulfillmentDelayed: false, fulfillmentInProgress: true },
        shipments: [],
      };
      orders.set(created.id, created);
      return { json: created };
    }
    const order = orders.get(id);
    if (!order) return { status: 404, json: { message: "Order not found" } };
    if (action === "cancel") {
      if (order.state.fulfillmentStatus === "SHIPPED")
        return { status: 422, json: { message: "Order has already shipped and cannot be cancelled" } };
      order.state = { ...order.state, internalStatus: "CANCELLED", fulfillmentStatus: "CANCELLED" };
      return { json: order };
    }
    if (action === "retry") {
      order.state = { ...order.state, internalStatus: "PROCESSING" };
      order.error = null;
      return { json: order };
    }
    return { status: 404, json: { message: "Not found" } };
  });
  return Object.assign(standIn, { orders });
}

/** Storefront: GET /orders?page=N&size=M (pages from 1). */
export async function startStorefront(all: Record<string, any>[]): Promise<StandIn> {
  return startStandIn((request) => {
    const refused = authorized(request);
    if (refused) return refused;
    if (request.path !== "/orders" || request.method !== "GET") return { status: 404, json: { message: "Not found" } };
    const page = Number(request.query.get("page") ?? 1);
    const size = Number(request.query.get("size") ?? 30);
    return { json: all.slice((page - 1) * size, page * size) };
  });
}
