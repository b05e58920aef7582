import type { Config } from "./config.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { createLoaders, type Loaders } from "./loaders/index.js";

/** What every resolver gets: the database, the caller's workspace and this request's loaders. */
export type Context = {
  prisma: PrismaClient;
  workspaceId: string;
  loaders: Loaders;
  config: Config;
};

export function createContext(prisma: PrismaClient, workspaceId: string, config: Config): Context {
  return { prisma, workspaceId, config, loaders: createLoaders(prisma, workspaceId, config.maxPageSize) };
}
