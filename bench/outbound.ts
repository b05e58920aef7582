// Outbound throughput: orders pulled from a local Malomo stand-in (pages of
// 100 serialized beforehand, so serving one costs the bench next to
// nothing), and partner webhook deliveries to ten local endpoints that answer
// 204 at once. The gateway runs in-process on a fresh database. The pull is
// timed last, into a workspace of its own, once the gateway has pulled and
// delivered for a while: a running server is warm. Deliveries are measured
// three ways:
// - throughput: every pulled order changes, ten endpoints hear of each;
// - latency: 50 order updates a second (500 deliveries a second) through the
//   API, from each event's occurredAt (stamped in the writing transaction)
//   to its arrival;
// - isolation: as throughput, with one endpoint answering after 5 s.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { createApiKey } from "../src/auth/api-keys.js";
import { loadConfig } from "../src/config.js";
import { openPostgres } from "../src/db/index.js";
import { ensureWorkspace } from "../src/db/workspaces.js";
import { createGateway } from "../src/server.js";
import { upsertSourceConnection } from "../src/services/connections.js";
import { createWebhookEndpoint } from "../src/services/webhooks.js";
import { freshDatabase } from "./database.js";
import { nativeOrder } from "./native-orders.js";

const ENDPOINTS = 10;

export type OutboundBenchResult = {
  /** Orders pulled in the timed pull. */
  orders: number;
  pullSeconds: number;
  /** Orders each delivery measurement changes. */
  deliveryOrders: number;
  endpoints: number;
  /** All ten endpoints answering at once. */
  throughput: { deliveries: number; seconds: number; perSecond: number };
  /** At a steady 500 deliveries/s: milliseconds from the event to its arrival. */
  latency: { deliveries: number; perSecond: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** One endpoint answering after 5 s: the other nine's deliveries per second, and that as a share of theirs in `throughput`. */
  isolation: { deliveries: number; perSecond: number; ratio: number };
};

type Arrival = { endpoint: number; at: number; occurredAt: number };

async function listen(handler: Parameters<typeof createServer>[1]) {
  const server = createServer({ keepAliveTimeout: 60_000 }, handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/** A Malomo order list as the stand-in serves it: page bodies by the `next` cursor that asks for them ("" for the first). */
function pagesOf(orders: Array<Record<string, unknown>>): Map<string, string> {
  const pages = new Map<string, string>();
  for (let start = 0; start < orders.length; start += 100) {
    pages.set(start ? String(orders[start - 1]!.id) : "", JSON.stringify(orders.slice(start, start + 100)));
  }
  pages.set(orders.length ? String(orders.at(-1)!.id) : "", "[]");
  return pages;
}

export async function outboundBench(count: number, pullCount: number): Promise<OutboundBenchResult> {
  let orders = Array.from({ length: count }, (_, n) => nativeOrder("MALOMO", n, "pull") as Record<string, unknown>);
  // Order lists by the first segment of the path: /{list}/orders?next=...
  const lists = new Map<string, Map<string, string>>([["hooks", pagesOf(orders)]]);
  const source = await listen((req, res) => {
    const url = new URL(req.url!, "http://x");
    const page = lists.get(url.pathname.split("/")[1]!)?.get(url.searchParams.get("next") ?? "");
    if (page === undefined) res.writeHead(404).end();
    else res.writeHead(200, { "content-type": "application/json" }).end(page);
  });
  let arrivals: Arrival[] = [];
  let slowEndpoint = -1;
  const receiver = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const at = Date.now();
      const endpoint = Number(req.url!.split("/").at(-1));
      const event = JSON.parse(Buffer.concat(chunks).toString()) as { occurredAt: string };
      arrivals.push({ endpoint, at, occurredAt: Date.parse(event.occurredAt) });
      if (endpoint === slowEndpoint) setTimeout(() => res.writeHead(204).end(), 5000);
      else res.writeHead(204).end();
    });
  });

  const url = await freshDatabase("gateway_bench_outbound");
  const db = await openPostgres(url, { migrate: false });
  const config = loadConfig({
    NODE_ENV: "production",
    DATABASE_URL: url,
    DEMO_DATA: "false",
    ENCRYPTION_KEY: "0".repeat(64),
    ALLOW_PRIVATE_TARGETS: "true",
    LOG_LEVEL: "warn",
    JOB_POLL_SECONDS: "0.5",
  });
  const gateway = await createGateway(config, db);
  const workspace = await ensureWorkspace(db.sql, "bench-outbound");
  const deps = { prisma: db.prisma, store: db.sql, config };
  /** Pulls the workspace's Malomo orders; throws unless `created` of them were new. */
  const pull = async (workspaceId: string, created: number) => {
    const pulled = await gateway.outbound.pull(workspaceId, "MALOMO");
    if (!pulled.ok || pulled.value.created !== created) throw new Error(`pull failed: ${JSON.stringify(pulled)}`);
  };
  await upsertSourceConnection(deps, workspace.id, { source: "MALOMO", baseUrl: `${source.url}/hooks`, apiToken: "bench-token" });
  await pull(workspace.id, count);

  for (let n = 0; n < ENDPOINTS; n++) {
    await createWebhookEndpoint(deps, workspace.id, { url: `${receiver.url}/hook/${n}`, topics: ["ORDER_UPDATED"] });
  }
  let round = 0;
  /** A newer version of every order, pulled: an ORDER_UPDATED for each endpoint. Resolves when those of `endpoints` arrived. */
  const changeAll = async (endpoints: number, counted: (arrival: Arrival) => boolean) => {
    round++;
    orders = orders.map((order) => ({ ...order, email: `changed-${round}@example.com`, updated_at: `2026-12-0${round}T00:00:00Z` }));
    lists.set("hooks", pagesOf(orders));
    arrivals = [];
    await pull(workspace.id, 0);
    while (arrivals.filter(counted).length < count * endpoints) await new Promise((resolve) => setTimeout(resolve, 50));
    const kept = arrivals.filter(counted);
    return { deliveries: kept.length, seconds: (Math.max(...kept.map((a) => a.at)) - Math.min(...kept.map((a) => a.at))) / 1000 };
  };

  const all = await changeAll(ENDPOINTS, () => true);
  const throughput = { ...all, perSecond: all.deliveries / all.seconds };

  // Latency at 500 deliveries/s: 50 updates a second for 10 s through the API.
  const { key } = await createApiKey(db.prisma, workspace.id, "WRITE", { label: "bench" });
  const ids = (await db.prisma.order.findMany({ where: { workspaceId: workspace.id }, select: { id: true }, take: 500 })).map((o) =>
    encodeGlobalID("Order", o.id),
  );
  arrivals = [];
  const updates: Promise<unknown>[] = [];
  for (let n = 0; n < 500; n++) {
    const body = JSON.stringify({
      query: `mutation($id: ID!, $note: String!) { updateOrder(id: $id, input: { note: $note }) { errors { code } } }`,
      variables: { id: ids[n % ids.length], note: `latency ${n}` },
    });
    updates.push(
      Promise.resolve(
        gateway.yoga.fetch("http://localhost/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body,
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(updates);
  while (arrivals.length < 500 * ENDPOINTS) await new Promise((resolve) => setTimeout(resolve, 50));
  const waits = arrivals.map((a) => a.at - a.occurredAt).sort((a, b) => a - b);
  const span = (Math.max(...arrivals.map((a) => a.at)) - Math.min(...arrivals.map((a) => a.at))) / 1000;
  const latency = {
    deliveries: arrivals.length,
    perSecond: arrivals.length / span,
    p50Ms: percentile(waits, 50),
    p99Ms: percentile(waits, 99),
    maxMs: waits.at(-1) ?? 0,
  };

  // Isolation: endpoint 0 answers after 5 s.
  slowEndpoint = 0;
  const nine = await changeAll(ENDPOINTS - 1, (arrival) => arrival.endpoint !== 0);
  const isolation = {
    deliveries: nine.deliveries,
    perSecond: nine.deliveries / nine.seconds,
    ratio: nine.deliveries / nine.seconds / (throughput.perSecond * ((ENDPOINTS - 1) / ENDPOINTS)),
  };

  // Pull, timed: every order is new, in a workspace with no webhook endpoints, as imports are measured.
  const pulling = await ensureWorkspace(db.sql, "bench-pull");
  lists.set("pull", pagesOf(Array.from({ length: pullCount }, (_, n) => nativeOrder("MALOMO", n, "timed") as Record<string, unknown>)));
  await upsertSourceConnection(deps, pulling.id, { source: "MALOMO", baseUrl: `${source.url}/pull`, apiToken: "bench-token" });
  const started = performance.now();
  await pull(pulling.id, pullCount);
  const pullSeconds = (performance.now() - started) / 1000;

  await gateway.close();
  await db.close();
  source.server.close();
  receiver.server.closeAllConnections();
  receiver.server.close();
  return { orders: pullCount, pullSeconds, deliveryOrders: count, endpoints: ENDPOINTS, throughput, latency, isolation };
}

// node --import tsx bench/outbound.ts [orders] [pulled orders]: this section alone.
if (process.argv[1]?.endsWith("outbound.ts")) {
  console.log(JSON.stringify(await outboundBench(Number(process.argv[2] ?? 2000), Number(process.argv[3] ?? 10_000)), null, 2));
  process.exit(0);
}
