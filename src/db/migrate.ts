// Schema migrations are Prisma migrations (prisma/migrations), applied by
// `prisma migrate deploy`. Starting the CLI costs seconds, so the app first
// compares _prisma_migrations with the migrations folder and only runs the CLI
// when something is pending.
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const migrationsDir = join(projectRoot, "prisma", "migrations");

export type RunQuery = (sql: string) => Promise<Array<Record<string, unknown>>>;

let migrationNames: Promise<string[]> | undefined;

/** The migrations this build ships (read once). */
function knownMigrations(): Promise<string[]> {
  migrationNames ??= readdir(migrationsDir, { withFileTypes: true }).then((entries) =>
    entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort(),
  );
  return migrationNames;
}

export async function pendingMigrations(query: RunQuery): Promise<string[]> {
  const known = await knownMigrations();
  let applied = new Set<string>();
  try {
    const rows = await query(
      `SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    applied = new Set(rows.map((row) => String(row.name)));
  } catch (error) {
    if (!/_prisma_migrations/.test(String((error as Error).message))) throw error;
  }
  return known.filter((name) => !applied.has(name));
}

const DONE = /All migrations have been successfully applied|No pending migrations to apply/;

/**
 * Runs `prisma migrate deploy` against `url` in a child process. Must stay
 * asynchronous: for the embedded database the socket that the CLI talks to is
 * served by this process's event loop.
 */
export async function runMigrateDeploy(url: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const cli = require.resolve("prisma/build/index.js");
  const child = spawn(process.execPath, [cli, "migrate", "deploy"], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_URL: url,
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      // engine "js" needs no query engine, but the CLI still looks for one
      // unless told where it is; any existing file will do.
      PRISMA_QUERY_ENGINE_LIBRARY: join(projectRoot, "prisma", "schema.prisma"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let succeeded = false;
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    // The wasm schema engine leaves a ~10 s timer running after it is done;
    // once the CLI has reported success the work is committed, so stop it.
    if (!succeeded && DONE.test(output)) {
      succeeded = true;
      child.kill("SIGTERM");
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const code = await new Promise<number | null>((resolveExit, reject) => {
    child.on("error", reject);
    child.on("exit", (exitCode) => resolveExit(exitCode));
  });
  if (!succeeded && code !== 0) {
    throw new Error(`prisma migrate deploy failed (exit ${code}):\n${output.trim()}`);
  }
}
