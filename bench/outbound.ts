// Outbound throughput: orders pulled from a local Malomo stand-in (pages of
// 100 served from memory), and partner webhook deliveries to a local receiver
// that answers 204 at once. The gateway runs in-process on a fresh database.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../src/config.js";
import { openPostgres } from "../src/db/index.js";
import { ensureWorkspace } from "../src/db/workspaces.js";
import { createGateway } from "../src/server.js";
import { upsertSourceConnection } from "../src/services/connections.js";
import { createWebhookEndpoint } from "../src/services/webhooks.js";
import { freshDatabase } from "./database.js";
import { nativeOrder } from "./native-orders.js";

export type OutboundBenchResult = { orders: number; pullSeconds: number; deliveries: number; deliverySeconds: number };

async function listen(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function outboundBench(count: number): Promise<OutboundBenchResult> {
  let orders = Array.from({ length: count }, (_, n) => nativeOrder("MALOMO", n, "pull") as Record<string, unknown>);
  const source = await listen((req, res) => {
    const after = new URL(req.url!, "http://x").searchParams.get("next");
    const start = after ? orders.findIndex((order) => order.id === after) + 1 : 0;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(orders.slice(start, start + 100)));
  });
  const received: number[] = [];
  const receiver = await listen((req, res) => {
    req.resume().on("end", () => {
      received.push(performance.now());
      res.writeHead(204).end();
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
  const workspace = await ensureWorkspace(db.prisma, "bench-outbound");
  const deps = { prisma: db.prisma, store: db.sql, config };
  await upsertSourceConnection(deps, workspace.id, { source: "MALOMO", baseUrl: source.url, apiToken: "bench-token" });

  // Pull: every order is new.
  const started = performance.now();
  const pulled = await gateway.outbound.pull(workspace.id, "MALOMO");
  const pullSeconds = (performance.now() - started) / 1000;
  if (!pulled.ok || pulled.value.created !== count) throw new Error(`pull failed: ${JSON.stringify(pulled)}`);

  // Deliveries: a newer version of every order, each an ORDER_UPDATED event for the endpoint.
  await createWebhookEndpoint(deps, workspace.id, { url: `${receiver.url}/hook`, topics: ["ORDER_UPDATED"] });
  orders = orders.map((order) => ({ ...order, email: "changed@example.com", updated_at: "2026-12-01T00:00:00Z" }));
  await gateway.outbound.pull(workspace.id, "MALOMO");
  while (received.length < count) await new Promise((resolve) => setTimeout(resolve, 50));
  const deliverySeconds = (received.at(-1)! - received[0]!) / 1000;

  await gateway.close();
  await db.close();
  source.server.close();
  receiver.server.close();
  return { orders: count, pullSeconds, deliveries: count, deliverySeconds };
}
