// Bulk operations: exports read back line by line against the API, imports
// uploaded as NDJSON (gzip or not) with their failed lines, ranges,
// cancellation, other workspaces, and work handed from job to job.
import { readdir } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../src/server.js";
import { createTestGateway, type TestGateway, testConfig } from "./helpers.js";
import { eventually } from "./outbound-helpers.js";
import { freshMalomoOrder } from "./sources/payloads.js";
import { startReceiver, verifySignature } from "./stand-ins/webhook-receiver.js";

let gw: TestGateway;
// Each job works one batch before handing over to the next, so every run crosses job boundaries.
const base = testConfig();
const config = { ...base, bulk: { ...base.bulk, sliceMs: 0 }, jobs: { ...base.jobs, pollSeconds: 0.5 } };

beforeAll(async () => {
  gw = await createTestGateway(config);
});
afterAll(() => gw.close());

const OPERATION = `id kind status objectCount failedCount createdCount updatedCount unchangedCount fileSize url error`;

async function finished(id: string, key?: string) {
  return eventually(async () => {
    const op = (await gw.graphql(`query($id: ID!) { bulkOperation(id: $id) { ${OPERATION} } }`, { id }, key)).data.bulkOperation;
    expect(["COMPLETED", "FAILED", "CANCELLED"]).toContain(op.status);
    return op;
  }, 30_000);
}

async function download(url: string, key = gw.key, headers: Record<string, string> = {}) {
  return gw.yoga.fetch(`http://localhost${url}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
}

async function uploadImport(source: string, body: string | Uint8Array, headers: Record<string, string> = {}, key = gw.key) {
  const response = await gw.yoga.fetch(`http://localhost/bulk/imports?source=${source}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/x-ndjson", ...headers },
    body: typeof body === "string" ? body : (new Uint8Array(body) as Uint8Array<ArrayBuffer>),
  });
  return { status: response.status, body: await response.json() };
}

function malomoLines(count: number) {
  return Array.from({ length: count }, () => JSON.stringify(freshMalomoOrder()));
}

describe("bulk import", () => {
  it("imports an NDJSON upload in the background, across jobs, and lists each failed line by number", async () => {
    const good = malomoLines(1200);
    const lines = [...good.slice(0, 600), "{not json", JSON.stringify({ id: 42 }), "", ...good.slice(600)];
    const { status, body } = await uploadImport("malomo", `${lines.join("\n")}\n`);
    expect(status).toBe(202);
    expect(body.bulkOperation).toMatchObject({ kind: "IMPORT", status: "CREATED" });
    const op = await finished(body.bulkOperation.id);
    expect(op).toMatchObject({ status: "COMPLETED", objectCount: lines.length, failedCount: 2, createdCount: 1200 });
    const failures = (await (await download(op.url)).text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(failures.map((f) => f.line)).toEqual([601, 602]);
    expect(failures[0].errors[0].message).toMatch(/not valid JSON/);
    expect(failures[1].errors[0].message).toMatch(/Malomo id: must be a string/);
    expect(await gw.db.prisma.order.count({ where: { source: "MALOMO" } })).toBeGreaterThanOrEqual(1200);
  });

  it("takes a gzip file, and the same file again changes nothing", async () => {
    const body = gzipSync(malomoLines(3).join("\n"));
    const first = await finished((await uploadImport("malomo", body, { "content-type": "application/gzip" })).body.bulkOperation.id);
    expect(first).toMatchObject({ status: "COMPLETED", createdCount: 3 });
    const again = await finished((await uploadImport("malomo", body)).body.bulkOperation.id);
    expect(again).toMatchObject({ status: "COMPLETED", createdCount: 0, unchangedCount: 3 });
  });

  it("stops a cancelled import: what was under way finishes, then nothing more is imported", async () => {
    const total = 5000;
    const { body } = await uploadImport("malomo", malomoLines(total).join("\n"));
    const id = body.bulkOperation.id;
    const progress = async () =>
      (await gw.graphql(`query($id: ID!) { bulkOperation(id: $id) { status objectCount } }`, { id })).data.bulkOperation;
    // Cancelled once a first batch is recorded.
    await eventually(async () => expect((await progress()).objectCount).toBeGreaterThan(0), 30_000);
    const cancelled = (
      await gw.graphql(`mutation($id: ID!) { cancelBulkOperation(id: $id) { bulkOperation { status url } errors { code } } }`, { id })
    ).data.cancelBulkOperation;
    if (cancelled.errors.length) {
      // It finished first: then it cannot be cancelled.
      expect(cancelled.errors).toEqual([{ code: "NOT_CANCELLABLE" }]);
      return;
    }
    expect(cancelled.bulkOperation).toEqual({ status: "CANCELLED", url: null });
    const imported = () => gw.db.prisma.order.count({ where: { source: "MALOMO", workspaceId: gw.workspaceId } });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const settled = await imported();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await imported()).toBe(settled);
    expect((await progress()).status).toBe("CANCELLED");
  });

  it("refuses a read key, an unknown source, bad gzip and no key, writing nothing", async () => {
    const before = await gw.db.prisma.bulkOperation.count();
    const reader = await gw.keyFor("demo", "READ");
    expect((await uploadImport("malomo", malomoLines(1)[0]!, {}, reader)).status).toBe(403);
    expect((await uploadImport("shopify", malomoLines(1)[0]!)).status).toBe(400);
    expect((await uploadImport("malomo", new Uint8Array([0x1f, 0x8b, 1, 2, 3]))).status).toBe(400);
    expect((await uploadImport("malomo", "{}", { "content-encoding": "gzip" })).status).toBe(415);
    const anonymous = await gw.yoga.fetch("http://localhost/bulk/imports?source=malomo", { method: "POST", body: "{}" });
    expect(anonymous.status).toBe(401);
    expect(await gw.db.prisma.bulkOperation.count()).toBe(before);
  });
});

