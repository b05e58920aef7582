// npm run bench: the gateway against PostGraphile and against a single SQL
// statement per request, on one seeded PostgreSQL database (DATABASE_URL or
// the local service). Writes BENCHMARKS.md. Not part of npm test.
//
// BENCH_ORDERS (100000), BENCH_SECONDS per run (10), BENCH_CONNECTIONS (16),
// BENCH_ROUNDS of each read workload per target, of the mutation mix and of the
// import, write floor and webhook imports, taking turns, best kept (3),
// BENCH_SOAK_SECONDS (300; 0 skips the soak), BENCH_MEMORY_SECONDS under load
// per server in the memory comparison (60; 0 skips it), BENCH_IMPORT_ORDERS (10000).
// The gateway runs as production does: `npm run build`, then node dist/main.js.
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createApiKey } from "../src/auth/api-keys.js";
import { loadConfig } from "../src/config.js";
import { migratePostgres, openPostgres } from "../src/db/index.js";
import { projectRoot } from "../src/db/migrate.js";
import { createGateway } from "../src/server.js";
import { bulkImportBench, exportBench } from "./bulk.js";
import { ADMIN_URL, urlFor } from "./database.js";
import { exportFloor } from "./export-floor.js";
import { type ImportBenchResult, importBench, webhookBench } from "./import.js";
import { type LoadResult, load, once } from "./load.js";
import { outboundBench } from "./outbound.js";
import { BENCH_WORKSPACE_ID, seed } from "./seed.js";
import { type Child, startChild } from "./servers.js";
import { mutationMix, readWorkloads, SEARCH_FUNCTION, type Target } from "./workloads.js";
import { type WriteFloorResult, writeFloor } from "./write-floor.js";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 300);
const MEMORY_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 60);
const IMPORT_ORDERS = Number(process.env.BENCH_IMPORT_ORDERS ?? 10_000);
const OUTBOUND_ORDERS = Number(process.env.BENCH_OUTBOUND_ORDERS ?? 2_000);
const BULK_IMPORT_ORDERS = Number(process.env.BENCH_BULK_IMPORT_ORDERS ?? 100_000);
// BENCH_READS=0 skips the read workloads and the soak (the write sections
// only); BENCH_WORKLOADS=1,4 runs only those read workloads.
const READS = process.env.BENCH_READS !== "0";
const ONLY = process.env.BENCH_WORKLOADS?.split(",").map(Number);

