// Test support: a fresh, migrated database per test file (PGlite by default,
// PostgreSQL when DATABASE_URL is set) and a gateway over it.

import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { createApiKey } from "../src/auth/api-keys.js";
import { type Config, loadConfig } from "../src/config.js";
import { createPglite, type Database, openPglite, openPostgres } from "../src/db/index.js";
import { ensureWorkspace } from "../src/db/workspaces.js";
import type { OrderInput } from "../src/domain/order-input.js";
import { createGateway, type Gateway } from "../src/server.js";
import { insertOrder } from "../src/store/orders.js";
import { TEMPLATE_DATABASE, withDatabase } from "./database-url.js";

export async function openTestDatabase(): Promise<Database> {
  if (!process.env.DATABASE_URL) {
    const dump = await readFile(inject("pgliteDump"));
    const pglite = await createPglite({ loadDataDir: new Blob([dump]) });
    return openPglite(pglite, { migrate: false });
  }
  const { url, drop } = await createPostgresTestDatabase();
  const db = await openPostgres(url, { migrate: false });
  return {
    ...db,
    async close() {
      await db.close();
      await drop();
    },
  };
}

/** A new PostgreSQL database copied from the migrated template (DATABASE_URL mode). */
export async function createPostgresTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const url = process.env.DATABASE_URL!;
  const name = `gateway_test_${randomBytes(6).toString("hex")}`;
  await admin(url, `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
  return {
    url: withDatabase(url, name),
    drop: () => admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  // Keys are checked on every request, so a revocation shows at once.
  const bulkDir = join(tmpdir(), `gateway-bulk-${randomBytes(6).toString("hex")}`);
  return {
    ...loadConfig({ NODE_ENV: "test", DEMO_DATA: "false", API_KEY_CACHE_SECONDS: "0", LOG_LEVEL: "silent", BULK_DIR: bulkDir }),
    ...overrides,
  };
}

export type TestGateway = Gateway & {
  /** The workspace the default key belongs to (the demo workspace). */
  workspaceId: string;
  /** A write key of that workspace, sent by graphql() unless told otherwise. */
  key: string;
  /** Runs a GraphQL operation in-process, with `key` (or none: null), and returns the parsed response (without `extensions`). */
  graphql<T = any>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResponse<T>>;
  /** A new API key for a workspace (created if needed). */
  keyFor(workspaceSlug: string, scope?: "READ" | "WRITE"): Promise<string>;
  /** Adds orders to a workspace (the gateway's own by default) and returns their ids. */
  seed(orders: OrderInput[], workspaceSlug?: string): Promise<string[]>;
  close(): Promise<void>;
};

export type GraphQLResponse<T> = {
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string } }>;
};

export async function createTestGateway(config: Config = testConfig()): Promise<TestGateway> {
  const db = await openTestDatabase();
  const gateway = await createGateway(config, db);
  const { key } = await createApiKey(db.prisma, gateway.demoWorkspaceId, "WRITE", { label: "test" });
  return {
    ...gateway,
    workspaceId: gateway.demoWorkspaceId,
    key,
    async graphql(query, variables, withKey = key) {
      const body = JSON.stringify({ query, variables });
      const response = await gateway.yoga.fetch("http://localhost/graphql", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
          ...(withKey ? { authorization: `Bearer ${withKey}` } : {}),
        },
        body,
      });
      // extensions.cost varies with the query; tests of it read the response whole.
      const { extensions: _cost, ...result } = await response.json();
      return result;
    },
    async keyFor(workspaceSlug, scope = "WRITE") {
      const workspace = await ensureWorkspace(db.sql, workspaceSlug);
      return (await createApiKey(db.prisma, workspace.id, scope, { label: "test" })).key;
    },
    async seed(orders, workspaceSlug) {
      const workspaceId = workspaceSlug ? (await ensureWorkspace(db.sql, workspaceSlug)).id : gateway.demoWorkspaceId;
      const ids: string[] = [];
      for (const order of orders) {
        ids.push((await db.sql.transaction((tx) => insertOrder(tx, workspaceId, order))).id);
      }
      return ids;
    },
    async close() {
      await gateway.close();
      await db.close();
    },
  };
}

/** The API's global id for a database id. */
export function globalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`).toString("base64");
}
