// The command-line tools as a user runs them: child processes on their own database.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { nativeOrder } from "../bench/native-orders.js";
import { openDatabase } from "../src/db/index.js";
import { projectRoot } from "../src/db/migrate.js";
import { createGateway } from "../src/server.js";
import { createPostgresTestDatabase, testConfig } from "./helpers.js";

const run = promisify(execFile);
let dir: string;
let env: Record<string, string>;
let dropDatabase = async () => {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gateway-import-"));
  if (process.env.DATABASE_URL) {
    const created = await createPostgresTestDatabase();
    env = { DATABASE_URL: created.url };
    dropDatabase = created.drop;
  } else {
    env = { PGLITE_DIR: join(dir, "pglite") };
  }
});
afterAll(async () => {
  await dropDatabase();
  await rm(dir, { recursive: true, force: true });
});

const importCli = (...args: string[]) => cli("src/cli/import.ts", ...args);
const apikeyCli = (...args: string[]) => cli("src/cli/apikey.ts", ...args);

async function cli(script: string, ...args: string[]) {
  const { DATABASE_URL: _, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: projectRoot,
      env: { ...inherited, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

it("imports an NDJSON file, reports each failure by line and exits 2 when some failed", async () => {
  const file = join(dir, "orders.ndjson");
  const lines = Array.from({ length: 30 }, (_, n) => JSON.stringify(nativeOrder("MALOMO", n, "cli")));
  lines.splice(10, 0, "{ not json");
  lines.splice(20, 0, JSON.stringify({ id: "no-shipment-code", shipments: [{ carrier: "usps" }] }));
  await writeFile(file, `${lines.join("\n")}\n`);

  const first = await importCli("--source", "malomo", file);
  expect(first.stdout, first.stderr).toContain("created 30, updated 0, unchanged 0, failed 2");
  expect(first.stdout).toMatch(/line 11: not valid JSON/);
  expect(first.stdout).toMatch(/line 21: .*tracking_code/);
  expect(first.code).toBe(2);

  const again = await importCli("--source", "MALOMO", file);
  expect(again.stdout).toContain("created 0, updated 0, unchanged 30, failed 2");

  const db = await openDatabase(
    env.DATABASE_URL ? { kind: "postgres", url: env.DATABASE_URL } : { kind: "pglite", dataDir: env.PGLITE_DIR! },
  );
  try {
    expect(await db.prisma.order.count({ where: { source: "MALOMO" } })).toBe(30);
  } finally {
    await db.close();
  }
}, 120_000);

it("imports a JSON array file and explains bad usage", async () => {
  const file = join(dir, "orders.json");
  await writeFile(file, JSON.stringify([nativeOrder("TRACKMAGE", 1, "cli"), nativeOrder("TRACKMAGE", 2, "cli")]));
  const result = await importCli("--source", "trackmage", file);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain("created 2, updated 0, unchanged 0, failed 0");

  const usage = await importCli("--source", "shopify", file);
  expect(usage.code).toBe(1);
  expect(usage.stderr).toMatch(/usage: npm run import -- --source <malomo\|flexport\|storefront\|trackmage>/);
}, 120_000);

it("creates API keys that work at once, prints the key last, and revokes them by prefix", async () => {
  const created = await apikeyCli("create", "--workspace", "acme", "--scope", "read", "--label", "partner A");
  expect(created.code).toBe(0);
  const key = created.stdout.trim().split("\n").at(-1)!;
  expect(key).toMatch(/^ogk_[0-9A-Za-z]{10}_[0-9A-Za-z]{32}$/);
  const prefix = key.slice(0, 14);

  const ask = async () => {
    const database = env.DATABASE_URL
      ? { kind: "postgres" as const, url: env.DATABASE_URL }
      : { kind: "pglite" as const, dataDir: env.PGLITE_DIR! };
    const db = await openDatabase(database);
    try {
      const gateway = await createGateway(testConfig({ database }), db);
      try {
        const response = await gateway.yoga.fetch("http://localhost/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": "27", authorization: `Bearer ${key}` },
          body: '{"query":"{ __typename }"}',
        });
        return response.status;
      } finally {
        await gateway.close();
      }
    } finally {
      await db.close();
    }
  };
  expect(await ask()).toBe(200);

  const listed = await apikeyCli("list", "--workspace", "acme");
  expect(listed.stdout).toMatch(new RegExp(`${prefix}\\s+read\\s+.*active\\s+partner A`));
  expect(listed.stdout).not.toContain(key);

  expect((await apikeyCli("revoke", prefix)).stdout).toContain(`revoked ${prefix}`);
  expect(await ask()).toBe(401);
  expect((await apikeyCli("revoke", prefix)).code).toBe(1);
  expect((await apikeyCli("create", "--workspace", "Not A Slug")).code).toBe(1);

  const publishable = await apikeyCli("create", "--workspace", "acme", "--scope", "public", "--origin", "https://shop.example/");
  expect(publishable.code).toBe(0);
  expect(publishable.stdout).toContain("usable from https://shop.example");
  const publicPrefix = publishable.stdout.trim().split("\n").at(-1)!.slice(0, 14);
  expect((await apikeyCli("list", "--workspace", "acme")).stdout).toMatch(
    new RegExp(`${publicPrefix}\\s+public\\s+.*active\\s+https://shop.example`),
  );
  const noOrigin = await apikeyCli("create", "--workspace", "acme", "--scope", "public");
  expect(noOrigin.code).toBe(1);
  expect(noOrigin.stderr).toContain("--origin https://shop.example");
  expect((await apikeyCli("create", "--workspace", "acme", "--scope", "public", "--origin", "shop.example")).code).toBe(1);
  expect((await apikeyCli("create", "--workspace", "acme", "--scope", "read", "--origin", "https://shop.example")).code).toBe(1);
}, 120_000);
