// Who is calling: every GraphQL request and webhook carries
// `Authorization: Bearer <api key>`. Refusals say what is wrong.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Sql } from "../db/sql.js";
import { verifyApiKey, type Caller } from "./api-keys.js";

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

export async function authenticate(sql: Sql, request: Request): Promise<Caller> {
  const header = request.headers.get("authorization");
  const challenge = { "www-authenticate": 'Bearer realm="order-gateway"' };
  if (!header) {
    throw new RequestRefused(401, "UNAUTHENTICATED", "Send an API key: Authorization: Bearer <api key>.", challenge);
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new RequestRefused(401, "UNAUTHENTICATED", 'The Authorization header must read "Bearer <api key>".', challenge);
  }
  const caller = await verifyApiKey(sql, match[1]!);
  if (!caller) throw new RequestRefused(401, "UNAUTHENTICATED", "The API key is not valid: it is unknown or was revoked.", challenge);
  return caller;
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
        throw new RequestRefused(429, "RATE_LIMITED", `Too many requests for this API key (limit ${perMinute} a minute); retry in ${seconds} s.`, {
          "retry-after": String(seconds),
        });
      }
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