const machine = `${os.cpus().length} x ${os.cpus()[0]?.model.trim() ?? "CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
const lines: string[] = [];
const log = (line = "") => {
  console.log(line);
  lines.push(line);
};

// ---- database
async function adminQuery(sql: string) {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    return await admin.query(sql);
  } finally {
    await admin.end();
  }
}
const url = urlFor("gateway_bench");
if ((await adminQuery(`SELECT 1 FROM pg_database WHERE datname = 'gateway_bench'`)).rowCount === 0)
  await adminQuery("CREATE DATABASE gateway_bench");
await migratePostgres(url);
const seeded = await seed(url, ORDERS);
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query(SEARCH_FUNCTION);
await client.end();
console.log(seeded.reused ? `reusing ${ORDERS} seeded orders` : `seeded ${ORDERS} orders in ${seeded.seconds.toFixed(1)} s`);

// ---- statements per request, counted in-process
const db = await openPostgres(url, { migrate: false });
const BENCH_KEY = "0".repeat(64);
const config = {
  ...loadConfig({ NODE_ENV: "production", DATABASE_URL: url, DEMO_DATA: "false", ENCRYPTION_KEY: BENCH_KEY, LOG_LEVEL: "warn" }),
};
const gatewayInProcess = await createGateway(config, db);
const { key } = await createApiKey(db.prisma, BENCH_WORKSPACE_ID, "WRITE", { label: "bench" });
const auth = { authorization: `Bearer ${key}` };
const workloads = READS ? readWorkloads(BENCH_WORKSPACE_ID, ORDERS).filter((_, i) => !ONLY || ONLY.includes(i + 1)) : [];
const statementsPerRequest: number[] = [];
const askInProcess = async (body: string) => {
  const response = await gatewayInProcess.yoga.fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...auth },
    body,
  });
  await response.text();
};
for (const workload of workloads) {
  await askInProcess(workload.requests.gateway.body!()); // steady state: the API key is cached
  let count = 0;
  const stop = db.onStatement(() => count++);
  await askInProcess(workload.requests.gateway.body!());
  stop();
  statementsPerRequest.push(count);
}
await gatewayInProcess.close();
await db.close();

// ---- servers
const children: Child[] = [];
process.on("exit", () => {
  for (const c of children) c.process.kill("SIGKILL");
});
const env = {
  DATABASE_URL: url,
  NODE_ENV: "production",
  ENCRYPTION_KEY: BENCH_KEY,
  DEMO_DATA: "false",
  RATE_LIMIT_PER_MINUTE: "0",
  GRAPHILE_ENV: "production",
  LOG_LEVEL: "warn",
};
// The gateway as production runs it: compiled, on production dependencies' code.
execFileSync("npm", ["run", "build", "--silent"], { cwd: projectRoot, stdio: "inherit" });
const GATEWAY = "dist/main.js";
const servers: Record<Target, Child> = READS
  ? {
      gateway: await startChild("gateway", GATEWAY, 5677, env, "/health"),
      postgraphile: await startChild("postgraphile", "bench/postgraphile-server.ts", 5678, env),
      floor: await startChild("floor", "bench/sql-floor-server.ts", 5679, { ...env, WORKSPACE_ID: BENCH_WORKSPACE_ID }, "/none"),
    }
  : ({} as Record<Target, Child>);
children.push(...Object.values(servers));
const headersFor = (target: Target) => (target === "gateway" ? auth : {});

log(`# Benchmarks`);
log();
log(`Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine}; PostgreSQL at ${new URL(ADMIN_URL).host}.`);
log(
  `${ORDERS} orders (source mix as in the sources' examples), ${CONNECTIONS} connections, ${SECONDS} s per run after a ${Math.min(3, SECONDS)} s warm-up; ` +
    `the three targets take turns for ${ROUNDS} runs each, and each read row is that target's best run.`,
);
log(`The servers and the load generator share the machine's cores.`);
log();
log(`| workload | target | req/s | p50 ms | p99 ms | errors | SQL statements per request |`);
log(`| --- | --- | ---: | ---: | ---: | ---: | ---: |`);
const ratios: string[] = [];
const targets = ["gateway", "postgraphile", "floor"] as const;
for (const [index, workload] of workloads.entries()) {
  const results = {} as Record<Target, LoadResult>;
  for (const target of targets) {
    const spec = workload.requests[target];
    await once(servers[target].url, spec, headersFor(target));
    await load(servers[target].url, spec, { connections: CONNECTIONS, seconds: Math.min(3, SECONDS), headers: headersFor(target) });
  }
  // The targets take turns, ROUNDS times, and each keeps its best run: on a
  // shared two-core machine one run can be a third slower than the next.
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      const run = await load(servers[target].url, workload.requests[target], {
        connections: CONNECTIONS,
        seconds: SECONDS,
        headers: headersFor(target),
      });
      if (!results[target] || run.requestsPerSecond > results[target].requestsPerSecond) results[target] = run;
    }
  }
  for (const target of targets) {
    const r = results[target];
    const statements = target === "gateway" ? String(statementsPerRequest[index]) : target === "floor" ? "1" : "-";
    log(`| ${workload.name} | ${target} | ${Math.round(r.requestsPerSecond)} | ${r.p50} | ${r.p99} | ${r.errors} | ${statements} |`);
  }
  ratios.push(
    `| ${workload.name} | ${(results.gateway.requestsPerSecond / results.postgraphile.requestsPerSecond).toFixed(2)} | ${(results.gateway.p50 / Math.max(1, results.floor.p50)).toFixed(2)} |`,
  );
}

