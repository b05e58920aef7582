// What operators need around the API: /ready (the database answers),
// Prometheus metrics at /metrics (metricsRefusal says who may read them), and
// one JSON log line per request with a request id that is also sent back in
// `x-request-id`.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import pino, { type Logger } from "pino";
import { Counter, Histogram, type Registry } from "prom-client";
import type { Database } from "./db/index.js";
import { pendingMigrations } from "./db/migrate.js";

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}

/**
 * 200 when the database answers within `timeoutMs` and holds every migration
 * this build ships, else 503 with the reason. Anyone may ask, so the reason
 * names no database, host or user: an error code at most.
 */
export function readiness(db: Database, timeoutMs = 2000): Plugin {
  const check = async () => {
    const pending = await pendingMigrations((text) => db.sql<Record<string, unknown>>(text));
    if (pending.length) throw new NotReady(`schema: ${pending.length} migration(s) not applied`);
  };
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== "/ready") return;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise(
            (_, reject) => (timer = setTimeout(() => reject(new NotReady(`database: no answer within ${timeoutMs} ms`)), timeoutMs)),
          ),
        ]);
        endResponse(fetchAPI.Response.json({ status: "ready" }));
      } catch (error) {
        endResponse(fetchAPI.Response.json({ status: "unavailable", reason: notReadyReason(error) }, { status: 503 }));
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

class NotReady extends Error {}

function notReadyReason(error: unknown): string {
  if (error instanceof NotReady) return error.message;
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  if (typeof code === "string" && /^[A-Z0-9_]{2,40}$/i.test(code)) return `database: ${code}`;
  return `database: ${(error as Error).name === "DriverAdapterError" ? "DatabaseNotReachable" : "unavailable"}`;
}

/**
 * Request count, latency and errors by operation, and HTTP durations by route.
 * Labels never take unbounded values from clients: only executed (so
 * authenticated) operations are named, names are checked and length-limited,
 * at most `maxOperations` distinct names are kept (the rest count as "other"),
 * and HTTP routes are a fixed set.
 */
export function metrics(registry: Registry, options: { maxOperations: number } & MetricsAccess): Plugin {
  const requests = new Counter({
    name: "graphql_envelop_request",
    help: "GraphQL operations executed.",
    labelNames: ["operationName", "operationType"],
    registers: [registry],
  });
  const durations = new Histogram({
    name: "graphql_envelop_request_duration",
    help: "Time to execute a GraphQL operation, in seconds.",
    labelNames: ["operationName", "operationType"],
    registers: [registry],
  });
  const errors = new Counter({
    name: "graphql_envelop_error_result",
    help: "GraphQL operations whose result holds errors.",
    labelNames: ["operationName", "operationType"],
    registers: [registry],
  });
  const http = new Histogram({
    name: "graphql_yoga_http_duration",
    help: "Time to answer an HTTP request, in seconds.",
    labelNames: ["route", "method", "statusCode"],
    registers: [registry],
  });
  const operationName = operationLabels(options.maxOperations);
  const started = new WeakMap<Request, { at: number; route: string }>();
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      started.set(request, { at: performance.now(), route: routeOf(url.pathname) });
      if (url.pathname !== "/metrics") return;
      const refusal = metricsRefusal(request.headers.get("authorization"), options);
      if (refusal) return endResponse(fetchAPI.Response.json({ error: refusal.message }, { status: refusal.status }));
      endResponse(new fetchAPI.Response(await registry.metrics(), { headers: { "content-type": registry.contentType } }));
    },
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      const labels = { operationName: operationName(operation?.name?.value), operationType: operation?.operation ?? "unknown" };
      const start = performance.now();
      return {
        onExecuteDone({ result }) {
          requests.inc(labels);
          durations.observe(labels, (performance.now() - start) / 1000);
          if (!isAsyncIterable(result) && result.errors?.length) errors.inc(labels);
        },
      };
    },
    onResponse({ request, response }) {
      const start = started.get(request);
      if (start === undefined) return;
      started.delete(request);
      http.observe(
        { route: start.route, method: METHODS.has(request.method) ? request.method : "OTHER", statusCode: response.status },
        (performance.now() - start.at) / 1000,
      );
    },
  };
}

/** Who may read /metrics on a listener: null when allowed, else the answer to give. */
export type MetricsAccess = {
  token: string | undefined;
  /** False on the API's port when METRICS_PORT is set. */
  servedHere: boolean;
  /** Production on the API's port: no anonymous readers. */
  tokenRequired: boolean;
};

export function metricsRefusal(
  authorization: string | null | undefined,
  options: MetricsAccess,
): { status: number; message: string } | null {
  if (!options.servedHere) return { status: 404, message: "Not found." };
  if (options.token) {
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1] ?? "";
    const a = createHash("sha256").update(presented).digest();
    const b = createHash("sha256").update(options.token).digest();
    return timingSafeEqual(a, b) ? null : { status: 401, message: "Send the metrics token: Authorization: Bearer <METRICS_TOKEN>." };
  }
  if (options.tokenRequired) return { status: 403, message: "Set METRICS_TOKEN, or METRICS_PORT to serve metrics on a port of their own." };
  return null;
}

const METHODS = new Set(["GET", "POST", "HEAD", "OPTIONS"]);
const ROUTES = new Set(["/graphql", "/health", "/ready", "/metrics"]);

function routeOf(path: string): string {
  if (ROUTES.has(path)) return path;
  if (path.startsWith("/webhooks/")) return "/webhooks";
  return "other";
}

const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** A bounded label for operation names: the first `max` valid names, then "other". */
export function operationLabels(max: number): (name: string | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (!name) return "anonymous";
    if (!OPERATION_NAME.test(name)) return "other";
    if (seen.has(name)) return name;
    if (seen.size >= max) return "other";
    seen.add(name);
    return name;
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
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
