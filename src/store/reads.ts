// Reads of single rows and relations by id, for the per-request loaders and
// subscriptions, and of API keys for the front door. Every read of a row by its id is scoped to the workspace;
// relations are read by their parent's id, which was checked when it was loaded.
import { sql as rawSql } from "kysely";
import type { PageRequest } from "../domain/pagination.js";
import type { Sql } from "./executor.js";
import { anyOf, first, q, run } from "./schema.js";

/** The API key with this prefix (revoked or not), with its workspace's allowed origins, for checking a presented key. */
export const apiKeyByPrefix = (sql: Sql, prefix: string) =>
  first(
    sql,
    q
      .selectFrom("apiKey")
      .innerJoin("workspace", "workspace.id", "apiKey.workspaceId")
      .selectAll("apiKey")
      .select("workspace.allowedOrigins as workspaceOrigins")
      .where("prefix", "=", prefix),
  );

/** Every origin some workspace or live publishable key allows: the origins a CORS preflight is answered for. */
export const allAllowedOrigins = (sql: Sql) =>
  run(
    sql,
    q
      .selectFrom("workspace")
      .select((eb) => eb.fn<string>("unnest", ["allowedOrigins"]).as("origin"))
      .union(
        q
          .selectFrom("apiKey")
          .select((eb) => eb.fn<string>("unnest", ["allowedOrigins"]).as("origin"))
          .where("revokedAt", "is", null),
      ),
  );

// Every one of these tables carries its workspace: the condition needs no join.
/** Orders by id; with `onlyCustomer`, only that customer's (by either email, any case). */
export const ordersByIds = (sql: Sql, workspaceId: string, ids: readonly string[], onlyCustomer?: string) => {
  let query = q.selectFrom("order").selectAll().where("id", "=", anyOf(ids)).where("workspaceId", "=", workspaceId);
  if (onlyCustomer != null) {
    query = query.where((eb) =>
      eb.or([eb(eb.fn("lower", ["email"]), "=", onlyCustomer), eb(eb.fn("lower", ["customerEmail"]), "=", onlyCustomer)]),
    );
  }
  return run(sql, query);
};
export const shipmentsByIds = (sql: Sql, workspaceId: string, ids: readonly string[]) =>
  run(sql, q.selectFrom("shipment").selectAll().where("id", "=", anyOf(ids)).where("workspaceId", "=", workspaceId));
export const addressesByIds = (sql: Sql, workspaceId: string, ids: readonly string[]) =>
  run(sql, q.selectFrom("address").selectAll().where("id", "=", anyOf(ids)).where("workspaceId", "=", workspaceId));
export const lineItemsByIds = (sql: Sql, workspaceId: string, ids: readonly string[]) =>
  run(sql, q.selectFrom("lineItem").selectAll().where("id", "=", anyOf(ids)).where("workspaceId", "=", workspaceId));
export const scanEventsByIds = (sql: Sql, workspaceId: string, ids: readonly string[]) =>
  run(sql, q.selectFrom("scanEvent").selectAll().where("id", "=", anyOf(ids)).where("workspaceId", "=", workspaceId));
export const orderEventsByIds = (sql: Sql, workspaceId: string, ids: readonly string[]) =>
  run(sql, q.selectFrom("orderEvent").selectAll().where("id", "=", anyOf(ids)).where("workspaceId", "=", workspaceId));

export const lineItemsOf = (sql: Sql, orderIds: readonly string[]) =>
  run(sql, q.selectFrom("lineItem").selectAll().where("orderId", "=", anyOf(orderIds)).orderBy("position").orderBy("id"));

export const shipmentsOf = (sql: Sql, orderIds: readonly string[]) =>
  run(sql, q.selectFrom("shipment").selectAll().where("orderId", "=", anyOf(orderIds)).orderBy("createdAt").orderBy("id"));

export const scanEventsOf = (sql: Sql, shipmentIds: readonly string[]) =>
  run(sql, q.selectFrom("scanEvent").selectAll().where("shipmentId", "=", anyOf(shipmentIds)).orderBy("scannedAt").orderBy("id"));

/**
 * One page of events for each of `orderIds` (limit + 1 rows each, in page
 * order), in one statement: a window function numbers each order's events.
 */
export function orderEventPages(sql: Sql, orderIds: readonly string[], request: PageRequest) {
  const forward = request.direction === "forward";
  const direction = forward ? "asc" : "desc";
  let numbered = q
    .selectFrom("orderEvent")
    .selectAll()
    .select((eb) =>
      eb.fn
        .agg<number>("row_number")
        .over((over) => over.partitionBy("orderId").orderBy("occurredAt", direction).orderBy("id", direction))
        .as("rn"),
    )
    .where("orderId", "=", anyOf(orderIds));
  if (request.cursor) {
    const { at, id } = request.cursor;
    numbered = numbered.where((eb) =>
      eb(eb.refTuple("occurredAt", "id"), forward ? ">" : "<", eb.tuple(rawSql<Date>`${at}::timestamptz`, rawSql<string>`${id}::uuid`)),
    );
  }
  const query = q
    .selectFrom(numbered.as("numbered"))
    .selectAll()
    .where("rn", "<=", request.limit + 1)
    .orderBy("orderId")
    .orderBy("rn");
  return run(sql, query);
}

/** The order's events recorded after `after` (by creation), in that order. */
export function eventsRecordedAfter(sql: Sql, orderId: string, after: { at: Date; id: string }) {
  const query = q
    .selectFrom("orderEvent")
    .selectAll()
    .where("orderId", "=", orderId)
    .where((eb) =>
      eb(eb.refTuple("createdAt", "id"), ">", eb.tuple(rawSql<Date>`${after.at}::timestamptz`, rawSql<string>`${after.id}::uuid`)),
    )
    .orderBy("createdAt")
    .orderBy("id");
  return run(sql, query);
}
