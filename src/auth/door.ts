// The front door: the first plugin every HTTP request meets. A request is
// authenticated from its headers before any handler reads its body, so a
// caller without a valid key costs the server no more than its headers; a
// browser's request must come from an origin its credential allows; and the
// body of an admitted request is limited while it streams, whatever its path
// and whether or not it declares a Content-Length.
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { originAllowed } from "../domain/origins.js";
import { RequestRefused } from "./authenticate.js";
import type { Caller } from "./caller.js";

/** Thrown by an admitted request's body once it streams past its limit. */
export class BodyTooLarge extends GraphQLError {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`, {
      extensions: { code: "PAYLOAD_TOO_LARGE", http: { status: 413, headers: { connection: "close" } } },
    });
  }
}

export type DoorOptions = {
  authenticate: (request: Request) => Promise<Caller>;
  /** The largest body a path accepts, in bytes. */
  bodyLimit: (path: string) => number;
  /** Paths whose route counts the body itself as it streams (bulk uploads): the door checks only a declared length. */
  countedByRoute?: (path: string) => boolean;
  /** Paths anyone may reach without a key (they read no body). */
  publicPaths: ReadonlySet<string>;
  /** Take the client address from the last X-Forwarded-For entry (behind one proxy). */
  trustProxy: boolean;
};

const admissions = new WeakMap<Request, { caller: Caller; clientAddress: string | undefined }>();

/** The caller the door admitted this request for (undefined: a public route). */
export function callerOf(request: Request): Caller | undefined {
  return admissions.get(request)?.caller;
}

/** The address the request came from, as the door saw it. */
export function clientAddressOf(request: Request): string | undefined {
  return admissions.get(request)?.clientAddress;
}

/** Paths only the API's full credentials may use: source webhooks and bulk files. */
const KEY_ONLY_PATHS = /^\/(webhooks|bulk)\//;

export function frontDoor(options: DoorOptions): Plugin {
  return {
    async onRequest({ request, url, setRequest, endResponse, fetchAPI, serverContext }) {
      if (isPublic(request, url.pathname, options.publicPaths)) return;
      // Webhook senders read { error }; GraphQL clients { errors: [...] }.
      const body = (code: string, message: string) =>
        url.pathname.startsWith("/webhooks/") ? { error: message, code } : { errors: [{ message, extensions: { code } }] };
      const refuse = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
        endResponse(
          new fetchAPI.Response(JSON.stringify(body(code, message)), {
            status,
            // The body (if any) is left unread: the connection cannot be reused.
            headers: { "content-type": "application/json; charset=utf-8", connection: "close", ...headers },
          }),
        );
      let caller: Caller;
      try {
        caller = await options.authenticate(request);
      } catch (error) {
        if (error instanceof RequestRefused) return refuse(error.status, error.code, error.message, error.headers);
        throw error;
      }
      const origin = request.headers.get("origin");
      if (caller.scope === "PUBLIC" && !origin) {
        return refuse(403, "FORBIDDEN", "A publishable key works only from a web page on one of its allowed origins.");
      }
      if (origin && !originAllowed(origin, caller.allowedOrigins, url.host)) {
        return refuse(
          403,
          "FORBIDDEN",
          `Requests from ${origin} are not allowed with this credential: add the origin to its allowed origins.`,
        );
      }
      if ((caller.scope === "PUBLIC" || caller.scope === "CUSTOMER") && KEY_ONLY_PATHS.test(url.pathname)) {
        return refuse(403, "FORBIDDEN", "This path needs an API key with the read or write scope.");
      }
      const limit = options.bodyLimit(url.pathname);
      const declared = request.headers.get("content-length");
      if (declared != null && !/^\d+$/.test(declared)) return refuse(400, "BAD_REQUEST", "The Content-Length header is not a number.");
      if (declared != null && Number(declared) > limit)
        return refuse(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${limit} bytes.`);
      let admitted = request;
      // With a Content-Length, Node's HTTP parser never reads past it; without
      // one (chunked), the body is counted as it streams.
      if (declared == null && !options.countedByRoute?.(url.pathname) && request.body) {
        const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        let size = 0;
        const counted = request.body.pipeThrough(
          new Transform({
            transform(chunk: Uint8Array, controller: TransformStreamDefaultController<Uint8Array>) {
              size += chunk.byteLength;
              if (size > limit) controller.error(new BodyTooLarge(limit));
              else controller.enqueue(chunk);
            },
          }),
        );
        admitted = new fetchAPI.Request(request.url, {
          method: request.method,
          headers: request.headers,
          signal: request.signal,
          body: counted,
          duplex: "half",
        } as RequestInit);
        setRequest(admitted);
      }
      admissions.set(admitted, { caller, clientAddress: clientAddress(request, serverContext, options.trustProxy) });
    },
  };
}

/** The peer's address (Node's HTTP server puts its request in the server context), or the proxy's word for it. */
function clientAddress(request: Request, serverContext: unknown, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket?.remoteAddress;
}

function isPublic(request: Request, path: string, publicPaths: ReadonlySet<string>): boolean {
  if (publicPaths.has(path)) return true;
  // CORS preflights carry no credentials; GraphiQL's page (GET text/html) runs nothing.
  if (request.method === "OPTIONS") return true;
  return (request.method === "GET" || request.method === "HEAD") && !!request.headers.get("accept")?.includes("text/html");
}
