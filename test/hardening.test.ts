// What a hostile client tries over real sockets: bodies on every path form,
// requests without keys, label floods in /metrics, WebSocket abuse and slow
// requests. Each class of attack gets one test.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type RunningServer, startServer } from "../src/server.js";
import { openTestDatabase, testConfig } from "./helpers.js";

let server: RunningServer;
let port: number;
let key: string;

const limits = { ...testConfig().limits, bodyBytes: 64 * 1024, webhookBodyBytes: 128 * 1024, socketsPerKey: 3, socketsPerAddress: 6 };

beforeAll(async () => {
  server = await startServer(
    testConfig({
      port: 0,
      limits,
      timeouts: { headersMs: 2000, requestMs: 2000, keepAliveMs: 2000 },
      metrics: { ...testConfig().metrics, maxOperations: 3 },
    }),
    await openTestDatabase(),
  );
  port = Number(new URL(server.url).port);
  key = server.demoKey!;
});
afterAll(() => server?.close());

type RawAnswer = { status: number; body: string; headers: IncomingMessage["headers"]; bodyBytesSent: number };

/**
 * Sends `chunks` of `chunkBytes` each as a chunked body (no Content-Length),
 * stopping as soon as the server answers; resolves with the answer.
 */
function streamBody(
  path: string,
  headers: Record<string, string>,
  chunks: number,
  chunkBytes = 16 * 1024,
  pauseMs = 0,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest({ port, path, method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers, bodyBytesSent: sent }));
      res.on("error", reject);
    });
    req.on("error", (error) => (answered ? undefined : reject(error)));
    req.write('{"query":"{ __typename }","variables":{"pad":"');
    const chunk = "x".repeat(chunkBytes);
    const pump = async () => {
      for (let i = 0; i < chunks && !answered && !req.destroyed; i++) {
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
        sent += chunkBytes;
        if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      }
      if (!answered && !req.destroyed) req.end('"}}');
    };
    pump().catch(() => {});
  });
}

describe("request bodies", () => {
  it("are limited while they stream on every path form of /graphql and on /webhooks", async () => {
    const auth = { authorization: `Bearer ${key}` };
    for (const path of ["/graphql", "/graphql/", "//graphql", "/graphql?x=1"]) {
      // 1 MB, slowly: the answer comes once the limit is passed.
      const answer = await streamBody(path, auth, 64, 16 * 1024, 5);
      expect(answer.status, path).toBe(413);
      expect(answer.body).toMatch(/larger than 65536 bytes/);
      expect(answer.headers.connection).toBe("close");
      expect(answer.bodyBytesSent, path).toBeLessThan(512 * 1024);
    }
    const webhook = await streamBody("/webhooks/malomo", auth, 64, 16 * 1024, 5);
    expect(webhook.status).toBe(413);
    expect(webhook.body).toMatch(/larger than 131072 bytes/);
    // Under the limit, a chunked body is served.
    expect((await streamBody("/graphql/", auth, 1, 1024)).status).toBe(200);
  });

  it("are never read without a valid key: the answer comes from the headers alone", async () => {
    for (const headers of [{}, { authorization: "Bearer ogk_not-a-key" }] as Record<string, string>[]) {
      for (const path of ["/graphql/", "//graphql", "/webhooks/malomo", "/no/such/route"]) {
        // A slow 100 MB body: the 401 arrives after the first chunk.
        const answer = await streamBody(path, headers, 6400, 16 * 1024, 5);
        expect(answer.status, path).toBe(401);
        expect(answer.headers.connection).toBe("close");
        expect(answer.bodyBytesSent, path).toBeLessThan(1024 * 1024);
      }
    }
  });
});

