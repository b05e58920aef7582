// POST /webhooks/{malomo|flexport|storefront|trackmage}: sources that push
// send their native order JSON (one order or an array); each is imported as
// importOrders would, and the answer lists one result per order.
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Plugin } from "graphql-yoga";
import type { Caller } from "./auth/caller.js";
import { BodyTooLarge } from "./auth/door.js";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "./domain/json-shape.js";
import { type PubSub, publishImported } from "./events.js";
import type { OrderSource } from "./generated/prisma/client.js";
import { admitCaller, jsonReply } from "./json-route.js";
import type { Outbox } from "./outbox/index.js";
import { importPayloadsReturningIds, MAX_PAYLOADS_PER_IMPORT } from "./services/imports.js";
import { SOURCE_NAMES, sourceNamed } from "./sources/index.js";
import type { TransactionalSql } from "./store/executor.js";

export function sourceWebhooks(options: {
  store: TransactionalSql;
  admit: (request: Request) => Promise<Caller>;
  pubsub: PubSub;
  outbox: Outbox;
}): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const match = /^\/webhooks\/([^/]+)\/?$/.exec(url.pathname);
      if (!match) return;
      const reply = jsonReply(endResponse, fetchAPI);
      const source = sourceNamed(match[1]!);
      if (!source) return reply(404, { error: `No webhook for ${JSON.stringify(match[1])}; use one of ${SOURCE_NAMES.join(", ")}.` });
      if (request.method !== "POST") return reply(405, { error: "Send orders with POST." }, { allow: "POST" });
      const caller = await admitCaller(options.admit, request, reply);
      if (!caller) return;
      if (caller.scope !== "WRITE") return reply(403, { error: "This API key may only read; webhooks need a key with the write scope." });
      if (!/^application\/(.+\+)?json\b/i.test(request.headers.get("content-type") ?? "")) {
        return reply(415, { error: "Send the order as JSON (content-type: application/json)." });
      }
      let text: string;
      try {
        text = await request.text();
      } catch (error) {
        if (error instanceof BodyTooLarge) return reply(413, { error: error.message }, { connection: "close" });
        throw error;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        return reply(400, { error: `The body is not valid JSON: ${(error as Error).message}` });
      }
      // Refused before any walk: one level for the list of orders.
      if (nestedDeeperThan(body, MAX_JSON_DEPTH + 1))
        return reply(400, { error: `The body is nested deeper than ${MAX_JSON_DEPTH} levels.` });
      const payloads = Array.isArray(body) ? body : [body];
      if (payloads.length === 0) return reply(400, { error: "The body is an empty list: send at least one order." });
      if (payloads.length > MAX_PAYLOADS_PER_IMPORT) {
        return reply(413, { error: `Send at most ${MAX_PAYLOADS_PER_IMPORT} orders per request; got ${payloads.length}.` });
      }
      const results = await importPayloadsReturningIds(options.store, caller.workspaceId, source, payloads, options.outbox);
      publishImported(options.pubsub, caller.workspaceId, results);
      const failed = results.filter((r) => r.outcome === "ERROR").length;
      const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
      return reply(failed === 0 ? 200 : failed === results.length ? 422 : 207, {
        source: source as OrderSource,
        summary: { created: count("CREATED"), updated: count("UPDATED"), unchanged: count("UNCHANGED"), failed },
        results: results.map((r) => ({
          index: r.index,
          outcome: r.outcome,
          orderId: r.order ? encodeGlobalID("Order", r.order.id) : null,
          errors: r.errors,
        })),
      });
    },
  };
}
