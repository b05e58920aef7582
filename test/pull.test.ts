// Pulling from sources: every page imported through the same upsert as
// importOrders, the position saved after each batch of pages, one pull at a time.
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createGateway } from "../src/server.js";
import { createTestGateway, type TestGateway } from "./helpers.js";
import { eventually, outboundConfig } from "./outbound-helpers.js";
import { payload } from "./sources/payloads.js";
import { STAND_IN_TOKEN, startMalomo, startStorefront } from "./stand-ins/sources.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway(outboundConfig({}, { pullPageSize: 2 }));
});
afterAll(() => gw?.close());

function malomoOrders(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const order = payload("malomo-order.json");
    order.id = `m-${i + 1}`;
    order.alternate_id = `pull-${i + 1}`;
    order.number = `P${i + 1}`;
    order.shipments[0].tracking_code = `PULL${i + 1}`;
    return order;
  });
}

function storefrontOrders(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const order = payload("storefront-order.json");
    order.id = 9000 + i;
    order.number = 9000 + i;
    order.shipping_tracking_number = `SFPULL${i}`;
    return order;
  });
}

async function connect(source: string, baseUrl: string, target: TestGateway = gw, extra: Record<string, unknown> = {}) {
  const result = await target.graphql(
    `mutation($input: SourceConnectionInput!) { upsertSourceConnection(input: $input) { connection { id } errors { code message } } }`,
    {
      input: { source, baseUrl, apiToken: STAND_IN_TOKEN, ...extra },
    },
  );
  expect(result.data.upsertSourceConnection.errors).toEqual([]);
  return result.data.upsertSourceConnection.connection.id as string;
}

const SYNC = `connection { source lastPulledAt lastError } created updated unchanged failed errors { code message path }`;
const sync = async (source: string, target: TestGateway = gw) =>
  (await target.graphql(`mutation($source: OrderSource!) { syncSource(source: $source) { ${SYNC} } }`, { source })).data.syncSource;

