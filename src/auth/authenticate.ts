// Who is calling: every GraphQL request and webhook carries
// `Authorization: Bearer <credential>`: an API key, or a signed-in user's
// JWT from an identity provider the workspace trusts. Refusals say what is
// wrong.

import { LRUCache } from "lru-cache";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Sql } from "../store/executor.js";
import { hashKey, verifyApiKey } from "./api-keys.js";
import type { Caller } from "./caller.js";
import { looksLikeJwt, TokenRefused } from "./tokens.js";

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
 * ask the database), and signed-in users' tokens. Keys are cached by their
 * hash, never in clear.
 */
export function createAuthenticator(sql: Sql, cacheSeconds: number, verifyToken: (token: string) => Promise<Caller>) {
  const cache = cacheSeconds > 0 ? new LRUCache<string, Caller>({ max: 10_000, ttl: cacheSeconds * 1000 }) : null;
  return async (request: Request): Promise<Caller> => {
    const presented = bearerToken(request);
    if (looksLikeJwt(presented)) {
      try {
        return await verifyToken(presented);
      } catch (error) {
        if (error instanceof TokenRefused) throw new RequestRefused(401, "UNAUTHENTICATED", error.message, CHALLENGE_TOKEN);
        throw error;
      }
    }
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
const CHALLENGE_TOKEN = { "www-authenticate": 'Bearer realm="order-gateway", error="invalid_token"' };

function bearerToken(request: Request): string {
  const header = request.headers.get("authorization");
  if (!header) {
    throw new RequestRefused(
      401,
      "UNAUTHENTICATED",
      "Send an API key or a signed-in user's token: Authorization: Bearer <credential>.",
      CHALLENGE,
    );
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new RequestRefused(401, "UNAUTHENTICATED", 'The Authorization header must read "Bearer <api key>".', CHALLENGE);
  }
  return match[1]!;
}

/**
 * Requests per minute per API key (or signed-in user), counted in this
 * process; with a publishable key, per client address as well, so that
 * guessing order numbers from one address is slow whatever the key.
 */
export function createRateLimiter(perMinute: number, publicPerAddress: number) {
  const perKey = perMinute > 0 ? new RateLimiterMemory({ points: perMinute, duration: 60 }) : null;
  const perAddress = publicPerAddress > 0 ? new RateLimiterMemory({ points: publicPerAddress, duration: 60, keyPrefix: "address" }) : null;
  const consume = async (limiter: RateLimiterMemory | null, key: string, what: string, limit: number) => {
    try {
      await limiter?.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new RequestRefused(429, "RATE_LIMITED", `Too many requests ${what} (limit ${limit} a minute); retry in ${seconds} s.`, {
        "retry-after": String(seconds),
      });
    }
  };
  return {
    async take(caller: Caller, clientAddress: string | undefined) {
      if (caller.scope === "PUBLIC" && clientAddress) {
        await consume(perAddress, clientAddress, "from this address with a publishable key", publicPerAddress);
      }
      await consume(perKey, caller.keyId, caller.prefix.startsWith("ogk_") ? "for this API key" : "for this user", perMinute);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
