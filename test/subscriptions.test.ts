import type { ChildProcess } from "node:child_process";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket as NodeWebSocket } from "ws";
import { createApiKey } from "../src/auth/api-keys.js";
import { openPostgres } from "../src/db/index.js";
import { DEMO_WORKSPACE, ensureWorkspace } from "../src/db/workspaces.js";
import { type RunningServer, startServer } from "../src/server.js";
import { createPostgresTestDatabase, createTestGateway, openTestDatabase, type TestGateway, testConfig } from "./helpers.js";
import { startServerProcess, stopServerProcess } from "./processes.js";

const decoder = new TextDecoder();

/** The `data` of each server-sent event of a response. */
async function* events(response: Response): AsyncGenerator<any> {
  const reader = response.body!.getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trim())
        .join("");
      if (data) yield JSON.parse(data);
    }
  }
}

function subscribeSse(base: string, key: string, query: string, variables: Record<string, unknown>, fetcher: typeof fetch = fetch) {
  const body = JSON.stringify({ query, variables });
  return fetcher(`${base}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      "content-length": String(Buffer.byteLength(body)),
      authorization: `Bearer ${key}`,
    },
    body,
  });
}

const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

describe("over SSE", () => {
  let gw: TestGateway;
  let orderId: string;
  beforeAll(async () => {
    gw = await createTestGateway();
    const created = await gw.graphql(
      `mutation { createOrder(input: { externalId: "live-1", shipments: [{ carrier: "ups", trackingCode: "LIVE1" }] }) { order { id } } }`,
    );
    orderId = created.data.createOrder.order.id;
  });
  afterAll(() => gw.close());
  const inProcess = ((url: string, init: RequestInit) => gw.yoga.fetch(url, init)) as typeof fetch;

  it("delivers the order after each committed change, and history entries as they are recorded", async () => {
    const updates = events(
      await subscribeSse(
        "http://localhost",
        gw.key,
        `subscription($order: ID!) { orderUpdated(id: $order) { version paymentStatus } }`,
        { order: orderId },
        inProcess,
      ),
    );
    const history = events(
      await subscribeSse(
        "http://localhost",
        gw.key,
        `subscription($id: ID!) { orderEvents(orderId: $id) { type label } }`,
        { id: orderId },
        inProcess,
      ),
    );
    const nextUpdate = updates.next();
    const nextEntry = history.next();
    await settle();
    await gw.graphql(`mutation($id: ID!) { updateOrder(id: $id, input: { paymentStatus: "paid" }) { errors { code } } }`, { id: orderId });
    expect((await nextUpdate).value).toEqual({ data: { orderUpdated: { version: 2, paymentStatus: "paid" } } });
    expect((await nextEntry).value).toEqual({ data: { orderEvents: { type: "order.updated", label: "Order updated" } } });
    await updates.return(undefined);
    await history.return(undefined);
  });

  it("tells the workspace when a webhook import moves a shipment", async () => {
    const native = {
      id: "m-live",
      alternate_id: "live-import",
      shipments: [{ carrier: "usps", tracking_code: "LIVEIMPORT", scan_events: [] }],
    };
    const push = (body: unknown) =>
      gw.yoga.fetch("http://localhost/webhooks/malomo", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${gw.key}` },
        body: JSON.stringify(body),
      });
    await push(native);
    const changes = events(
      await subscribeSse("http://localhost", gw.key, `subscription { shipmentStatusChanged { trackingCode status } }`, {}, inProcess),
    );
    const next = changes.next();
    await settle();
    await push({
      ...native,
      updated_at: "2030-01-01T00:00:00Z",
      shipments: [{ ...native.shipments[0], scan_events: [{ scanned_at: "2030-01-01T00:00:00Z", status: "delivered" }] }],
    });
    expect((await next).value).toEqual({ data: { shipmentStatusChanged: { trackingCode: "LIVEIMPORT", status: "DELIVERED" } } });
    await changes.return(undefined);
  });

  it("refuses to watch another workspace's order", async () => {
    const other = await gw.keyFor("someone-else", "READ");
    const stream = events(
      await subscribeSse(
        "http://localhost",
        other,
        `subscription($id: ID!) { orderUpdated(id: $id) { version } }`,
        { id: orderId },
        inProcess,
      ),
    );
    const first = (await stream.next()).value;
    expect(first.errors[0]).toMatchObject({ message: "No order with that id.", extensions: { code: "NOT_FOUND" } });
  });
});

