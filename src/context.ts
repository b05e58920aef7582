import type { Caller } from "./auth/caller.js";
import type { Config } from "./config.js";
import type { Database } from "./db/index.js";
import type { PubSub } from "./events.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import type { Outbound } from "./jobs/index.js";
import { createLoaders, type Loaders } from "./loaders/index.js";
import type { Sql, TransactionalSql } from "./store/executor.js";

/** What every resolver gets: the database, the caller's workspace and this request's loaders. */
export type Context = {
  prisma: PrismaClient;
  /** The order store's SQL on the primary: what writes run on. */
  store: TransactionalSql;
  /** Explicit SQL for reads on hot paths: a replica until the request writes, then the primary. */
  sql: Sql;
  /** Who is calling, from their API key. */
  caller: Caller;
  /** The caller's workspace: every read and write is scoped to it. */
  workspaceId: string;
  loaders: Loaders;
  config: Config;
  /** Changes for subscriptions; publish only after the write committed. */
  pubsub: PubSub;
  /** Outbound work: the outbox writes record into, and pulls from sources. */
  outbound: Outbound;
  /**
   * After a write: later fields of the same request must see it, so they get
   * fresh loaders, and read from the primary (a replica may lag behind).
   */
  resetLoaders(): void;
};

export function createContext(db: Database, caller: Caller, config: Config, pubsub: PubSub, outbound: Outbound): Context {
  const workspaceId = caller.workspaceId;
  return {
    prisma: db.prisma,
    store: db.sql,
    sql: db.readSql,
    caller,
    workspaceId,
    config,
    pubsub,
    outbound,
    loaders: createLoaders(db.readSql, workspaceId, config.maxPageSize, caller.customerEmail),
    // `this`, not `context`: Yoga merges this object into its own, and
    // resolvers get that one.
    resetLoaders(this: Context) {
      this.sql = db.sql;
      this.loaders = createLoaders(db.sql, workspaceId, config.maxPageSize, caller.customerEmail);
    },
  };
}
