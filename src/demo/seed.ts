// Demo data for a fresh database: the sources' own example orders, read
// through the same mappers as any import, so GraphiQL shows data at once.
import { readFile } from "node:fs/promises";
import { insertOrder } from "../db/orders.js";
import type { OrderEventInput, OrderInput } from "../domain/order-input.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { mapMalomoEvent } from "../sources/malomo.js";
import { mappers } from "../sources/index.js";

const payloadsDir = new URL("./payloads/", import.meta.url);

async function payload(name: string): Promise<unknown> {
  return JSON.parse(await readFile(new URL(name, payloadsDir), "utf8"));
}

export async function demoOrders(): Promise<OrderInput[]> {
  const [storefrontOrder] = (await payload("storefront-orders.json")) as unknown[];
  const malomo = mappers.MALOMO(await payload("malomo-order.json"));
  malomo.events = [mapMalomoEvent(await payload("malomo-order-event.json"))];
  return [
    malomo,
    mappers.FLEXPORT(await payload("flexport-order.json")),
    mappers.FLEXPORT(await payload("flexport-order-error.json")),
    mappers.STOREFRONT(storefrontOrder),
    mappers.TRACKMAGE(await payload("trackmage-order.json")),
  ];
}

/** Loads the demo orders into an empty workspace; returns how many were added. */
export async function seedDemoData(prisma: PrismaClient, workspaceId: string): Promise<number> {
  if ((await prisma.order.count({ where: { workspaceId } })) > 0) return 0;
  const orders = await demoOrders();
  await prisma.$transaction(async (tx) => {
    for (const order of orders) {
      const imported: OrderEventInput = {
        type: "order.imported",
        label: `Imported from ${order.source.toLowerCase()}`,
        properties: { source: order.source, externalId: order.externalId },
        occurredAt: order.createdAt ?? new Date(),
      };
      await insertOrder(tx, workspaceId, { ...order, events: [imported, ...(order.events ?? [])] });
    }
  });
  return orders.length;
}
