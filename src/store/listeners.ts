// Who hears of a change to an order: the workspace's connection to the
// order's source (for a write-through) and its webhook endpoints subscribed
// to one of the change's topics (disabled ones too: their events go to the
// feed, though not to them). Read in the writing transaction, and where
// possible in the same statement as the order's lock, to save a round trip.
import { type Expression, sql as rawSql } from "kysely";
import { jsonArrayFrom, jsonObjectFrom } from "kysely/helpers/postgres";
import type { OrderSource, WebhookTopic } from "../generated/prisma/client.js";
import type { Sql } from "./executor.js";
import { nested, q, run } from "./schema.js";

export type Listeners = {
  connection: { id: string; source: string } | null;
  endpoints: Array<{ id: string; topics: WebhookTopic[]; enabled: boolean }>;
};

/** The two columns (listeningConnection, listeningEndpoints) that read the listeners in any statement. */
export function listenerColumns(workspaceId: string, topics: readonly WebhookTopic[], source: Expression<OrderSource>) {
  return [
    jsonObjectFrom(
      q
        .selectFrom("sourceConnection")
        .select(["id", "source"])
        .where("workspaceId", "=", workspaceId)
        .where("source", "=", source)
        .where("enabled", "=", true),
    ).as("listeningConnection"),
    jsonArrayFrom(
      q
        .selectFrom("webhookEndpoint")
        .select(["id", "topics", "enabled"])
        .where("workspaceId", "=", workspaceId)
        .where("topics", "&&", rawSql<WebhookTopic[]>`${topics}::text[]::"WebhookTopic"[]`),
    ).as("listeningEndpoints"),
  ] as const;
}

/** The listeners as those columns read them. */
export function listenersOf(row: { listeningConnection: Listeners["connection"]; listeningEndpoints: Listeners["endpoints"] }): Listeners {
  return { connection: row.listeningConnection, endpoints: nested(row.listeningEndpoints) };
}

/** The listeners to a change of the workspace's orders from `source`, in a statement of their own. */
export async function findListeners(
  sql: Sql,
  workspaceId: string,
  topics: readonly WebhookTopic[],
  source: Expression<OrderSource>,
): Promise<Listeners> {
  const [row] = await run(sql, q.selectNoFrom(listenerColumns(workspaceId, topics, source)));
  return listenersOf(row!);
}

/** An order's source, for `source` above: a value, or the order's own column (by its id). */
export const sourceValue = (source: OrderSource) => rawSql<OrderSource>`${source}::"OrderSource"`;
export const sourceOfOrder = (orderId: string) =>
  rawSql<OrderSource>`(${q.selectFrom("order").select("source").where("id", "=", orderId)})`;
export const sourceColumn = rawSql<OrderSource>`"order"."source"`;
