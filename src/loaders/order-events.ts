// Order.events is a connection per order. One statement serves every order of
// a batch that asks for the same page arguments (store/reads.ts).

import { type Page, type PageArgs, parsePageArgs, toPage } from "../domain/pagination.js";
import { asClientError } from "../errors.js";
import type { OrderEvent } from "../generated/prisma/client.js";
import type { Sql } from "../store/executor.js";
import { orderEventPages } from "../store/reads.js";

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
      const rows = await orderEventPages(
        sql,
        indexes.map((index) => keys[index]!.orderId),
        request,
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
