// The transactional outbox. A change to an order records, in the transaction
// that makes it, what must leave the gateway: the write to the order's source
// (when it is connected and its docs have that operation) and one delivery per
// partner endpoint subscribed to the change's topic. Each gets a job in the
// same transaction, so nothing is sent for a change that rolled back and
// nothing is lost when the process dies after the commit.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { v7 as uuidv7 } from "uuid";
import { connectors, type WriteOperation } from "../connectors/index.js";
import type { Tx } from "../db/orders.js";
import { loadStoredOrder } from "../db/stored-order.js";
import { Prisma, type OrderEvent, type OrderSource, type WebhookTopic } from "../generated/prisma/client.js";
import { QUEUES, type JobQueue } from "../jobs/queue.js";
import { orderDocument } from "./order-document.js";

export type ShipmentStatusChange = { shipmentId: string; carrier: string; trackingCode: string; from: string; to: string };

export type OrderChange = {
  workspaceId: string;
  orderId: string;
  /** What partners hear. */
  topics: WebhookTopic[];
  /** What the order's source is told, if it is connected and has the operation. */
  write?: WriteOperation;
  /** The event a createOrderEvent adds. */
  event?: OrderEvent;
  shipmentChanges?: ShipmentStatusChange[];
};

export type Outbox = {
  /** Records the change's outbound work; true when a source write was queued (the order's sourceSync moved). */
  record(tx: Tx, change: OrderChange): Promise<boolean>;
  /**
   * The same for changes to many orders of one workspace and source (an
   * import batch): who is listening is looked up once, not per order.
   */
  recordAll(tx: Tx, changes: readonly OrderChange[], source: OrderSource): Promise<void>;
};

/** For tools that write without a job queue (bulk CLI import, demo data): nothing leaves. */
export const silentOutbox: Outbox = { record: async () => false, recordAll: async () => {} };

type Targets = { connection: { id: string; source: string } | null; endpoints: Array<{ id: string; topics: WebhookTopic[] }> };

export function createOutbox(jobs: JobQueue): Outbox {
  /** Who hears a change: the order's source connection, and the endpoints subscribed to one of the topics. */
  const targetsOf = async (tx: Tx, workspaceId: string, topics: readonly WebhookTopic[], source: Prisma.Sql) => {
    const [targets] = await tx.$queryRaw<Targets[]>`
      SELECT
        (SELECT json_build_object('id', c.id, 'source', c.source) FROM source_connection c
          WHERE c.workspace_id = ${workspaceId}::uuid AND c.source = ${source} AND c.enabled) AS connection,
        (SELECT coalesce(json_agg(json_build_object('id', e.id, 'topics', e.topics)), '[]'::json) FROM webhook_endpoint e
          WHERE e.workspace_id = ${workspaceId}::uuid AND e.enabled
            AND e.topics && ${topics}::text[]::"WebhookTopic"[]) AS endpoints`;
    return targets ?? { connection: null, endpoints: [] };
  };
  const topicsOf = (change: OrderChange): WebhookTopic[] => change.topics.concat(change.shipmentChanges?.length ? ["SHIPMENT_STATUS_CHANGED"] : []);

  const recordTo = async (tx: Tx, change: OrderChange, targets: Targets): Promise<boolean> => {
    const topics = topicsOf(change);
    const route =
      change.write && targets.connection
        ? connectors[targets.connection.source as keyof typeof connectors]?.writes[change.write]
        : undefined;
    const endpoints = targets.endpoints;
    if (!route && endpoints.length === 0) return false;

    const order = await loadStoredOrder(tx, change.orderId);
    if (!order) return false;

    if (route && targets.connection) {
      const id = uuidv7();
      const body = route.body?.(order, change.event ?? null);
      await tx.sourceWrite.create({
        data: {
          id,
          workspaceId: change.workspaceId,
          connectionId: targets.connection.id,
          orderId: order.id,
          operation: change.write!,
          sourceOrderId: order.sourceOrderId,
          body: body === undefined ? Prisma.DbNull : (body as Prisma.InputJsonValue),
        },
      });
      if (change.write !== "deleteOrder") {
        await tx.order.update({ where: { id: order.id }, data: { syncState: "PENDING", syncAttempts: 0, syncError: null } });
      }
      await jobs.enqueue(tx, QUEUES.sourceWrite, { id, attempt: 0 });
    }

    if (endpoints.length) {
      const document = orderDocument(order);
      const occurredAt = new Date().toISOString();
      for (const topic of topics) {
        const subscribed = endpoints.filter((endpoint) => endpoint.topics.includes(topic));
        if (!subscribed.length) continue;
        const events =
          topic === "SHIPMENT_STATUS_CHANGED"
            ? (change.shipmentChanges ?? []).map(({ shipmentId, ...shipment }) => ({
                order: document,
                shipment: { id: encodeGlobalID("Shipment", shipmentId), ...shipment },
              }))
            : [{ order: document }];
        for (const data of events) {
          const eventId = uuidv7();
          const body = JSON.stringify({ id: eventId, topic, occurredAt, data });
          const deliveries = subscribed.map((endpoint) => ({ id: uuidv7(), endpointId: endpoint.id, eventId, topic, body }));
          await tx.webhookDelivery.createMany({ data: deliveries });
          for (const delivery of deliveries) await jobs.enqueue(tx, QUEUES.webhookDelivery, { id: delivery.id, attempt: 0 });
        }
      }
    }
    return route !== undefined && change.write !== "deleteOrder";
  };

  return {
    async record(tx, change) {
      const topics = topicsOf(change);
      if (!topics.length && !change.write) return false;
      // The order's own source, read in the same statement.
      const source = Prisma.sql`(SELECT o.source FROM "order" o WHERE o.id = ${change.orderId}::uuid)`;
      return recordTo(tx, change, await targetsOf(tx, change.workspaceId, topics, source));
    },
    async recordAll(tx, changes, source) {
      const found = new Map<string, Promise<Targets>>();
      for (const change of changes) {
        const topics = topicsOf(change);
        if (!topics.length && !change.write) continue;
        const key = `${change.workspaceId} ${topics.join()}`;
        if (!found.has(key)) found.set(key, targetsOf(tx, change.workspaceId, topics, Prisma.sql`${source}::"OrderSource"`));
        await recordTo(tx, change, await found.get(key)!);
      }
    },
  };
}
