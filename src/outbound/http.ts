// Calls to sources and to partners' webhook endpoints: a timeout on every
// call, a cap on what a response may weigh, and (unless configured open) no
// connections to loopback, private or link-local addresses, checked against
// the address actually dialled so a DNS answer cannot slip one past.
import { type LookupAddress, lookup } from "node:dns";
import { lookup as lookupAsync } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, fetch } from "undici";

/** Why a call got no HTTP answer: not reachable, too slow, or refused before dialling. */
export class OutboundError extends Error {
  constructor(
    message: string,
    readonly kind: "network" | "timeout" | "private-target" | "too-large" | "invalid-url",
  ) {
    super(message);
  }

  /** No retry can help: the target is refused or the URL cannot be used. */
  get permanent(): boolean {
    return this.kind === "private-target" || this.kind === "invalid-url";
  }
}

export type OutboundRequest = { method: string; url: string; headers?: Record<string, string>; body?: string };
export type OutboundResponse = { status: number; headers: Headers; text: string };

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

// The only IPv6 block of global unicast addresses. Everything outside it is
// refused, which covers every form that embeds an IPv4 address
// (IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96), unique-local, link-local
// and the rest; inside it, ipaddr.js's special ranges (6to4, Teredo,
// documentation, ...) are refused too.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

/** Whether an address is ordinary public unicast (not loopback, private, link-local, CGNAT, multicast, reserved...). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv4") return parsed.range() === "unicast";
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() === "unicast";
  return v6.match(GLOBAL_UNICAST_V6) && v6.range() === "unicast";
}

/** The host name or address, IPv6 without its brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, "");

/** A user-facing reason why `url` may not be called, or null when it may. */
export async function targetProblem(url: string, allowPrivate: boolean): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an absolute http:// or https:// URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "must be an http:// or https:// URL";
  if (parsed.username || parsed.password) return "must not carry credentials; the token goes in apiToken";
  if (allowPrivate) return null;
  const host = hostOf(parsed);
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookupAsync(host, { all: true })).map((entry) => entry.address);
  } catch {
    return `host ${host} does not resolve`;
  }
  const blocked = addresses.find((address) => !isPublicAddress(address));
  return blocked ? `resolves to ${blocked}, a loopback, private or link-local address` : null;
}

export type OutboundHttp = { send(request: OutboundRequest): Promise<OutboundResponse>; close(): Promise<void> };

export function createOutboundHttp(options: { timeoutMs: number; allowPrivateTargets: boolean }): OutboundHttp {
  const guardedLookup = (
    hostname: string,
    lookupOptions: { all?: boolean },
    callback: (error: Error | null, address?: string | LookupAddress[], family?: number) => void,
  ) => {
    lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error);
      const blocked = addresses.find((entry) => !isPublicAddress(entry.address));
      if (blocked) return callback(new OutboundError(`${hostname} resolves to ${blocked.address}, a private address`, "private-target"));
      if (lookupOptions.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const agent = new Agent({
    connect: options.allowPrivateTargets ? { timeout: options.timeoutMs } : { timeout: options.timeoutMs, lookup: guardedLookup as never },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });

  return {
    async send(request) {
      const problem = await literalProblem(request.url, options.allowPrivateTargets);
      if (problem) throw problem;
      let response;
      try {
        response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          dispatcher: agent,
          redirect: "manual",
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        throw describe(error, options.timeoutMs);
      }
      try {
        return { status: response.status, headers: response.headers as unknown as Headers, text: await readCapped(response.body) };
      } catch (error) {
        throw describe(error, options.timeoutMs);
      }
    },
    close: () => agent.close(),
  };
}

/** IP literals never go through DNS, so they are checked before dialling. */
async function literalProblem(url: string, allowPrivate: boolean): Promise<OutboundError | null> {
  let host: string;
  try {
    host = hostOf(new URL(url));
  } catch {
    return new OutboundError(`Invalid URL ${url}`, "invalid-url");
  }
  if (allowPrivate || !isIP(host) || isPublicAddress(host)) return null;
  return new OutboundError(`${host} is a loopback, private or link-local address`, "private-target");
}

async function readCapped(body: AsyncIterable<Uint8Array> | null): Promise<string> {
  if (!body) return "";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) throw new OutboundError(`response larger than ${MAX_RESPONSE_BYTES} bytes`, "too-large");
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString("utf8");
}

function describe(error: unknown, timeoutMs: number): OutboundError {
  if (error instanceof OutboundError) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof OutboundError) return cause;
  const name = (error as Error).name;
  if (name === "TimeoutError" || name === "AbortError" || /timeout/i.test(String((cause as Error | undefined)?.name ?? ""))) {
    return new OutboundError(`no answer within ${timeoutMs} ms`, "timeout");
  }
  const reason = (cause as Error | undefined)?.message ?? (error as Error).message;
  return new OutboundError(`connection failed: ${reason}`, "network");
}