log();
log(`Ratios (gateway / PostGraphile throughput; gateway / SQL floor p50 latency):`);
log();
log(`| workload | throughput vs PostGraphile | p50 vs SQL floor |`);
log(`| --- | ---: | ---: |`);
for (const line of ratios) log(line);

// ---- soak: memory over time under workload 1
if (READS && SOAK_SECONDS > 0) {
  // RSS every 5 s: it climbs while V8 sizes its heap for the load, so the
  // readings after the first minute show whether it keeps climbing.
  const SAMPLE_MS = 5_000;
  const rss: number[] = [servers.gateway.rssMb()];
  const sampler = setInterval(() => rss.push(servers.gateway.rssMb()), SAMPLE_MS);
  const soak = await load(servers.gateway.url, workloads[0]!.requests.gateway, {
    connections: CONNECTIONS,
    seconds: SOAK_SECONDS,
    headers: auth,
  });
  clearInterval(sampler);
  rss.push(servers.gateway.rssMb());
  const settled = rss.slice(Math.min(60_000 / SAMPLE_MS, rss.length - 1));
  const mb = (value: number) => `${Math.round(value)} MB`;
  log();
  log(
    `Soak: workload 1 for ${SOAK_SECONDS} s (${soak.requests} requests, ${soak.errors} errors): gateway RSS ${mb(rss[0]!)} at start, ` +
      `${mb(settled[0]!)} after 60 s, between ${mb(Math.min(...settled))} and ${mb(Math.max(...settled))} from then on, ${mb(rss.at(-1)!)} at end.`,
  );
}
await Promise.all(children.map((child) => child.stop()));

// ---- memory: each server fresh, under workload 1 for MEMORY_SECONDS, one after another
if (READS && MEMORY_SECONDS > 0) {
  const contenders: Array<{ label: string; target: Target; script: string; ready: string }> = [
    {
      label: "gateway, `npm run start:production` (`node --max-semi-space-size=16 dist/main.js`)",
      target: "gateway",
      script: GATEWAY,
      ready: "/health",
    },
    { label: "gateway, `node --import tsx src/main.ts`", target: "gateway", script: "src/main.ts", ready: "/health" },
    {
      label: "PostGraphile 5 (its server script, run by Node's own type stripping)",
      target: "postgraphile",
      script: "bench/postgraphile-server.ts",
      ready: "/graphql",
    },
  ];
  log();
  log(`Memory: each server started fresh, then workload 1 for ${MEMORY_SECONDS} s (${CONNECTIONS} connections), RSS read every second:`);
  log();
  log(`| server | RSS at start | peak | at end | req/s |`);
  log(`| --- | ---: | ---: | ---: | ---: |`);
  for (const [n, contender] of contenders.entries()) {
    const server = await startChild(contender.target, contender.script, 5690 + n, env, contender.ready);
    children.push(server);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const start = server.rssMb();
    let peak = start;
    const sampler = setInterval(() => (peak = Math.max(peak, server.rssMb())), 1000);
    const run = await load(server.url, workloads[0]!.requests[contender.target], {
      connections: CONNECTIONS,
      seconds: MEMORY_SECONDS,
      headers: headersFor(contender.target),
    });
    clearInterval(sampler);
    const end = server.rssMb();
    peak = Math.max(peak, end);
    log(
      `| ${contender.label} | ${Math.round(start)} MB | ${Math.round(peak)} MB | ${Math.round(end)} MB | ${Math.round(run.requestsPerSecond)} |`,
    );
    await server.stop();
  }
}

