// What operators need around the API: /ready (the database answers),
// Prometheus metrics at /metrics, and one JSON log line per request with a
// request id that is also sent back in `x-request-id`.
import { randomUUID } from "node:crypto";
import { usePrometheus } from "@graphql-yoga/plugin-prometheus";
import type { Plugin } from "graphql-yoga";
import pino, { type Logger } from "pino";
import type { Registry } from "prom-client";
import type { Database } from "./db/index.js";

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}

/** 200 when the database answers within `timeoutMs`, else 503 with the reason. */
export function readiness(db: Database, timeoutMs = 2000): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== "/ready") return;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          db.sql("SELECT 1"),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
        ]);
        endResponse(fetchAPI.Response.json({ status: "ready" }));
      } catch (error) {
        endResponse(fetchAPI.Response.json({ status: "unavailable", reason: `database: ${(error as Error).message}` }, { status: 503 }));
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Request count, latency histogram and errors, by operation name; each gateway has its own registry. */
export function metrics(registry: Registry): Plugin {
  return usePrometheus({
    endpoint: "/metrics",
    registry,
    // What operators chart. The plugin's other defaults cost every request
    // a walk of the document (deprecated fields) or a t-digest (summary).
    metrics: {
      graphql_envelop_request: true,
      graphql_envelop_request_duration: true,
      graphql_envelop_error_result: true,
      graphql_yoga_http_duration: true,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_schema_change: false,
    },
  }) as Plugin;
}

const REQUEST_ID = /^[\w.-]{1,100}$/;

/** One log line per request, with its id (the caller's x-request-id when well-formed). */
export function requestLog(logger: Logger): Plugin {
  const started = new WeakMap<Request, { id: string; at: number; path: string }>();
  return {
    onRequest({ request, url }) {
      const given = request.headers.get("x-request-id");
      started.set(request, { id: given && REQUEST_ID.test(given) ? given : randomUUID(), at: performance.now(), path: url.pathname });
    },
    onResponse({ request, response }) {
      const start = started.get(request);
      if (!start) return;
      // Deleted now rather than left for a full collection to clear.
      started.delete(request);
      response.headers.set("x-request-id", start.id);
      if (start.path === "/health" || start.path === "/metrics" || !logger.isLevelEnabled("info")) return;
      logger.info({
        requestId: start.id,
        method: request.method,
        path: start.path,
        status: response.status,
        ms: Math.round((performance.now() - start.at) * 10) / 10,
      });
    },
  };
}
