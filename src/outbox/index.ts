// The transactional outbox. A change to an order records, in the transaction
// that makes it, what must leave the gateway: the write to the order's source
// (when it is connected and its docs have that operation) and one delivery per
// partner endpoint subscribed to the change's topic, with the event in the
// workspace's events feed. The source write gets a job in the same
// transaction; the deliveries are the webhook dispatcher's queue themselves.
// So nothing is sent for a change that rolled back and nothing is lost when
// the process dies after the commit.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { routeFor, sourceLabel, type WriteOperation } from "../connectors/index.js";
import type { OrderEvent, OrderSource, WebhookTopic } from "../generated/prisma/client.js";
import { type JobQueue, QUEUES } from "../jobs/queue.js";
import type { Sql } from "../store/executor.js";
import { newId } from "../store/ids.js";
import { findListeners, type Listeners, sourceOfOrder, sourceValue } from "../store/listeners.js";
import { loadOrderDocument } from "../store/order-documents.js";
import type { ShipmentStatusChange } from "../store/orders.js";
import { updateSync } from "../store/orders.js";
import { json, q, run } from "../store/schema.js";
import { loadStoredOrder } from "../store/stored-order.js";
import { insertEvent } from "../store/webhooks.js";
import { currentTraceParent } from "../tracing.js";

export type { ShipmentStatusChange };

export type OrderChange = {
  workspaceId: string;
  orderId: string;
  /** What partners hear. */
  topics: WebhookTopic[];
  /** What the order's source is told, if it is connected and has the operation. */
  write?: WriteOperation;
  /** The order fields the change set (OrderInput keys), to tell which the source's write carries. */
  fields?: readonly string[];
  /** The event a createOrderEvent adds. */
  event?: OrderEvent;
  shipmentChanges?: ShipmentStatusChange[];
};

export type Outbox = {
  /**
   * Records the change's outbound work; true when a source write was queued
   * (the order's sourceSync moved). `listeners` saves looking them up when
   * they were read with the order (listenerColumns).
   */
  record(tx: Sql, change: OrderChange, listeners?: Listeners): Promise<boolean>;
  /**
   * The same for changes to many orders of one workspace and source (an
   * import batch): who is listening is looked up once, not per order.
   */
  recordAll(tx: Sql, changes: readonly OrderChange[], source: OrderSource): Promise<void>;
  /** An event about something other than an order (a finished bulk operation), for the workspace's subscribed endpoints. */
  recordEvent(tx: Sql, workspaceId: string, topic: WebhookTopic, data: unknown): Promise<void>;
  /** Whether record() writes nothing for a change these listeners hear of: then the change's own write can end its transaction. */
  recordsNothingFor(listeners: Listeners): boolean;
};

/** For tools that write without a job queue (bulk CLI import, demo data): nothing leaves. */
export const silentOutbox: Outbox = {
  record: async () => false,
  recordAll: async () => {},
  recordEvent: async () => {},
  recordsNothingFor: () => true,
};

export function createOutbox(jobs: JobQueue): Outbox {
  /** One event in the feed, and a delivery of it to each enabled one of `endpoints`. */
  const deliver = async (
    tx: Sql,
    workspaceId: string,
    endpoints: Listeners["endpoints"],
    topic: WebhookTopic,
    occurredAt: Date,
    data: unknown,
  ) => {
    const id = newId();
    const body = JSON.stringify({ id, topic, occurredAt, data });
    const enabled = endpoints.filter((endpoint) => endpoint.enabled).map((endpoint) => endpoint.id);
    await insertEvent(tx, { id, workspaceId, topic, body, occurredAt }, enabled);
  };

  const topicsOf = (change: OrderChange): WebhookTopic[] =>
    change.topics.concat(change.shipmentChanges?.length ? ["SHIPMENT_STATUS_CHANGED"] : []);

  const recordTo = async (tx: Sql, change: OrderChange, targets: Listeners): Promise<boolean> => {
    const topics = topicsOf(change);
    const connection = targets.connection;
    const found = change.write && connection ? routeFor(connection.source, change.write) : undefined;
    // What of the change the source cannot receive: an operation it does not have, or fields its write does not carry.
    const uncarried = found?.carries ? (change.fields ?? []).filter((field) => !found.carries!.includes(field)) : [];
    const carriesNothing =
      found?.carries !== undefined && change.fields !== undefined && uncarried.length === change.fields.length && uncarried.length > 0;
    const route = carriesNothing ? undefined : found;
    let movedSync = false;
    if (connection && change.write && change.write !== "deleteOrder" && (!found || carriesNothing)) {
      const label = sourceLabel(connection.source);
      const reason = found
        ? `${label}'s ${change.write} does not carry ${uncarried.join(", ")}: the change is kept here only.`
        : `${label} has no ${change.write} operation: the change is kept here only.`;
      movedSync = await updateSync(
        tx,
        change.orderId,
        { syncState: "LOCAL_ONLY", syncError: reason },
        found ? uncarried : (change.fields ?? []),
      );
    }
    const endpoints = targets.endpoints;
    if (!route && endpoints.length === 0) return movedSync;

    if (route && targets.connection) {
      const order = await loadStoredOrder(tx, change.orderId);
      if (!order) return movedSync;
      const id = newId();
      const body = route.body?.(order, change.event ?? null);
      await run(
        tx,
        q.insertInto("sourceWrite").values({
          id,
          workspaceId: change.workspaceId,
          connectionId: targets.connection.id,
          orderId: order.id,
          operation: change.write!,
          sourceOrderId: order.sourceOrderId,
          body: json(body),
          traceParent: currentTraceParent(),
        }),
      );
      // The order says so until the write is sent; fields the write does not carry stay local only.
      if (change.write !== "deleteOrder")
        await updateSync(tx, order.id, { syncState: "PENDING", syncAttempts: 0, syncError: null }, uncarried);
      await jobs.enqueue(tx, QUEUES.sourceWrite, { id, attempt: 0 });
    }

    if (endpoints.length) {
      const document = await loadOrderDocument(tx, change.orderId);
      if (!document) return movedSync;
      const occurredAt = new Date();
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
        for (const data of events) await deliver(tx, change.workspaceId, subscribed, topic, occurredAt, data);
      }
    }
    return movedSync || (route !== undefined && change.write !== "deleteOrder");
  };

  return {
    async record(tx, change, listeners) {
      const topics = topicsOf(change);
      if (!topics.length && !change.write) return false;
      return recordTo(tx, change, listeners ?? (await findListeners(tx, change.workspaceId, topics, sourceOfOrder(change.orderId))));
    },
    async recordAll(tx, changes, source) {
      const found = new Map<string, Promise<Listeners>>();
      for (const change of changes) {
        const topics = topicsOf(change);
        if (!topics.length && !change.write) continue;
        const key = `${change.workspaceId} ${topics.join()}`;
        if (!found.has(key)) found.set(key, findListeners(tx, change.workspaceId, topics, sourceValue(source)));
        await recordTo(tx, change, await found.get(key)!);
      }
    },
    // No connection to write through, no endpoint to deliver to: recordTo writes nothing.
    recordsNothingFor: (listeners) => !listeners.connection && listeners.endpoints.length === 0,
    async recordEvent(tx, workspaceId, topic, data) {
      // API orders have no source connection: only the endpoints are read.
      const { endpoints } = await findListeners(tx, workspaceId, [topic], sourceValue("API"));
      if (endpoints.length) await deliver(tx, workspaceId, endpoints, topic, new Date(), data);
    },
  };
}