// ---- tracing overhead: the compiled gateway with and without OpenTelemetry
// (OTLP/HTTP to a local sink that answers 200) on workload 1. The two take
// turns (in alternating order) for TRACING_ROUNDS runs; the medians of
// throughput and of CPU time per request are compared, as single runs on
// this machine differ by more than the overhead.
if (READS && ROUNDS > 0) {
  const TRACING_ROUNDS = Math.max(ROUNDS, 8);
  const sink = createServer((req, res) => req.resume().on("end", () => res.writeHead(200).end()));
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const plain = await startChild("gateway", GATEWAY, 5695, env, "/health");
  const traced = await startChild("gateway", GATEWAY, 5696, { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl }, "/health");
  children.push(plain, traced);
  const runs = { plain: { rps: [] as number[], cpu: [] as number[] }, traced: { rps: [] as number[], cpu: [] as number[] } };
  for (const server of [plain, traced])
    await load(server.url, workloads[0]!.requests.gateway, { connections: CONNECTIONS, seconds: 3, headers: auth });
  for (let round = 0; round < TRACING_ROUNDS; round++) {
    const order = [
      ["plain", plain],
      ["traced", traced],
    ] as const;
    for (const [name, server] of round % 2 ? [...order].reverse() : order) {
      const cpuBefore = server.cpuSeconds();
      const run = await load(server.url, workloads[0]!.requests.gateway, { connections: CONNECTIONS, seconds: SECONDS, headers: auth });
      runs[name].rps.push(run.requestsPerSecond);
      runs[name].cpu.push(((server.cpuSeconds() - cpuBefore) / run.requests) * 1e6);
    }
  }
  await Promise.all([plain.stop(), traced.stop()]);
  sink.close();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const [plainRps, tracedRps, plainCpu, tracedCpu] = [runs.plain.rps, runs.traced.rps, runs.plain.cpu, runs.traced.cpu].map(median);
  log();
  log(
    `Tracing: workload 1 on the compiled gateway, medians of ${TRACING_ROUNDS} runs each, taking turns: ${Math.round(plainRps!)} req/s and ` +
      `${Math.round(plainCpu!)} µs of CPU per request untraced; ${Math.round(tracedRps!)} req/s and ${Math.round(tracedCpu!)} µs with OpenTelemetry on ` +
      `(every request traced, batches sent over OTLP/HTTP to a local sink). Traced / untraced: throughput ${(tracedRps! / plainRps!).toFixed(2)}, ` +
      `CPU per request ${(tracedCpu! / plainCpu!).toFixed(2)}.`,
  );
}

// ---- mutation mix, on a copy of the seeded database so that reads stay
// comparable from run to run (gateway only: PostGraphile's generated CRUD has
// none of these semantics)
// The floor runs the same requests as hand-written pg transactions, each on a fresh copy.
const mutationRun = async (name: "gateway" | "floor") => {
  await adminQuery(`DROP DATABASE IF EXISTS gateway_bench_mutations WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE gateway_bench_mutations TEMPLATE gateway_bench`);
  const mutationEnv = { ...env, DATABASE_URL: urlFor("gateway_bench_mutations"), WORKSPACE_ID: BENCH_WORKSPACE_ID };
  const server =
    name === "gateway"
      ? await startChild("gateway", GATEWAY, 5676, mutationEnv, "/health")
      : await startChild("floor", "bench/sql-floor-server.ts", 5675, mutationEnv, "/none");
  children.push(server);
  const mix = mutationMix(ORDERS, `run${Date.now().toString(36)}`);
  await once(server.url, mix, auth);
  const result = await load(server.url, mix, { connections: CONNECTIONS, seconds: SECONDS, headers: auth });
  await server.stop();
  await adminQuery(`DROP DATABASE IF EXISTS gateway_bench_mutations WITH (FORCE)`);
  return result;
};
// The two take turns, ROUNDS times, and each keeps its best run, as the reads do.
const best = (a: LoadResult, b: LoadResult) => (b.requestsPerSecond > a.requestsPerSecond ? b : a);
let mixResult = await mutationRun("gateway");
let mixFloor = await mutationRun("floor");
for (let round = 1; round < ROUNDS; round++) {
  mixResult = best(mixResult, await mutationRun("gateway"));
  mixFloor = best(mixFloor, await mutationRun("floor"));
}
log();
log(
  `6. Mutation mix (create, update, cancel, record scans in turn; best of ${ROUNDS} runs each): gateway ${Math.round(mixResult.requestsPerSecond)} req/s, ` +
    `p50 ${mixResult.p50} ms, p99 ${mixResult.p99} ms, ${mixResult.errors} errors. Mutation floor (the same requests as one hand-written ` +
    `pg transaction each, no checks, no outbox): ${Math.round(mixFloor.requestsPerSecond)} req/s, p50 ${mixFloor.p50} ms, ${mixFloor.errors} errors; ` +
    `gateway / floor ${(mixResult.requestsPerSecond / mixFloor.requestsPerSecond).toFixed(2)}.`,
);

