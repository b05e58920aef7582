import type { Caller } from "./auth/api-keys.js";
import type { Config } from "./config.js";
import type { Database } from "./db/index.js";
import type { Sql } from "./db/sql.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { createLoaders, type Loaders } from "./loaders/index.js";

/** What every resolver gets: the database, the caller's workspace and this request's loaders. */
export type Context = {
  prisma: PrismaClient;
  /** Explicit SQL for reads on hot paths. */
  sql: Sql;
  /** Who is calling, from their API key. */
  caller: Caller;
  /** The caller's workspace: every read and write is scoped to it. */
  workspaceId: string;
  loaders: Loaders;
  config: Config;
  /** After a write: later fields of the same request must not see cached rows. */
  resetLoaders(): void;
};

export function createContext(db: Database, caller: Caller, config: Config): Context {
  const workspaceId = caller.workspaceId;
  const context: Context = {
    prisma: db.prisma,
    sql: db.sql,
    caller,
    workspaceId,
    config,
    loaders: createLoaders(db.sql, workspaceId, config.maxPageSize),
    resetLoaders() {
      context.loaders = createLoaders(db.sql, workspaceId, config.maxPageSize);
    },
  };
  return context;
}
