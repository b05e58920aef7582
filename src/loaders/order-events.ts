// Order.events is a connection per order. One statement serves every order of
// a batch that asks for the same page arguments: a window function numbers
// each order's events and keeps limit + 1 of them.
import type { Sql } from "../store/executor.js";
import { parsePageArgs, toPage, type Page, type PageArgs } from "../domain/pagination.js";
import { asClientError } from "../errors.js";
import type { OrderEvent } from "../generated/prisma/client.js";

export type OrderEventsKey = PageArgs & { orderId: string };

export async function orderEventsPages(
  sql: Sql,
  keys: readonly OrderEventsKey[],
  maxPageSize: number,
): Promise<Array<Page<OrderEvent> | Error>> {
  const groups = new Map<string, number[]>();
  keys.forEach(({ first, after, last, before }, index) => {
    const groupKey = JSON.stringify([first, after, last, before]);
    groups.set(groupKey, [...(groups.get(groupKey) ?? []), index]);
  });

  const results: Array<Page<OrderEvent> | Error> = new Array(keys.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const { orderId: _ignored, ...args } = keys[indexes[0]!]!;
      let request;
      try {
        request = parsePageArgs(args, maxPageSize);
      } catch (error) {
        for (const index of indexes) results[index] = asClientError(error);
        return;
      }
      const forward = request.direction === "forward";
      const params: unknown[] = [indexes.map((index) => keys[index]!.orderId), request.limit + 1];
      let cursorCondition = "";
      if (request.cursor) {
        params.push(request.cursor.at, request.cursor.id);
        cursorCondition = `AND (occurred_at, id) ${forward ? ">" : "<"} ($3::timestamptz, $4::uuid)`;
      }
      const rows = await sql<OrderEvent & { rn: unknown }>(
        `SELECT id, order_id, type, label, link_back_url, properties, occurred_at, created_at FROM (
           SELECT e.*, row_number() OVER (PARTITION BY order_id ORDER BY ${forward ? "occurred_at ASC, id ASC" : "occurred_at DESC, id DESC"}) AS rn
           FROM order_event e
           WHERE order_id = ANY($1::uuid[]) ${cursorCondition}
         ) numbered
         WHERE rn <= $2
         ORDER BY order_id, rn`,
        params,
      );
      const byOrder = new Map<string, OrderEvent[]>();
      for (const row of rows) byOrder.set(row.orderId, [...(byOrder.get(row.orderId) ?? []), row]);
      for (const index of indexes) {
        const events = byOrder.get(keys[index]!.orderId) ?? [];
        results[index] = toPage(events, request, (event) => ({ at: event.occurredAt, id: event.id }));
      }
    }),
  );
  return results;
}
