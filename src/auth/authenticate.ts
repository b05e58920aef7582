// Who is calling: every GraphQL request and webhook carries
// `Authorization: Bearer <api key>`. Refusals say what is wrong.

import { LRUCache } from "lru-cache";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Sql } from "../store/executor.js";
import { type Caller, hashKey, verifyApiKey } from "./api-keys.js";

/** A request refused before it runs, with the HTTP status to answer. */
export class RequestRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: "UNAUTHENTICATED" | "FORBIDDEN" | "RATE_LIMITED",
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Verifies API keys, trusting a verified key for `cacheSeconds` (0: always
 * ask the database). Keys are cached by their hash, never in clear.
 */
export function createAuthenticator(sql: Sql, cacheSeconds: number) {
  const cache = cacheSeconds > 0 ? new LRUCache<string, Caller>({ max: 10_000, ttl: cacheSeconds * 1000 }) : null;
  return async (request: Request): Promise<Caller> => {
    const presented = bearerToken(request);
    const cacheKey = cache ? hashKey(presented) : "";
    const cached = cache?.get(cacheKey);
    if (cached) return cached;
    const caller = await verifyApiKey(sql, presented);
    if (!caller) throw new RequestRefused(401, "UNAUTHENTICATED", "The API key is not valid: it is unknown or was revoked.", CHALLENGE);
    cache?.set(cacheKey, caller);
    return caller;
  };
}

const CHALLENGE = { "www-authenticate": 'Bearer realm="order-gateway"' };

function bearerToken(request: Request): string {
  const header = request.headers.get("authorization");
  if (!header) {
    throw new RequestRefused(401, "UNAUTHENTICATED", "Send an API key: Authorization: Bearer <api key>.", CHALLENGE);
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new RequestRefused(401, "UNAUTHENTICATED", 'The Authorization header must read "Bearer <api key>".', CHALLENGE);
  }
  return match[1]!;
}

/** Requests per minute per API key, counted in this process. */
export function createRateLimiter(perMinute: number) {
  if (perMinute <= 0) return { async take() {} };
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  return {
    async take(caller: Caller) {
      try {
        await limiter.consume(caller.keyId);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new RequestRefused(
          429,
          "RATE_LIMITED",
          `Too many requests for this API key (limit ${perMinute} a minute); retry in ${seconds} s.`,
          {
            "retry-after": String(seconds),
          },
        );
      }
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
