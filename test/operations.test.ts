import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { Writable } from "node:stream";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { openPostgres } from "../src/db/index.js";
import { projectRoot } from "../src/db/migrate.js";
import { createGateway } from "../src/server.js";
import type { Sql, TransactionalSql } from "../src/store/executor.js";
import { createPostgresTestDatabase, createTestGateway, type TestGateway, testConfig } from "./helpers.js";
import { type ServerProcess, type StartCommand, startServerProcess, stopServerProcess } from "./processes.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const post = (target: TestGateway, body: object, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  return target.yoga.fetch("http://localhost/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "content-length": String(text.length),
      authorization: `Bearer ${target.key}`,
      ...headers,
    },
    body: text,
  });
};

describe("readiness", () => {
  it("answers 200 while the database answers, 503 with the reason when it does not", async () => {
    const ready = await gw.yoga.fetch("http://localhost/ready");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });

    // A database that is not there: reads fail fast, /ready says so, and a
    // GraphQL request gets a clear error instead of hanging.
    const away = await openPostgres("postgresql://postgres@127.0.0.1:1/none", { migrate: false });
    try {
      // Built while the database answers (it ensures the demo workspace), then the database goes.
      let target: TransactionalSql = gw.db.sql;
      const sql = Object.assign(((text, args, options) => target(text, args, options)) as Sql, {
        transaction: <T>(work: (tx: Sql) => Promise<T>) => target.transaction(work),
        copyLines: (select: string) => target.copyLines(select),
        dispose: async () => {},
      });
      const going = { ...away, sql, readSql: sql, prisma: gw.db.prisma, connection: gw.db.connection };
      const unready = await createGateway(testConfig({ jobs: { ...testConfig().jobs, enabled: false } }), going);
      onTestFinished(() => unready.close());
      target = away.sql;
      const started = performance.now();
      const response = await unready.yoga.fetch("http://localhost/ready");
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body).toEqual({ status: "unavailable", reason: expect.stringMatching(/^database: (DatabaseNotReachable|.*ECONNREFUSED)/) });
      // Anyone may ask: the answer names no host, port or database.
      expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|:1\b|none/);
      const query = await post({ ...gw, yoga: unready.yoga }, { query: "{ orders { totalCount } }" });
      expect(query.status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(await query.json())).toMatch(/Unexpected error/);
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      await away.close();
    }
  });
});

describe("readiness of the schema", () => {
  it("answers 503 when the database lacks a migration this build ships", async () => {
    const lost = await createTestGateway(testConfig({ jobs: { ...testConfig().jobs, enabled: false } }));
    try {
      expect((await lost.yoga.fetch("http://localhost/ready")).status).toBe(200);
      await lost.db.prisma.$executeRawUnsafe(
        `DELETE FROM _prisma_migrations WHERE migration_name = (SELECT max(migration_name) FROM _prisma_migrations)`,
      );
      const response = await lost.yoga.fetch("http://localhost/ready");
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "unavailable", reason: "schema: 1 migration(s) not applied" });
    } finally {
      await lost.close();
    }
  });
});

describe("database faults", () => {
  it.skipIf(!process.env.DATABASE_URL)("answers clearly while connections are lost and recovers by itself", async () => {
    const [{ name }] = (await gw.db.sql<{ name: string }>("SELECT current_database()::text AS name")) as [{ name: string }];
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
    } finally {
      await admin.end();
    }
    // A request on a dropped connection may fail, as a masked error and not a
    // crash; the pool then reconnects without help.
    const answers = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const body = await (await post(gw, { query: "{ orders { totalCount } }" })).json();
      answers.push(body);
      if (body.data) break;
      expect(body.errors[0].message).toBe("Unexpected error.");
    }
    expect(answers.at(-1)).toMatchObject({ data: { orders: { totalCount: expect.any(Number) } } });
    expect((await gw.yoga.fetch("http://localhost/ready")).status).toBe(200);
  });
});

describe("metrics", () => {
  it("counts requests, their latency and errors by operation name", async () => {
    await post(gw, { query: "query RecentOrders { orders { totalCount } }" });
    await post(gw, { query: 'query Broken { order(id: "nope") { id } }' });
    const text = await (await gw.yoga.fetch("http://localhost/metrics")).text();
    expect(text).toMatch(/graphql_envelop_request\{[^}]*operationName="RecentOrders"[^}]*\} 1/);
    expect(text).toMatch(/graphql_envelop_request_duration_bucket\{[^}]*operationName="RecentOrders"/);
    expect(text).toMatch(/graphql_envelop_error_result\{[^}]*operationName="Broken"/);
    expect(text).toMatch(/graphql_yoga_http_duration_bucket/);
  });
});

describe("request log", () => {
  it("writes one JSON line per request with an id, and sends the id back", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write: (chunk, _enc, done) => {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logged = await createGateway(testConfig(), gw.db, { logger: pino({ base: undefined }, sink) });
    onTestFinished(() => logged.close());
    const target = { ...gw, yoga: logged.yoga };

    const given = await post(target, { query: "{ __typename }" }, { "x-request-id": "trace-42" });
    expect(given.headers.get("x-request-id")).toBe("trace-42");
    const made = await post(target, { query: "{ __typename }" }, { "x-request-id": "not ok!" });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      expect.objectContaining({ requestId: "trace-42", method: "POST", path: "/graphql", status: 200, ms: expect.any(Number) }),
      expect.objectContaining({ requestId: made.headers.get("x-request-id"), status: 200 }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(gw.key);
  });
});

describe("shutdown", () => {
  beforeAll(() => {
    // The production build is what `npm run start:production` runs: built here so it is never stale.
    execFileSync("npm", ["run", "build", "--silent"], { cwd: projectRoot, stdio: "pipe" });
  }, 180_000);

  it.each<StartCommand>(["npm start", "npm run start:production"])(
    "stops gracefully and closes its port when the process `%s` created gets SIGTERM",
    async (how) => {
      const database = process.env.DATABASE_URL ? await createPostgresTestDatabase() : null;
      const env: Record<string, string> = database
        ? { DATABASE_URL: database.url }
        : { PGLITE_DIR: join(projectRoot, ".data", `shutdown-${process.pid}`) };
      let server: ServerProcess | undefined;
      try {
        server = await startServerProcess(env, how);
        expect((await fetch(`${server.base}/health`)).status).toBe(200);
        const stoppedAt = Date.now();
        const exited = new Promise<number | null>((resolve) => server!.child.once("exit", resolve));
        server.child.kill("SIGTERM");
        expect(await exited).toBe(0);
        expect(Date.now() - stoppedAt).toBeLessThan(10_000);
        expect(server.output()).toContain("SIGTERM: shutting down");
        // Nothing is left answering: the server itself stopped, not only npm.
        await expect(fetch(`${server.base}/health`)).rejects.toThrow();
      } finally {
        if (server) await stopServerProcess(server.child, "SIGKILL");
        await database?.drop();
        if (!database)
          await import("node:fs/promises").then((fs) =>
            fs.rm(env.PGLITE_DIR!, { recursive: true, force: true }).then(() => fs.rm(`${env.PGLITE_DIR}.lock`, { force: true })),
          );
      }
    },
    120_000,
  );
});
