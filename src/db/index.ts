// Opens the database the configuration names: PostgreSQL through the pg driver
// adapter, or an embedded PostgreSQL (PGlite) in a data directory. Either way
// the schema is brought up to date with Prisma migrations before use.
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQueryable } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Config } from "../config.js";
import { PrismaClient } from "../generated/prisma/client.js";
import {
  createPgliteSql,
  createPreparedSql,
  type DisposableSql,
  type Sql,
  type StatementListener,
  type TransactionalSql,
} from "../store/executor.js";
import { coalescingSocket } from "./coalescing-socket.js";
import { lockDataDir } from "./data-dir-lock.js";
import { pendingMigrations, runMigrateDeploy } from "./migrate.js";
import { skipEmptyRowObjectsForArrayRows } from "./pg-array-rows.js";

export type { StatementListener };

export type Database = {
  kind: "postgres" | "pglite";
  /** Where the job queue connects: its own pool on PostgreSQL, the same instance on PGlite. */
  connection: { kind: "postgres"; url: string } | { kind: "pglite"; pglite: PGlite };
  prisma: PrismaClient;
  /** The order store's SQL (see store/executor.ts), on the primary. */
  sql: TransactionalSql;
  /** The same, on a read replica when there are any (round robin), else the primary. */
  readSql: Sql;
  /** Calls `listener` for every SQL statement sent; returns an unsubscribe. */
  onStatement(listener: StatementListener): () => void;
  close(): Promise<void>;
};

export async function openDatabase(database: Config["database"]): Promise<Database> {
  if (database.kind === "postgres") return openPostgres(database.url, { replicaUrls: database.replicaUrls, poolSize: database.poolSize });
  await mkdir(dirname(database.dataDir), { recursive: true });
  const unlock = await lockDataDir(database.dataDir);
  try {
    const db = await openPglite(await createPglite({ dataDir: database.dataDir }));
    return { ...db, close: () => db.close().finally(unlock) };
  } catch (error) {
    await unlock();
    throw error;
  }
}

/** A PGlite instance with the extensions the migrations use (pg_trgm for search). */
export function createPglite(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<PGlite> {
  return PGlite.create({ ...options, extensions: { pg_trgm } });
}

/**
 * The session settings of the connections an export copies its lines out on.
 * Their subqueries read a few rows an order by index, for hundreds of
 * orders, so they are planned without bitmap scans, whose setup on each
 * lookup (a bitmap, the table's size asked of the file system) cost a sixth
 * of building the lines. And without JIT compilation: on tables not yet
 * analyzed the plan's estimated cost passes jit_above_cost, and compiling
 * the statement, which is planned anew for every batch, took 220 ms of a 300
 * ms batch of 500 orders (and seconds where the estimate passed the
 * thresholds for optimizing and inlining too).
 */
export const COPY_SESSION_OPTIONS = "-c enable_bitmapscan=off -c jit=off";

export async function openPostgres(
  url: string,
  options: { migrate?: boolean; replicaUrls?: string[]; poolSize?: number } = {},
): Promise<Database> {
  if (options.migrate !== false) await migratePostgres(url);
  skipEmptyRowObjectsForArrayRows();
  // Bounded waits: when PostgreSQL is away, requests fail within seconds
  // instead of hanging, and the pool reconnects by itself when it returns.
  // Each pool (writes, reads, copies) holds up to poolSize connections.
  const limits = { connectionTimeoutMillis: 5_000, query_timeout: 30_000, max: options.poolSize ?? 10 };
  const pool = (config: pg.PoolConfig) => {
    const created = new pg.Pool({ ...limits, ...config });
    // A connection dropped while idle is replaced by the next query; without
    // a listener the pool's error event would end the process.
    created.on("error", () => {});
    return created;
  };
  const store = (connectionString: string, report?: StatementListener) =>
    createPreparedSql(
      {
        // Pipelined: a statement goes out without waiting for the answer to
        // the one before (what the store's transactions build on).
        statements: pool({ connectionString, pipeline: true, stream: coalescingSocket }),
        // COPY cannot run on a connection that pipelines: a second pool, which
        // connects only when an export copies its lines out.
        copies: pool({ connectionString, options: COPY_SESSION_OPTIONS }),
      },
      report,
    );
  const replicas = (options.replicaUrls ?? []).map((replica) => store(replica));
  const db = wrap(
    { kind: "postgres", url },
    new PrismaPg({ connectionString: url, ...limits }),
    async () => {
      await Promise.all(replicas.map((replica) => replica.dispose()));
    },
    (report) => store(url, report),
  );
  if (!replicas.length) return db;
  let next = 0;
  return { ...db, readSql: (text, args, sqlOptions) => replicas[next++ % replicas.length]!(text, args, sqlOptions) };
}

export async function migratePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const pending = await pendingMigrations(async (sql) => (await client.query(sql)).rows);
    if (pending.length > 0) await runMigrateDeploy(url);
  } finally {
    await client.end();
  }
}