describe("over WebSocket", () => {
  let server: RunningServer;
  let key: string;
  beforeAll(async () => {
    server = await startServer(testConfig({ port: 0 }), await openTestDatabase());
    key = server.demoKey!;
    const body = JSON.stringify({
      query: `mutation { createOrder(input: { externalId: "ws-1", shipments: [{ carrier: "usps", trackingCode: "WS1" }] }) { errors { code } } }`,
    });
    await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body });
  });
  afterAll(() => server.close());

  it("tells the workspace when a shipment's status changes, and refuses a bad key", async () => {
    const url = server.url.replace("http", "ws");
    const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key}` }, lazy: false });
    const received: unknown[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: `subscription { shipmentStatusChanged { trackingCode status } }` },
        {
          next: (value) => {
            received.push(value);
            resolve();
          },
          error: reject,
          complete: () => resolve(),
        },
      );
    });
    await settle(500);
    const body = JSON.stringify({
      query: `mutation { recordScanEvents(carrier: "usps", trackingCode: "WS1", events: [{ scannedAt: "2026-05-01T00:00:00Z", status: IN_TRANSIT }]) { errors { code } } }`,
    });
    await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body });
    await done;
    expect(received).toEqual([{ data: { shipmentStatusChanged: { trackingCode: "WS1", status: "IN_TRANSIT" } } }]);
    await client.dispose();

    const stranger = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: "Bearer nope" }, retryAttempts: 0 });
    const refusal = await new Promise<any>((resolve) => {
      stranger.subscribe(
        { query: `subscription { shipmentStatusChanged { status } }` },
        { next: () => {}, error: resolve, complete: () => resolve(null) },
      );
    });
    // Refused before the connection is acknowledged.
    expect(refusal.code).toBe(4403);
    expect(refusal.reason).toMatch(/API key/);
    await stranger.dispose();

    // A page on an origin the workspace does not allow cannot open one with its key.
    class FromElsewhere extends NodeWebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { origin: "https://elsewhere.example" });
      }
    }
    const elsewhere = createClient({
      url,
      webSocketImpl: FromElsewhere,
      connectionParams: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
    });
    const refused = await new Promise<any>((resolve) => {
      elsewhere.subscribe(
        { query: `subscription { shipmentStatusChanged { status } }` },
        { next: () => {}, error: resolve, complete: () => resolve(null) },
      );
    });
    expect(refused.code).toBe(4403);
    expect(refused.reason).toMatch(/elsewhere.example are not allowed/);
    await elsewhere.dispose();
  });
});

// Two server processes on one PostgreSQL and one Redis: a change made through
// one reaches a subscriber on the other. (The embedded database serves one
// process at a time, so this runs against PostgreSQL.)
describe.skipIf(!process.env.DATABASE_URL)("across instances through Redis", () => {
  const children: ChildProcess[] = [];
  let dropDatabase = async () => {};
  afterAll(async () => {
    await Promise.all(children.map((child) => stopServerProcess(child)));
    await dropDatabase();
  });

  async function startInstance(env: Record<string, string>): Promise<string> {
    const { base, child } = await startServerProcess({ ...env, NODE_ENV: "production", ENCRYPTION_KEY: "0".repeat(64) });
    children.push(child);
    return base;
  }

  it("delivers a change made on one instance to a subscriber on the other", async () => {
    const database = await createPostgresTestDatabase();
    dropDatabase = database.drop;
    const db = await openPostgres(database.url, { migrate: false });
    const workspace = await ensureWorkspace(db.sql, DEMO_WORKSPACE);
    const { key } = await createApiKey(db.prisma, workspace.id, "WRITE");
    await db.close();
    const env = { DATABASE_URL: database.url, REDIS_URL: "redis://127.0.0.1:6379" };
    const [a, b] = await Promise.all([startInstance(env), startInstance(env)]);

    const post = (base: string, query: string, variables = {}) =>
      fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      }).then((r) => r.json());
    const created = await post(b, `mutation { createOrder(input: { externalId: "redis-1" }) { order { id } } }`);
    const id = created.data.createOrder.order.id;
    const updates = events(await subscribeSse(a, key, `subscription($id: ID!) { orderUpdated(id: $id) { number version } }`, { id }));
    const next = updates.next();
    await settle(800);
    await post(b, `mutation($id: ID!) { updateOrder(id: $id, input: { number: "via-b" }) { errors { code } } }`, { id });
    expect((await next).value).toEqual({ data: { orderUpdated: { number: "via-b", version: 2 } } });
    await updates.return(undefined);
  }, 120_000);
});
