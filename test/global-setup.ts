// Migrates once per run, so that each test file can start from a migrated
// copy: a PGlite data-dir dump, or a PostgreSQL template database.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { createPglite, migratePglite, migratePostgres } from "../src/db/index.js";
import { TEMPLATE_DATABASE, withDatabase } from "./database-url.js";

export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // Made afresh each run: a template kept from an earlier checkout could
      // hold a migration of the same name with other contents.
      await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
    } finally {
      await admin.end();
    }
    await migratePostgres(withDatabase(url, TEMPLATE_DATABASE));
    project.provide("pgliteDump", "");
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), "gateway-test-"));
  const pglite = await createPglite();
  await migratePglite(pglite);
  const dump = await pglite.dumpDataDir("none");
  await pglite.close();
  const dumpPath = join(dir, "migrated.tar");
  await writeFile(dumpPath, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgliteDump", dumpPath);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    pgliteDump: string;
  }
}