/** Takes ownership of an open PGlite instance: migrates it and closes it on close(). */
export async function openPglite(pglite: PGlite, options: { migrate?: boolean } = {}): Promise<Database> {
  if (options.migrate !== false) await migratePglite(pglite);
  return wrap(
    { kind: "pglite", pglite },
    new PrismaPGlite(pglite) as unknown as SqlDriverAdapterFactory,
    () => pglite.close(),
    (report) => createPgliteSql(pglite, report),
  );
}

export async function migratePglite(pglite: PGlite): Promise<void> {
  const pending = await pendingMigrations(async (sql) => (await pglite.query<Record<string, unknown>>(sql)).rows);
  if (pending.length === 0) return;
  // The Prisma CLI runs in its own process; it reaches this process's PGlite
  // through a loopback socket served for the duration of the migration.
  const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port: 0 });
  await server.start();
  try {
    await runMigrateDeploy(`postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`);
  } finally {
    await server.stop();
  }
}

function wrap(
  connection: Database["connection"],
  factory: SqlDriverAdapterFactory,
  closeDriver: () => Promise<void>,
  storeSql: (report: StatementListener) => DisposableSql,
): Database {
  const listeners = new Set<StatementListener>();
  const report = (sql: string) => {
    for (const listener of listeners) listener(sql);
  };
  const counted = countingFactory(factory, report);
  const prisma = new PrismaClient({ adapter: counted });
  const sql = storeSql(report);
  return {
    kind: connection.kind,
    connection,
    prisma,
    sql,
    readSql: sql,
    onStatement(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await prisma.$disconnect();
      await sql.dispose();
      await closeDriver();
    },
  };
}

// Wraps a driver adapter so that every statement, in or out of a transaction,
// is reported: tests assert statement counts and the benchmark reports them.
// Inside a transaction statements are also sent one at a time: Prisma sends an
// include's relation queries side by side, and a transaction is one pg client,
// which deprecates (and pg@9 refuses) a query while another is running.
function countingFactory(factory: SqlDriverAdapterFactory, report: StatementListener): SqlDriverAdapterFactory {
  const countQueries = <T extends SqlQueryable>(target: T, oneAtATime: boolean): T => {
    let previous: Promise<unknown> = Promise.resolve();
    return new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver);
        if (prop === "queryRaw" || prop === "executeRaw") {
          return (query: { sql: string }) => {
            const send = () => {
              report(query.sql);
              return (value as (q: unknown) => Promise<unknown>).call(obj, query);
            };
            if (!oneAtATime) return send();
            const result = previous.then(send);
            previous = result.catch(() => undefined);
            return result;
          };
        }
        if (prop === "startTransaction") {
          return async (...args: unknown[]) =>
            countQueries(await (value as (...a: unknown[]) => Promise<SqlQueryable>).apply(obj, args), true);
        }
        return typeof value === "function" ? value.bind(obj) : value;
      },
    });
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => countQueries((await factory.connect()) as SqlDriverAdapter, false),
  };
}
