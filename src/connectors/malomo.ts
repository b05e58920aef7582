// Malomo: create, update (shipments as the complete list), delete and order
// events, as its docs define them; the order list is paged with `next`, the
// cursor after which to continue (the last order's id).
import { mapMalomoOrder, toMalomoEvent, toMalomoOrder } from "../sources/malomo.js";
import { type Connector, requireArray, requireId, segment } from "./connector.js";

export const malomo: Connector = {
  writes: {
    createOrder: {
      method: "POST",
      path: () => "/orders",
      body: (order) => toMalomoOrder(order),
      createdId: (answer) => requireId("Malomo", mapMalomoOrder(answer).sourceOrderId),
      carries: ["externalId", "number", "email", "customer", "meta", "shipments"],
    },
    // The update takes no alternate_id or number.
    updateOrder: {
      method: "PUT",
      path: (id) => `/orders/${segment(id)}`,
      body: (order) => toMalomoOrder(order, true),
      carries: ["email", "customer", "meta", "shipments"],
    },
    deleteOrder: { method: "DELETE", path: (id) => `/orders/${segment(id)}` },
    createOrderEvent: { method: "POST", path: (id) => `/orders/${segment(id)}/events`, body: (_order, event) => toMalomoEvent(event!) },
  },
  pull: {
    pagePath: (position) => (position ? `/orders?next=${encodeURIComponent(position)}` : "/orders"),
    readPage(answer, position) {
      const orders = requireArray("Malomo", answer);
      const last = orders.at(-1) as { id?: unknown } | undefined;
      const next = last && (typeof last.id === "string" || typeof last.id === "number") ? String(last.id) : null;
      // A source that ignores the cursor would otherwise be paged forever.
      return { orders, next: next && next !== position ? next : null };
    },
  },
};
