// Changes, published after their transaction commits and delivered to
// subscriptions. In one process by default; with REDIS_URL, through Redis, so
// that a subscriber on one instance hears a change made on another.
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub } from "graphql-yoga";
import { Redis } from "ioredis";

export type OrderChange = { workspaceId: string; orderId: string };
export type ShipmentStatusChange = { workspaceId: string; orderId: string; shipmentId: string; from: string; to: string };

export function createEvents(redisUrl?: string) {
  const clients = redisUrl ? [new Redis(redisUrl), new Redis(redisUrl)] : [];
  const eventTarget = redisUrl ? createRedisEventTarget({ publishClient: clients[0]!, subscribeClient: clients[1]! }) : undefined;
  const pubsub = createPubSub<{
    orderChanged: [orderId: string, change: OrderChange];
    shipmentStatusChanged: [workspaceId: string, change: ShipmentStatusChange];
  }>(eventTarget ? { eventTarget } : undefined);
  return {
    pubsub,
    async close() {
      await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
    },
  };
}

export type Events = ReturnType<typeof createEvents>;
export type PubSub = Events["pubsub"];

/** After imports: every created or updated order, and every shipment status an import moved. */
export function publishImported(
  pubsub: PubSub,
  workspaceId: string,
  results: ReadonlyArray<{
    outcome: string;
    order: { id: string } | null;
    statusChanges?: ReadonlyArray<{ shipmentId: string; from: string; to: string }>;
  }>,
) {
  for (const result of results) {
    if (!result.order || (result.outcome !== "CREATED" && result.outcome !== "UPDATED")) continue;
    const orderId = result.order.id;
    pubsub.publish("orderChanged", orderId, { workspaceId, orderId });
    for (const change of result.statusChanges ?? []) {
      pubsub.publish("shipmentStatusChanged", workspaceId, { workspaceId, orderId, ...change });
    }
  }
}
