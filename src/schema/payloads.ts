// Mutation payloads: each carries `errors` (empty on success) beside its result.
// They differ only in their result field, so one helper defines them all.
import type { ObjectRef } from "@pothos/core";
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Result, UserError } from "../domain/user-error.js";
import type { Order, OrderEvent, Shipment } from "../generated/prisma/client.js";
import { builder } from "./builder.js";
import { databaseId } from "./global-id.js";
import { OrderRef } from "./order.js";
import { OrderEventRef } from "./order-event.js";
import { ShipmentRef } from "./shipment.js";
import { UserErrorRef } from "./user-error.js";

export type Payload<K extends string, T> = { [key in K]: T | null } & { errors: UserError[] };

/** The payload for a result: the value with no errors, or null with the errors. */
export function toPayload<K extends string, T>(field: K, result: Result<T>): Payload<K, T> {
  return { [field]: result.ok ? result.value : null, errors: result.ok ? [] : result.errors } as Payload<K, T>;
}

/**
 * A delete mutation's payload: the `id` argument read as a `typename` id (a
 * VALIDATION error otherwise), removed by `remove`, and answered as the
 * API's id of what was deleted.
 */
export async function deletion(typename: string, id: string, remove: (id: string) => Promise<Result<string>>) {
  const decoded = databaseId(id, typename, "id");
  const result = decoded.ok ? await remove(decoded.value) : decoded;
  return toPayload("deletedId", result.ok ? { ok: true, value: encodeGlobalID(typename, result.value) } : result);
}

// biome-ignore lint/suspicious/noExplicitAny: a payload's result may be any of the builder's object types
export function payload<K extends string, T>(name: string, field: K, type: ObjectRef<any, T> | "ID") {
  const ref = builder.objectRef<Payload<K, T>>(name);
  ref.implement({
    fields: (t) => ({
      [field]: t.field({ type, nullable: true, resolve: (parent: Payload<K, T>) => parent[field] as never }),
      errors: t.field({ type: [UserErrorRef], resolve: (parent) => parent.errors }),
    }),
  });
  return ref;
}

export const CreateOrderPayload = payload<"order", Order>("CreateOrderPayload", "order", OrderRef);
export const UpdateOrderPayload = payload<"order", Order>("UpdateOrderPayload", "order", OrderRef);
export const CancelOrderPayload = payload<"order", Order>("CancelOrderPayload", "order", OrderRef);
export const RetryOrderPayload = payload<"order", Order>("RetryOrderPayload", "order", OrderRef);
export const DeleteOrderPayload = payload<"deletedId", string>("DeleteOrderPayload", "deletedId", "ID");
export const CreateOrderEventPayload = payload<"event", OrderEvent>("CreateOrderEventPayload", "event", OrderEventRef);
export const RecordScanEventsPayload = payload<"shipment", Shipment>("RecordScanEventsPayload", "shipment", ShipmentRef);
export const DeletePayload = payload<"deletedId", string>("DeletePayload", "deletedId", "ID");
