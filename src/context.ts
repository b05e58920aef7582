import type { Caller } from "./auth/api-keys.js";
import type { Config } from "./config.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { createLoaders, type Loaders } from "./loaders/index.js";

/** What every resolver gets: the database, the caller's workspace and this request's loaders. */
export type Context = {
  prisma: PrismaClient;
  /** Who is calling, from their API key. */
  caller: Caller;
  /** The caller's workspace: every read and write is scoped to it. */
  workspaceId: string;
  loaders: Loaders;
  config: Config;
  /** After a write: later fields of the same request must not see cached rows. */
  resetLoaders(): void;
};

export function createContext(prisma: PrismaClient, caller: Caller, config: Config): Context {
  const workspaceId = caller.workspaceId;
  const context: Context = {
    prisma,
    caller,
    workspaceId,
    config,
    loaders: createLoaders(prisma, workspaceId, config.maxPageSize),
    resetLoaders() {
      context.loaders = createLoaders(prisma, workspaceId, config.maxPageSize);
    },
  };
  return context;
}
