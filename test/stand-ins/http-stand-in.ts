// A local HTTP server standing in for a source or a partner: it records every
// request and answers through a handler, unless a fault queued for the next
// requests says otherwise (429 with Retry-After, 500, a slow answer, a
// malformed body).
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type Recorded = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
  json: any;
  at: number;
};

export type Reply = { status?: number; headers?: Record<string, string>; json?: unknown; text?: string; delayMs?: number };
export type Handler = (request: Recorded) => Reply | Promise<Reply>;

export type StandIn = {
  url: string;
  requests: Recorded[];
  /** Answers the next requests with these replies, in order, before the handler is asked again. */
  fail(...replies: Reply[]): void;
  /** Resolves once `count` requests (in all) have arrived. */
  waitForRequests(count: number, timeoutMs?: number): Promise<Recorded[]>;
  close(): Promise<void>;
};

export async function startStandIn(handler: Handler): Promise<StandIn> {
  const requests: Recorded[] = [];
  const faults: Reply[] = [];
  const waiters = new Set<() => void>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://stand-in");
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const recorded: Recorded = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json,
      at: Date.now(),
    };
    requests.push(recorded);
    for (const wake of waiters) wake();
    const reply = faults.shift() ?? (await handler(recorded));
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    const text = reply.text ?? (reply.json === undefined ? "" : JSON.stringify(reply.json));
    res.writeHead(reply.status ?? 200, { ...(reply.json !== undefined ? { "content-type": "application/json" } : {}), ...reply.headers });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fail: (...replies) => faults.push(...replies),
    waitForRequests(count, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(requests.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waited ${timeoutMs} ms for ${count} requests, got ${requests.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