// ---- bulk import
// The import, the write floor and the webhook imports take turns, ROUNDS
// times, and each keeps its best run, as the reads and the mutations do.
const faster = <T extends { ordersPerSecond: number }>(a: T | undefined, b: T) => (a && a.ordersPerSecond >= b.ordersPerSecond ? a : b);
let bestImport: ImportBenchResult | undefined;
let bestAgain: ImportBenchResult | undefined;
let bestFloor: WriteFloorResult | undefined;
let bestHooks: WriteFloorResult | undefined;
for (let round = 0; round < Math.max(ROUNDS, 1); round++) {
  const [created, unchanged] = await importBench(IMPORT_ORDERS);
  bestImport = faster(bestImport, created!);
  bestAgain = faster(bestAgain, unchanged!);
  bestFloor = faster(bestFloor, await writeFloor(IMPORT_ORDERS));
  bestHooks = faster(bestHooks, await webhookBench(IMPORT_ORDERS));
}
const [imported, again, floor, hooks] = [bestImport!, bestAgain!, bestFloor!, bestHooks!];
log();
log(
  `7. Bulk import (best of ${Math.max(ROUNDS, 1)} runs each, taking turns with the write floor and the webhook imports): ${imported!.orders} native orders (NDJSON, four sources) in ${imported!.seconds.toFixed(1)} s = ${Math.round(imported!.ordersPerSecond)} orders/s ` +
    `(RSS ${Math.round(imported!.rssStartMb)} MB at start, ${Math.round(imported!.rssPeakMb)} MB peak). ` +
    `The same files again (all unchanged; after ANALYZE, which autovacuum would run on a live server): ${again!.orders} in ${again!.seconds.toFixed(2)} s = ${Math.round(again!.ordersPerSecond)} orders/s. ` +
    `Write floor (the same orders' rows through plain pg, one json_populate_recordset statement per table and batch of 500, two connections): ` +
    `${Math.round(floor.ordersPerSecond)} orders/s; import / floor ${(imported!.ordersPerSecond / floor.ordersPerSecond).toFixed(2)}, ` +
    `unchanged / floor ${(again!.ordersPerSecond / floor.ordersPerSecond).toFixed(2)}.`,
);
log();
log(
  `8. Webhook imports: ${hooks.orders} native orders as POST /webhooks/{source} bodies of 500 (two in flight) in ${hooks.seconds.toFixed(1)} s = ` +
    `${Math.round(hooks.ordersPerSecond)} orders/s; / write floor ${(hooks.ordersPerSecond / floor.ordersPerSecond).toFixed(2)}.`,
);
// ---- outbound: pull and partner webhooks
const outbound = await outboundBench(OUTBOUND_ORDERS, IMPORT_ORDERS);
log();
log(
  `9. Pull: ${outbound.orders} Malomo orders from a local stand-in (pages of 100), into a workspace of their own on a server that has ` +
    `pulled and delivered the measurements below, in ${outbound.pullSeconds.toFixed(1)} s = ${Math.round(outbound.orders / outbound.pullSeconds)} orders/s; ` +
    `/ write floor ${(outbound.orders / outbound.pullSeconds / floor.ordersPerSecond).toFixed(2)}. Partner webhooks, ${outbound.endpoints} endpoints on a local receiver: ` +
    `each of ${outbound.deliveryOrders} pulled orders updated by a pull, ${outbound.throughput.deliveries} signed deliveries in ${outbound.throughput.seconds.toFixed(1)} s = ` +
    `${Math.round(outbound.throughput.perSecond)} deliveries/s. At ${Math.round(outbound.latency.perSecond)} deliveries/s (50 updateOrder calls a second), ` +
    `event to arrival p50 ${outbound.latency.p50Ms} ms, p99 ${outbound.latency.p99Ms} ms, max ${outbound.latency.maxMs} ms. ` +
    `With one endpoint answering after 5 s, the other nine took ${outbound.isolation.deliveries} deliveries at ` +
    `${Math.round(outbound.isolation.perSecond)}/s = ${outbound.isolation.ratio.toFixed(2)} of their share of the throughput above.`,
);
// ---- bulk operations
const exported = await exportBench(url, BENCH_WORKSPACE_ID);
// Best of two: on a shared machine one run of the floor can be a fifth slower than the next.
const exportFloorRun = faster(await exportFloor(url, BENCH_WORKSPACE_ID), await exportFloor(url, BENCH_WORKSPACE_ID));
const uploaded = await bulkImportBench(BULK_IMPORT_ORDERS);
log();
log(
  `10. Bulk export: the ${exported.first.orders} seeded orders with every relation, through exportOrders on a gateway server, in ` +
    `${exported.first.seconds.toFixed(1)} s = ${Math.round(exported.first.ordersPerSecond)} orders/s as the server's first export, ` +
    `${exported.second.seconds.toFixed(1)} s = ${Math.round(exported.second.ordersPerSecond)} orders/s as its second; server RSS ` +
    `${Math.round(exported.rss.startMb)} MB at start, ${Math.round(exported.rss.peakMb)} MB peak, ${Math.round(exported.rss.endMb)} MB at the end ` +
    `of both. Export floor (the same documents by the same SQL through plain pg, one COPY per connection on two connections, half the orders each, ` +
    `compressed as the export compresses them; best of two runs after the exports): ${Math.round(exportFloorRun.ordersPerSecond)} orders/s; first export / floor ` +
    `${(exported.first.ordersPerSecond / exportFloorRun.ordersPerSecond).toFixed(2)}, second / floor ${(exported.second.ordersPerSecond / exportFloorRun.ordersPerSecond).toFixed(2)}. ` +
    `Bulk import: ${uploaded.http.orders} native orders ` +
    `uploaded to POST /bulk/imports with curl (one NDJSON file per source, one after another, each waited for) in ${uploaded.http.seconds.toFixed(1)} s = ` +
    `${Math.round(uploaded.http.ordersPerSecond)} orders/s, each file timed from the start of its upload to its operation's completedAt, ` +
    `${uploaded.http.uploadSeconds!.toFixed(1)} s of it sending the files (server RSS ${Math.round(uploaded.http.rss.startMb)} MB at start, ` +
    `${Math.round(uploaded.http.rss.peakMb)} MB peak, after a warm-up import of other files); the same files through npm run import's path, ` +
    `into a fresh database: ${Math.round(uploaded.cli.ordersPerSecond)} orders/s; HTTP / CLI ${(uploaded.http.ordersPerSecond / uploaded.cli.ordersPerSecond).toFixed(2)}, ` +
    `${(uploaded.http.orders / (uploaded.http.seconds - uploaded.http.uploadSeconds!) / uploaded.cli.ordersPerSecond).toFixed(2)} once the files are uploaded.`,
);
// BENCHMARKS.md holds full runs only.
if (READS && !ONLY) {
  await writeFile(join(projectRoot, "BENCHMARKS.md"), `${lines.join("\n")}\n`);
  console.log("BENCHMARKS.md written");
}
process.exit(0);