describe("/metrics", () => {
  const post = (body: object, headers: Record<string, string>) =>
    fetch(server.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  it("takes no label from unauthenticated requests and keeps a bounded set of operation names", async () => {
    const huge = `Op${"x".repeat(10_000)}`;
    for (let i = 0; i < 20; i++) await post({ query: `query ${huge}${i} { __typename }`, operationName: `${huge}${i}` }, {});
    const auth = { authorization: `Bearer ${key}` };
    for (const name of ["One", "Two", "Three", "Four", "Five", `Long${"y".repeat(100)}`]) {
      expect((await post({ query: `query ${name} { __typename }` }, auth)).status).toBe(200);
    }
    const text = await (await fetch(`http://localhost:${port}/metrics`)).text();
    expect(text).not.toMatch(/xxxxxxxx|yyyyyyyy/);
    const names = new Set([...text.matchAll(/graphql_envelop_request\{operationName="([^"]+)"/g)].map((m) => m[1]));
    // Unnamed operations (earlier tests) count as "anonymous".
    expect(names).toEqual(new Set(["anonymous", "One", "Two", "Three", "other"]));
    expect(text.length).toBeLessThan(100_000);
  });

  it("are readable only with the metrics token when one is set, and never in production without one", async () => {
    const base = testConfig({ port: 0, jobs: { ...testConfig().jobs, enabled: false } });
    const guarded = await startServer(
      { ...base, metrics: { ...base.metrics, token: "metrics-token-0123456789" } },
      await openTestDatabase(),
    );
    const production = await startServer({ ...base, env: "production" }, await openTestDatabase());
    const separate = await startServer({ ...base, env: "production", metrics: { ...base.metrics, port: 0 } }, await openTestDatabase());
    try {
      const at = (s: RunningServer) => s.url.replace("/graphql", "/metrics");
      expect((await fetch(at(guarded))).status).toBe(401);
      expect((await fetch(at(guarded), { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
      const read = await fetch(at(guarded), { headers: { authorization: "Bearer metrics-token-0123456789" } });
      expect(read.status).toBe(200);
      expect(await read.text()).toMatch(/gateway_outbound_queue_depth/);
      expect((await fetch(at(production))).status).toBe(403);
      // METRICS_PORT: a listener of their own; the API's port does not serve them.
      expect((await fetch(at(separate))).status).toBe(404);
      expect((await fetch(separate.metricsUrl!)).status).toBe(200);
    } finally {
      await Promise.all([guarded.close(), production.close(), separate.close()]);
    }
  });
});

describe("WebSockets", () => {
  const wsUrl = () => server.url.replace("http", "ws");

  /** Opens a raw graphql-ws socket and sends connection_init; resolves with the first message or the close. */
  function connect(
    params: Record<string, unknown>,
  ): Promise<{ socket: WebSocket; first: Promise<{ type?: string; code?: number; reason?: string }> }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl(), "graphql-transport-ws");
      const first = new Promise<{ type?: string; code?: number; reason?: string }>((done) => {
        socket.once("message", (data) => done(JSON.parse(String(data))));
        socket.once("close", (code, reason) => done({ code, reason: String(reason) }));
      });
      socket.once("open", () => {
        socket.send(JSON.stringify({ type: "connection_init", payload: params }));
        resolve({ socket, first });
      });
      socket.once("error", reject);
    });
  }

  it("refuses connection_init without a valid key with 4403, before acknowledging", async () => {
    for (const params of [{}, { authorization: "Bearer nope" }]) {
      const { first } = await connect(params);
      const answer = await first;
      expect(answer.type).toBeUndefined();
      expect(answer.code).toBe(4403);
      expect(answer.reason).toMatch(/API key/);
    }
  });

  it("closes a socket whose message is over the body limit", async () => {
    const socket = new WebSocket(wsUrl(), "graphql-transport-ws");
    await new Promise((r) => socket.once("open", r));
    const closed = new Promise<number>((r) => socket.once("close", (code) => r(code)));
    socket.send(JSON.stringify({ type: "connection_init", payload: { pad: "x".repeat(200 * 1024) } }));
    expect(await closed).toBe(1009);
  });

  it("answers a query or mutation sent over the socket with an error for it alone", async () => {
    let closes = 0;
    const client = createClient({
      url: wsUrl(),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
      on: { closed: () => closes++ },
    });
    try {
      let liveError: unknown;
      client.subscribe(
        { query: "subscription { shipmentStatusChanged { trackingCode } }" },
        { next: () => {}, error: (e) => (liveError = e), complete: () => {} },
      );
      for (const [query, message] of [
        ['mutation { createOrder(input: { number: "ws" }) { order { id } } }', /over HTTP/],
        ["{ orders { totalCount } }", /over HTTP/],
        ["{ not valid", /Syntax Error/],
        ["subscription { noSuchField }", /Cannot query field/],
      ] as const) {
        const error = await new Promise<unknown>((resolve) =>
          client.subscribe({ query }, { next: () => {}, error: resolve, complete: () => resolve(null) }),
        );
        expect(JSON.stringify(error)).toMatch(message);
      }
      // The socket and its first subscription are still there.
      expect(closes).toBe(0);
      expect(liveError).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });

  it("caps sockets per key and per client address", async () => {
    const opened: WebSocket[] = [];
    try {
      const answers = [];
      for (let i = 0; i < 4; i++) {
        const { socket, first } = await connect({ authorization: `Bearer ${key}` });
        opened.push(socket);
        answers.push(await first);
      }
      expect(answers.slice(0, 3).map((a) => a.type)).toEqual(["connection_ack", "connection_ack", "connection_ack"]);
      expect(answers[3]).toMatchObject({ code: 4429, reason: expect.stringMatching(/per API key/) });
      // The address holds 3 open sockets; 3 more that have not sent
      // connection_init yet reach its cap of 6.
      for (let i = 0; i < 3; i++) {
        const socket = new WebSocket(wsUrl(), "graphql-transport-ws");
        await new Promise((r) => socket.once("open", r));
        opened.push(socket);
      }
      const refused = await new Promise<number>((resolve) => {
        const socket = new WebSocket(wsUrl(), "graphql-transport-ws");
        socket.once("unexpected-response", (_req, res) => resolve(res.statusCode!));
        socket.once("open", () => {
          opened.push(socket);
          resolve(101);
        });
        socket.once("error", () => {});
      });
      expect(refused).toBe(429);
    } finally {
      for (const socket of opened) socket.close();
    }
  });
});

describe("slow clients", () => {
  it("are cut off once a request takes longer than REQUEST_TIMEOUT_MS to arrive", async () => {
    const started = performance.now();
    const answer = await streamBody("/graphql", { authorization: `Bearer ${key}` }, 100, 10, 200).catch((error: Error) => error);
    const took = performance.now() - started;
    expect(took).toBeLessThan(10_000);
    if (!(answer instanceof Error)) expect(answer.status).toBe(408);
  });

  it("leave a bulk upload BULK_UPLOAD_TIMEOUT_MS to arrive, not REQUEST_TIMEOUT_MS", async () => {
    const started = performance.now();
    const answer = await streamBody("/bulk/imports?source=malomo", { authorization: `Bearer ${key}` }, 8, 1024, 400);
    expect(performance.now() - started).toBeGreaterThan(3000);
    expect(answer.status).toBe(202);
  });
});