describe("syncSource", () => {
  it("pages through Malomo with its next cursor, and a second run changes nothing", async () => {
    const malomo = await startMalomo({ orders: malomoOrders(5), pageSize: 2 });
    onTestFinished(() => malomo.close());
    await connect("MALOMO", malomo.url);
    const first = await sync("MALOMO");
    expect(first).toMatchObject({
      created: 5,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
      connection: { source: "MALOMO", lastError: null, lastPulledAt: expect.any(String) },
    });
    expect(malomo.requests.map((r) => `${r.path}?${r.query}`)).toEqual([
      "/orders?",
      "/orders?next=m-2",
      "/orders?next=m-4",
      "/orders?next=m-5",
    ]);
    expect(malomo.requests.every((r) => r.headers.authorization === `Bearer ${STAND_IN_TOKEN}`)).toBe(true);
    const orders = await gw.graphql(
      `{ orders(filter: { source: MALOMO }, first: 10) { totalCount } byExternal: orderByExternalId(source: MALOMO, externalId: "pull-3") { number sourceOrderId } }`,
    );
    expect(orders.data.orders.totalCount).toBe(5);
    expect(orders.data.byExternal).toEqual({ number: "P3", sourceOrderId: "m-3" });

    expect(await sync("MALOMO")).toMatchObject({ created: 0, updated: 0, unchanged: 5, failed: 0 });
  });

  it("pages through the storefront until a short page, and resumes after a failed page", async () => {
    const storefront = await startStorefront(storefrontOrders(5));
    onTestFinished(() => storefront.close());
    await connect("STOREFRONT", storefront.url);
    storefront.fail({ status: 200, json: storefrontOrders(2) }, { status: 500, text: "database is down" });
    const broken = await sync("STOREFRONT");
    expect(broken).toMatchObject({
      created: 2,
      errors: [{ code: "SOURCE_ERROR", path: ["source"], message: 'Storefront refused the page at "2": HTTP 500: database is down' }],
      connection: { lastError: 'Storefront refused the page at "2": HTTP 500: database is down', lastPulledAt: null },
    });
    const resumed = await sync("STOREFRONT");
    expect(resumed).toMatchObject({
      created: 3,
      unchanged: 0,
      errors: [],
      connection: { lastError: null, lastPulledAt: expect.any(String) },
    });
    expect(storefront.requests.map((r) => r.query.get("page"))).toEqual(["1", "2", "2", "3"]);
    expect(storefront.requests.every((r) => r.query.get("size") === "2")).toBe(true);
  });

  it("names a bad order by its page and its place in that page, and imports the rest", async () => {
    const orders = malomoOrders(5).map((order) => ({ ...order, alternate_id: `placed-${order.id}` }));
    orders.forEach((order, i) => {
      order.shipments[0].tracking_code = `PLACED${i}`;
    });
    orders[0].shipments = "none";
    orders[3].shipments = "none";
    const malomo = await startMalomo({ orders, pageSize: 2 });
    onTestFinished(() => malomo.close());
    const target = await createTestGateway(outboundConfig({}, { pullPageSize: 2 }));
    onTestFinished(() => target.close());
    await connect("MALOMO", malomo.url, target);
    const result = await sync("MALOMO", target);
    expect(result).toMatchObject({ created: 3, failed: 2 });
    expect(result.errors.map((error: { path: string[] }) => error.path)).toEqual([
      ["page", "first", "0", "shipments"],
      ["page", "m-2", "1", "shipments"],
    ]);
  });

  it("fails a malformed page whole, writing nothing from it", async () => {
    const malomo = await startMalomo({ orders: malomoOrders(1), pageSize: 2 });
    onTestFinished(() => malomo.close());
    const target = await createTestGateway(outboundConfig());
    onTestFinished(() => target.close());
    await connect("MALOMO", malomo.url, target);
    malomo.fail({ text: '[{"id": "m-1", "alternate_id": "x"' });
    const notJson = await sync("MALOMO", target);
    expect(notJson.errors[0]).toMatchObject({
      code: "SOURCE_ERROR",
      message: expect.stringMatching(/^Malomo sent a malformed first page, so nothing of it was imported: it is not JSON/),
    });
    malomo.fail({ json: { orders: malomoOrders(1) } });
    const notAList = await sync("MALOMO", target);
    expect(notAList.errors[0].message).toBe(
      "Malomo sent a malformed first page, so nothing of it was imported: Invalid Malomo orders page: (payload): must be a JSON array of orders",
    );
    expect((await target.graphql(`{ orders { totalCount } }`)).data.orders.totalCount).toBe(0);
  });

  it("lets one pull run at a time", async () => {
    const storefront = await startStorefront([]);
    onTestFinished(() => storefront.close());
    const target = await createTestGateway(outboundConfig());
    onTestFinished(() => target.close());
    await connect("STOREFRONT", storefront.url, target);
    storefront.fail({ json: [], delayMs: 800 });
    const [a, b] = await Promise.all([sync("STOREFRONT", target), sync("STOREFRONT", target)]);
    const errors = [a, b].flatMap((result) => result.errors);
    expect(errors).toEqual([
      { code: "CONFLICT", path: ["source"], message: "A pull of Storefront is already running; try again when it has finished." },
    ]);
  });

  it("refuses sources without an order list, and unconnected sources", async () => {
    const target = await createTestGateway(outboundConfig());
    onTestFinished(() => target.close());
    expect((await sync("FLEXPORT", target)).errors).toEqual([
      { code: "VALIDATION", path: ["source"], message: "Flexport's API has no order list to pull from." },
    ]);
    expect((await sync("MALOMO", target)).errors).toEqual([
      { code: "NOT_FOUND", path: ["source"], message: "There is no Malomo connection; add one with upsertSourceConnection." },
    ]);
    const refused = await target.graphql(
      `mutation { upsertSourceConnection(input: { source: FLEXPORT, baseUrl: "http://127.0.0.1:1", apiToken: "t", pullIntervalSeconds: 300 }) { errors { code path } } }`,
    );
    expect(refused.data.upsertSourceConnection.errors).toEqual([{ code: "VALIDATION", path: ["input", "pullIntervalSeconds"] }]);
  });
});

