import type { Config } from "./config.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { createLoaders, type Loaders } from "./loaders/index.js";

/** What every resolver gets: the database, the caller's workspace and this request's loaders. */
export type Context = {
  prisma: PrismaClient;
  workspaceId: string;
  loaders: Loaders;
  config: Config;
  /** After a write: later fields of the same request must not see cached rows. */
  resetLoaders(): void;
};

export function createContext(prisma: PrismaClient, workspaceId: string, config: Config): Context {
  const context: Context = {
    prisma,
    workspaceId,
    config,
    loaders: createLoaders(prisma, workspaceId, config.maxPageSize),
    resetLoaders() {
      context.loaders = createLoaders(prisma, workspaceId, config.maxPageSize);
    },
  };
  return context;
}
