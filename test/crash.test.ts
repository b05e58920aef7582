// A server killed with SIGKILL in the middle of a webhook delivery delivers it
// after it restarts, with the same event id. Two processes on one database,
// so PostgreSQL only (as the two-instance subscription test).
import type { ChildProcess } from "node:child_process";
import { afterAll, expect, it } from "vitest";
import { createApiKey } from "../src/auth/api-keys.js";
import { openPostgres } from "../src/db/index.js";
import { DEMO_WORKSPACE, ensureWorkspace } from "../src/db/workspaces.js";
import { createPostgresTestDatabase } from "./helpers.js";
import { startServerProcess, stopServerProcess } from "./processes.js";
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

it.skipIf(!process.env.DATABASE_URL)("delivers after a SIGKILL mid-delivery, with the same event id", async () => {
  const database = await createPostgresTestDatabase();
  cleanups.push(database.drop);
  const db = await openPostgres(database.url, { migrate: false });
  const workspace = await ensureWorkspace(db.prisma, DEMO_WORKSPACE);
  const { key } = await createApiKey(db.prisma, workspace.id, "WRITE");
  await db.close();

  // The first delivery never gets an answer: the server is killed while it waits.
  let answered = false;
  const receiver = await startReceiver(() => (answered ? { status: 204 } : { delayMs: 60_000 }));
  cleanups.push(receiver.close);
  const env = { DATABASE_URL: database.url, JOB_TIMEOUT_SECONDS: "3", SOURCE_TIMEOUT_MS: "2000", JOB_POLL_SECONDS: "0.5" };
  const first = await startInstance(env);
  const post = (base: string, query: string) =>
    fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) }).then((r) => r.json());
  const endpoint = await post(first.base, `mutation { createWebhookEndpoint(url: "${receiver.url}/hook", topics: [ORDER_CREATED]) { signingSecret errors { code } } }`);
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
}, 60_000);
