// What the gateway can ask of a source: the writes its docs have (method and
// path under the connection's baseUrl, native body) and, where the docs have
// a list endpoint, how to page through its orders.

import type { OrderEvent } from "../generated/prisma/client.js";
import { SourcePayloadError } from "../sources/common.js";
import type { StoredOrder } from "../store/stored-order.js";

export const WRITE_OPERATIONS = ["createOrder", "updateOrder", "deleteOrder", "cancelOrder", "retryOrder", "createOrderEvent"] as const;
export type WriteOperation = (typeof WRITE_OPERATIONS)[number];

export type WriteRoute = {
  method: "POST" | "PUT" | "DELETE";
  /** The path under baseUrl; `sourceOrderId` is the source's own id of the order (empty for a create). */
  path(sourceOrderId: string): string;
  /** The native body, made in the writing transaction from the order as committed. */
  body?(order: StoredOrder, event: OrderEvent | null): unknown;
  /** For a create: the source's id of the new order, read from its validated answer. */
  createdId?(answer: unknown): string;
  /**
   * The order fields (OrderInput keys) the body carries, for writes that
   * carry fields: a change to any other field never reaches the source and
   * leaves the order LOCAL_ONLY.
   */
  carries?: readonly string[];
  /**
   * The change takes effect only once the source accepts it (Flexport's
   * cancel): until then the order shows the request, and a refusal leaves
   * it as it was.
   */
  awaitsSource?: boolean;
};

export type OrdersPage = { orders: unknown[]; next: string | null };

export type PullPager = {
  /** The path of the page at `position` (null: the first page). */
  pagePath(position: string | null, pageSize: number): string;
  /** The page's orders and where the next page is (null: this was the last); throws SourcePayloadError on a malformed page. */
  readPage(answer: unknown, position: string | null, pageSize: number): OrdersPage;
};

export type Connector = {
  writes: Partial<Record<WriteOperation, WriteRoute>>;
  pull?: PullPager;
};

export const segment = (id: string) => encodeURIComponent(id);

/** A list page must be a JSON array of orders. */
export function requireArray(source: string, answer: unknown): unknown[] {
  if (Array.isArray(answer)) return answer;
  throw new SourcePayloadError(source, [{ path: "", message: "must be a JSON array of orders" }], "orders page");
}

/** A create's answer must name the new order. */
export function requireId(source: string, id: string | null | undefined): string {
  if (id) return id;
  throw new SourcePayloadError(source, [{ path: "id", message: "is required: the created order's id" }], "answer");
}