describe("order of arrival", () => {
  it("never moves a status backwards or drops later scans, whichever way the payloads come", async () => {
    const [newest] = malomoOrders(1).map((order) => ({ ...order, id: "ooo-1", alternate_id: "ooo-1", updated_at: "2019-02-01T00:00:00Z" }));
    newest.shipments[0].tracking_code = "OOO1";
    const malomo = await startMalomo({ orders: [newest] });
    onTestFinished(() => malomo.close());
    const target = await createTestGateway(outboundConfig());
    onTestFinished(() => target.close());
    await connect("MALOMO", malomo.url, target);
    expect(await sync("MALOMO", target)).toMatchObject({ created: 1 });
    const read = async () =>
      (
        await target.graphql(
          `{ orderByExternalId(source: MALOMO, externalId: "ooo-1") { email shipments { status scanEvents { status } } } }`,
        )
      ).data.orderByExternalId;
    const before = await read();
    expect(before.shipments[0].status).toBe("DELIVERED");

    // The source sends an older version: earlier update time, fewer scans, another email.
    const older = structuredClone(newest);
    older.updated_at = "2019-01-29T00:00:00Z";
    older.email = "old@example.com";
    older.shipments[0].scan_events = older.shipments[0].scan_events.slice(0, 1);
    malomo.orders.set("ooo-1", older);
    expect(await sync("MALOMO", target)).toMatchObject({ unchanged: 1 });
    expect(await read()).toEqual(before);

    // A newer version that lists fewer scans keeps the ones already stored.
    const newer = structuredClone(older);
    newer.updated_at = "2019-03-01T00:00:00Z";
    newer.email = "new@example.com";
    malomo.orders.set("ooo-1", newer);
    expect(await sync("MALOMO", target)).toMatchObject({ updated: 1 });
    expect(await read()).toEqual({ ...before, email: "new@example.com" });

    // A carrier scan older than the latest one adds history, not a status.
    await target.graphql(
      `mutation { recordScanEvents(carrier: "usps", trackingCode: "OOO1", events: [{ scannedAt: "2019-01-29T09:00:00Z", status: IN_TRANSIT, description: "late report" }]) { errors { code } } }`,
    );
    const after = await read();
    expect(after.shipments[0].status).toBe("DELIVERED");
    expect(after.shipments[0].scanEvents).toHaveLength(before.shipments[0].scanEvents.length + 1);
  });
});

describe("scheduled pulls", () => {
  it("pull connections whose interval is due, by themselves", async () => {
    const malomo = await startMalomo({
      orders: malomoOrders(3).map((o, i) => ({ ...o, id: `s-${i}`, alternate_id: `sched-${i}`, shipments: [] })),
    });
    onTestFinished(() => malomo.close());
    const target = await createTestGateway(outboundConfig({}, { pullCheckSeconds: 0.5 }));
    onTestFinished(() => target.close());
    await connect("MALOMO", malomo.url, target, { pullIntervalSeconds: 3600 });
    await eventually(async () => {
      const shown = (await target.graphql(`{ orders { totalCount } sourceConnections { source pullIntervalSeconds lastPulledAt } }`)).data;
      expect(shown).toEqual({
        orders: { totalCount: 3 },
        sourceConnections: [{ source: "MALOMO", pullIntervalSeconds: 3600, lastPulledAt: expect.any(String) }],
      });
    });
    // Not due again for an hour.
    const requests = malomo.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(malomo.requests.length).toBe(requests);
  });
});

describe("the API token", () => {
  it("never appears in a response, an error or a log line", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk, _enc, done) => {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await createGateway(outboundConfig(), gw.db, { logger: pino({ level: "debug" }, sink) });
    onTestFinished(() => logged.close());
    const malomo = await startMalomo();
    onTestFinished(() => malomo.close());
    const responses: string[] = [];
    const ask = async (query: string, variables = {}) => {
      const response = await logged.yoga.fetch("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${gw.key}` },
        body: JSON.stringify({ query, variables }),
      });
      responses.push(await response.text());
    };
    await ask(
      `mutation($input: SourceConnectionInput!) { upsertSourceConnection(input: $input) { connection { id source baseUrl enabled pullIntervalSeconds lastError } errors { message } } }`,
      {
        input: { source: "MALOMO", baseUrl: malomo.url, apiToken: STAND_IN_TOKEN },
      },
    );
    await ask(`{ sourceConnections { id source baseUrl lastError } }`);
    await ask(
      `mutation { upsertSourceConnection(input: { source: MALOMO, baseUrl: "not a url", apiToken: "${STAND_IN_TOKEN}" }) { errors { message } } }`,
    );
    malomo.fail({ status: 401, json: { message: "Invalid API token" } });
    await ask(`mutation { syncSource(source: MALOMO) { errors { message } } }`);
    expect(responses.join("\n")).toMatch(/HTTP 401: Invalid API token/);
    expect(responses.join("\n")).not.toContain(STAND_IN_TOKEN);
    expect(lines.join("\n")).not.toContain(STAND_IN_TOKEN);
    const stored = await gw.db.prisma.sourceConnection.findFirstOrThrow({ where: { workspaceId: gw.workspaceId, source: "MALOMO" } });
    expect(stored.apiTokenEncrypted).toMatch(/^v1\./);
    expect(stored.apiTokenEncrypted).not.toContain(STAND_IN_TOKEN);
  });
});
