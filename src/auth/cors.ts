// CORS: which browser origins may read the API's answers. A workspace lists
// the origins its keys and signed-in users call from, a publishable key its
// own; the gateway's own pages (GraphiQL) are always allowed. An origin that
// is not allowed gets no CORS headers at all, so the browser refuses the
// answer, and the front door refuses the request itself.
import type { Plugin } from "graphql-yoga";
import { originAllowed } from "../domain/origins.js";
import { callerOf } from "./door.js";

const ALLOWED_METHODS = "GET, POST, OPTIONS";
const ALLOWED_HEADERS = "Authorization, Content-Type, Accept, If-None-Match, X-GraphQL-CSRF, Apollo-Require-Preflight, Traceparent";
const EXPOSED_HEADERS = "ETag, Retry-After, X-Request-Id";

export type CorsOptions = {
  /** Every origin some workspace or publishable key allows (a preflight carries no credential to tell which). */
  knownOrigins: () => Promise<ReadonlySet<string>>;
  maxAgeSeconds: number;
};

export function corsPolicy(options: CorsOptions): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const origin = request.headers.get("origin");
      if (request.method !== "OPTIONS" || !origin || !request.headers.get("access-control-request-method")) return;
      const allowed = originAllowed(origin, [...(await options.knownOrigins())], url.host);
      endResponse(
        new fetchAPI.Response(null, {
          status: 204,
          headers: allowed
            ? {
                "access-control-allow-origin": origin,
                "access-control-allow-methods": ALLOWED_METHODS,
                "access-control-allow-headers": ALLOWED_HEADERS,
                "access-control-max-age": String(options.maxAgeSeconds),
                vary: "Origin",
              }
            : { vary: "Origin" },
        }),
      );
    },
    onResponse({ request, response }) {
      const origin = request.headers.get("origin");
      // The door admits a request only from an origin its credential allows.
      if (!origin || !callerOf(request)) return;
      response.headers.set("access-control-allow-origin", origin);
      response.headers.set("access-control-expose-headers", EXPOSED_HEADERS);
      response.headers.append("vary", "Origin");
    },
  };
}

/** `load`'s answer, kept for `ttlMs` (0: asked each time). */
export function cachedFor<T>(ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  let cached: { value: Promise<T>; until: number } | null = null;
  return () => {
    if (cached && Date.now() < cached.until) return cached.value;
    const value = load();
    cached = { value, until: Date.now() + ttlMs };
    value.catch(() => {
      cached = null;
    });
    return value;
  };
}
