// Order.events is a connection per order. One statement serves every order of
// a batch that asks for the same page arguments: a window function numbers
// each order's events and keeps limit + 1 of them.
import { Prisma, type OrderEvent, type PrismaClient } from "../generated/prisma/client.js";
import { asClientError } from "../errors.js";
import { parsePageArgs, toPage, type Page, type PageArgs } from "../domain/pagination.js";

export type OrderEventsKey = PageArgs & { orderId: string };

type OrderEventRow = {
  id: string;
  order_id: string;
  type: string;
  label: string | null;
  link_back_url: string | null;
  properties: unknown;
  occurred_at: Date;
  created_at: Date;
};

export async function orderEventsPages(
  prisma: PrismaClient,
  keys: readonly OrderEventsKey[],
  maxPageSize: number,
): Promise<Array<Page<OrderEvent> | Error>> {
  const groups = new Map<string, number[]>();
  keys.forEach(({ orderId: _orderId, ...args }, index) => {
    const groupKey = JSON.stringify([args.first, args.after, args.last, args.before]);
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
      const orderIds = indexes.map((index) => keys[index]!.orderId);
      const forward = request.direction === "forward";
      const order = forward ? Prisma.sql`occurred_at ASC, id ASC` : Prisma.sql`occurred_at DESC, id DESC`;
      const afterCursor = request.cursor
        ? forward
          ? Prisma.sql`AND (occurred_at, id) > (${request.cursor.at}::timestamptz, ${request.cursor.id}::uuid)`
          : Prisma.sql`AND (occurred_at, id) < (${request.cursor.at}::timestamptz, ${request.cursor.id}::uuid)`
        : Prisma.empty;
      const rows = await prisma.$queryRaw<Array<OrderEventRow & { rn: bigint }>>`
        SELECT * FROM (
          SELECT e.*, row_number() OVER (PARTITION BY order_id ORDER BY ${order}) AS rn
          FROM order_event e
          WHERE order_id = ANY(${orderIds}::uuid[]) ${afterCursor}
        ) numbered
        WHERE rn <= ${request.limit + 1}
        ORDER BY order_id, rn`;
      const byOrder = new Map<string, OrderEvent[]>();
      for (const row of rows) {
        const list = byOrder.get(row.order_id) ?? [];
        list.push(toOrderEvent(row));
        byOrder.set(row.order_id, list);
      }
      for (const index of indexes) {
        const events = byOrder.get(keys[index]!.orderId) ?? [];
        results[index] = toPage(events, request, (event) => ({ at: event.occurredAt, id: event.id }));
      }
    }),
  );
  return results;
}

function toOrderEvent(row: OrderEventRow): OrderEvent {
  return {
    id: row.id,
    orderId: row.order_id,
    type: row.type,
    label: row.label,
    linkBackUrl: row.link_back_url,
    properties: (typeof row.properties === "string" ? JSON.parse(row.properties) : row.properties) as OrderEvent["properties"],
    occurredAt: new Date(row.occurred_at),
    createdAt: new Date(row.created_at),
  };
}