describe("bulk limits", () => {
  it("refuses an upload past the file limit with 413, keeping nothing of it", async () => {
    const small = await createGateway(
      { ...config, bulk: { ...config.bulk, maxFileBytes: 2048 }, jobs: { ...config.jobs, enabled: false } },
      gw.db,
    );
    try {
      const before = await gw.db.prisma.bulkOperation.count();
      const response = await small.yoga.fetch("http://localhost/bulk/imports?source=malomo", {
        method: "POST",
        headers: { authorization: `Bearer ${gw.key}`, "content-type": "application/x-ndjson" },
        body: malomoLines(5).join("\n"),
      });
      expect(response.status).toBe(413);
      expect(await gw.db.prisma.bulkOperation.count()).toBe(before);
    } finally {
      await small.outbound.stop();
      await small.events.close();
    }
  });
});

describe("bulk import over Node's HTTP server", () => {
  // The route reads Node's own request there (not the web stream around it):
  // a streamed (chunked) upload, plain or gzip, and its limits.
  const listen = async (bulk: Partial<typeof config.bulk> = {}) => {
    const gateway = await createGateway({ ...config, bulk: { ...config.bulk, ...bulk }, jobs: { ...config.jobs, enabled: false } }, gw.db);
    const server = createServer(gateway.yoga);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const upload = async (chunks: Uint8Array[]) => {
      const response = await fetch(`http://127.0.0.1:${port}/bulk/imports?source=malomo`, {
        method: "POST",
        headers: { authorization: `Bearer ${gw.key}`, "content-type": "application/x-ndjson" },
        body: new ReadableStream({
          start(controller) {
            for (const chunk of chunks) controller.enqueue(chunk);
            controller.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
      return { status: response.status, body: await response.json() };
    };
    const close = async () => {
      await new Promise((resolve) => server.close(resolve));
      await gateway.outbound.stop();
      await gateway.events.close();
    };
    return { upload, close };
  };
  /** `bytes` in pieces of `size` bytes (the last may be shorter), as a stream without a Content-Length sends it. */
  const pieces = (bytes: Uint8Array, size: number) =>
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

  it("imports a streamed upload, plain or gzip, line by line as sent", async () => {
    const server = await listen();
    try {
      const lines = malomoLines(40);
      const plain = await server.upload(pieces(Buffer.from(`${lines.slice(0, 20).join("\n")}\n`), 1000));
      expect(plain.status).toBe(202);
      const gzipped = await server.upload(pieces(gzipSync(lines.slice(20).join("\n")), 700));
      expect(gzipped.status).toBe(202);
      expect(await finished(plain.body.bulkOperation.id)).toMatchObject({ status: "COMPLETED", objectCount: 20, createdCount: 20 });
      expect(await finished(gzipped.body.bulkOperation.id)).toMatchObject({ status: "COMPLETED", objectCount: 20, createdCount: 20 });
    } finally {
      await server.close();
    }
  });

  it("refuses an empty upload, and one past the file limit as it streams in, keeping nothing", async () => {
    const server = await listen({ maxFileBytes: 4096 });
    try {
      const before = await gw.db.prisma.bulkOperation.count();
      expect((await server.upload([])).status).toBe(400);
      const tooLarge = await server.upload(pieces(Buffer.from(malomoLines(10).join("\n")), 1000));
      expect(tooLarge).toMatchObject({ status: 413, body: { error: expect.stringMatching(/larger than 4096 bytes/) } });
      // Inflated past the limit, though small as sent.
      const bomb = await server.upload([gzipSync(Buffer.alloc(100_000, "\n"))]);
      expect(bomb.status).toBe(413);
      expect(await gw.db.prisma.bulkOperation.count()).toBe(before);
      expect((await readdir(config.bulk.dir)).filter((name) => name.endsWith(".partial"))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("bulk export", () => {
  it("writes every matching order, as the API shows it, with the relations asked for", async () => {
    const started = await gw.graphql(
      `mutation { exportOrders(filter: { source: [MALOMO] }, include: [LINE_ITEMS, SHIPMENTS]) { bulkOperation { id status } errors { code } } }`,
    );
    expect(started.data.exportOrders.errors).toEqual([]);
    const op = await finished(started.data.exportOrders.bulkOperation.id);
    expect(op.status).toBe("COMPLETED");
    const response = await download(op.url);
    expect(response.headers.get("content-type")).toBe("application/gzip");
    const lines = gunzipSync(Buffer.from(await response.arrayBuffer()))
      .toString()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const total = await gw.db.prisma.order.count({ where: { source: "MALOMO", workspaceId: gw.workspaceId } });
    expect(lines).toHaveLength(total);
    expect(op.objectCount).toBe(total);
    expect(new Set(lines.map((l) => l.id)).size).toBe(total);
    expect(lines[0]).not.toHaveProperty("events");
    expect(lines[0]).not.toHaveProperty("shippingAddress");

    // Each line is the order as the API answers it.
    const sample = lines[Math.floor(lines.length / 2)];
    const api = (
      await gw.graphql(
        `query($id: ID!) { order(id: $id) { id source externalId number email status shipments(first: 5) { trackingCode status } } }`,
        { id: sample.id },
      )
    ).data.order;
    expect(sample).toMatchObject({ ...api, shipments: api.shipments.map((s: object) => expect.objectContaining(s)) });
  });

  it("serves byte ranges, and never to another workspace", async () => {
    const started = await gw.graphql(`mutation { exportOrders(include: []) { bulkOperation { id } } }`);
    const op = await finished(started.data.exportOrders.bulkOperation.id);
    const whole = Buffer.from(await (await download(op.url)).arrayBuffer());
    expect(whole.length).toBe(op.fileSize);
    const part = await download(op.url, gw.key, { range: "bytes=10-99" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 10-99/${whole.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(10, 100))).toBe(true);
    expect((await download(op.url, gw.key, { range: `bytes=${whole.length}-` })).status).toBe(416);

    const other = await gw.keyFor("another-workspace", "READ");
    expect((await download(op.url, other)).status).toBe(404);
    expect((await gw.graphql(`query($id: ID!) { bulkOperation(id: $id) { id } }`, { id: op.id }, other)).data.bulkOperation).toBeNull();
    expect((await gw.yoga.fetch(`http://localhost${op.url}`)).status).toBe(401);
  });

  it("lets a read key export, and cancels an operation that has not ended", async () => {
    const reader = await gw.keyFor("demo", "READ");
    const started = await gw.graphql(`mutation { exportOrders { bulkOperation { id } errors { code } } }`, {}, reader);
    expect(started.data.exportOrders.errors).toEqual([]);
    const id = started.data.exportOrders.bulkOperation.id;
    const cancelled = await gw.graphql(
      `mutation($id: ID!) { cancelBulkOperation(id: $id) { bulkOperation { status url } errors { code } } }`,
      { id },
      reader,
    );
    const result = cancelled.data.cancelBulkOperation;
    if (result.errors.length) {
      // It finished first: then it cannot be cancelled.
      expect(result.errors).toEqual([{ code: "NOT_CANCELLABLE" }]);
    } else {
      expect(result.bulkOperation).toEqual({ status: "CANCELLED", url: null });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await finished(id)).status).toBe("CANCELLED");
    }
    const listed = await gw.graphql(`query { bulkOperations(first: 50) { nodes { id } } }`);
    expect(listed.data.bulkOperations.nodes.map((n: { id: string }) => n.id)).toContain(id);
  });

  it("tells the endpoints subscribed to BULK_OPERATION_FINISHED, signed like every webhook", async () => {
    const receiver = await startReceiver();
    try {
      const created = await gw.graphql(
        `mutation($url: String!) { createWebhookEndpoint(url: $url, topics: [BULK_OPERATION_FINISHED]) { signingSecret errors { code } } }`,
        { url: `${receiver.url}/hooks` },
      );
      expect(created.data.createWebhookEndpoint.errors).toEqual([]);
      const started = await gw.graphql(`mutation { exportOrders(include: []) { bulkOperation { id } } }`);
      const op = await finished(started.data.exportOrders.bulkOperation.id);
      const delivered = await eventually(() => {
        const found = receiver.requests.find((request) => JSON.parse(request.body).data.bulkOperation.id === op.id);
        expect(found).toBeDefined();
        return found!;
      });
      expect(verifySignature(created.data.createWebhookEndpoint.signingSecret, delivered)).toBe(true);
      expect(JSON.parse(delivered.body)).toMatchObject({
        topic: "BULK_OPERATION_FINISHED",
        data: { bulkOperation: { id: op.id, kind: "EXPORT", status: "COMPLETED", objectCount: op.objectCount, url: op.url } },
      });
    } finally {
      await receiver.close();
    }
  });

  it("lets a second instance serve the file the first one wrote", async () => {
    const started = await gw.graphql(`mutation { exportOrders(include: []) { bulkOperation { id } } }`);
    const op = await finished(started.data.exportOrders.bulkOperation.id);
    const second = await createGateway({ ...config, jobs: { ...config.jobs, enabled: false } }, gw.db);
    try {
      const response = await second.yoga.fetch(`http://localhost${op.url}`, { headers: { authorization: `Bearer ${gw.key}` } });
      expect(response.status).toBe(200);
      expect(Number(response.headers.get("content-length"))).toBe(op.fileSize);
    } finally {
      await second.outbound.stop();
      await second.events.close();
    }
  });
});
