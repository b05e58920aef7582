// A server killed with SIGKILL in the middle of a webhook delivery delivers it
// after it restarts, with the same event id; bulk operations go on from
// their last recorded batch. Two processes on one database,
// so PostgreSQL only (as the two-instance subscription test).
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, expect, it } from "vitest";
import { createApiKey } from "../src/auth/api-keys.js";
import { openPostgres } from "../src/db/index.js";
import { DEMO_WORKSPACE, ensureWorkspace } from "../src/db/workspaces.js";
import { createPostgresTestDatabase } from "./helpers.js";
import { eventually } from "./outbound-helpers.js";
import { startServerProcess, stopServerProcess } from "./processes.js";
import { freshMalomoOrder } from "./sources/payloads.js";
import { startReceiver, verifySignature } from "./stand-ins/webhook-receiver.js";

const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(children.map((child) => stopServerProcess(child, "SIGKILL")));
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function startInstance(env: Record<string, string>) {
  const started = await startServerProcess(env);
  children.push(started.child);
  return started;
}

/** A database of its own with the demo workspace and a write key of it (the database is dropped after the tests). */
async function databaseWithKey() {
  const database = await createPostgresTestDatabase();
  cleanups.push(database.drop);
  const db = await openPostgres(database.url, { migrate: false });
  const workspace = await ensureWorkspace(db.sql, DEMO_WORKSPACE);
  const { key } = await createApiKey(db.prisma, workspace.id, "WRITE");
  return { url: database.url, db, workspaceId: workspace.id, key };
}

const graphql = (base: string, key: string, query: string) =>
  fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  }).then((r) => r.json());

it.skipIf(!process.env.DATABASE_URL)(
  "delivers after a SIGKILL mid-delivery, with the same event id",
  async () => {
    const { url, db, key } = await databaseWithKey();
    await db.close();

    // The first delivery never gets an answer: the server is killed while it waits.
    let answered = false;
    const receiver = await startReceiver(() => (answered ? { status: 204 } : { delayMs: 60_000 }));
    cleanups.push(receiver.close);
    const env = { DATABASE_URL: url, JOB_TIMEOUT_SECONDS: "3", SOURCE_TIMEOUT_MS: "2000", JOB_POLL_SECONDS: "0.5" };
    const first = await startInstance(env);
    const post = (base: string, query: string) => graphql(base, key, query);
    const endpoint = await post(
      first.base,
      `mutation { createWebhookEndpoint(url: "${receiver.url}/hook", topics: [ORDER_CREATED]) { signingSecret errors { code } } }`,
    );
    const secret = endpoint.data.createWebhookEndpoint.signingSecret;
    await post(first.base, `mutation { createOrder(input: { externalId: "crash-1" }) { order { id } } }`);
    const [inFlight] = await receiver.waitForRequests(1);
    await stopServerProcess(first.child, "SIGKILL");

    answered = true;
    await startInstance(env);
    const requests = await receiver.waitForRequests(2, 30_000);
    const redelivered = requests.at(-1)!;
    expect(redelivered.headers["webhook-id"]).toBe(inFlight!.headers["webhook-id"]);
    expect(redelivered.body).toBe(inFlight!.body);
    expect(verifySignature(secret, redelivered)).toBe(true);
    expect(JSON.parse(redelivered.body)).toMatchObject({ topic: "ORDER_CREATED", data: { order: { externalId: "crash-1" } } });
  },
  60_000,
);

it.skipIf(!process.env.DATABASE_URL)(
  "goes on with a bulk import and a bulk export after a SIGKILL, importing each line once",
  async () => {
    const { url, db, workspaceId, key } = await databaseWithKey();
    const bulkDir = await mkdtemp(join(tmpdir(), "gateway-crash-bulk-"));
    cleanups.push(() => rm(bulkDir, { recursive: true, force: true }));
    // Slices of one batch each, so the kill lands between recorded batches and in one.
    const env = { DATABASE_URL: url, JOB_TIMEOUT_SECONDS: "3", JOB_POLL_SECONDS: "0.5", BULK_DIR: bulkDir, BULK_SLICE_MS: "0" };
    const lines = Array.from({ length: 6000 }, () => JSON.stringify(freshMalomoOrder()));
    const first = await startInstance(env);
    const headers = { authorization: `Bearer ${key}` };
    const upload = await fetch(`${first.base}/bulk/imports?source=malomo`, { method: "POST", headers, body: lines.join("\n") });
    const importId = ((await upload.json()) as { bulkOperation: { id: string } }).bulkOperation.id;
    const operation = (id: string) =>
      db.prisma.bulkOperation.findUniqueOrThrow({ where: { id: Buffer.from(id, "base64").toString().split(":")[1]! } });
    const completed = (id: string) =>
      eventually(async () => {
        const op = await operation(id);
        expect(op.status).toBe("COMPLETED");
        return op;
      }, 60_000);
    await eventually(async () => expect((await operation(importId)).objectCount).toBeGreaterThan(0), 30_000);
    await stopServerProcess(first.child, "SIGKILL");
    expect((await operation(importId)).status).toBe("RUNNING");

    const second = await startInstance(env);
    const imported = await completed(importId);
    expect(imported).toMatchObject({ objectCount: 6000, failedCount: 0 });
    expect(imported.createdCount + imported.unchangedCount).toBe(6000);
    expect(await db.prisma.order.count({ where: { workspaceId } })).toBe(6000);

    const started = await graphql(second.base, key, `mutation { exportOrders { bulkOperation { id } } }`);
    const exportId = started.data.exportOrders.bulkOperation.id;
    await eventually(async () => expect((await operation(exportId)).objectCount).toBeGreaterThan(0), 30_000);
    await stopServerProcess(second.child, "SIGKILL");
    const third = await startInstance(env);
    const exported = await completed(exportId);
    const file = await fetch(`${third.base}/bulk/${exportId}`, { headers });
    const orders = gunzipSync(Buffer.from(await file.arrayBuffer()))
      .toString()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).id);
    expect(orders).toHaveLength(6000);
    expect(new Set(orders).size).toBe(6000);
    expect(exported.objectCount).toBe(6000);
    await db.close();
  },
  180_000,
);
