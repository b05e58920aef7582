import type { PrismaClient } from "../generated/prisma/client.js";

export const DEMO_WORKSPACE = "demo";

export async function ensureWorkspace(prisma: PrismaClient, slug: string, name = slug) {
  return prisma.workspace.upsert({ where: { slug }, create: { slug, name }, update: {} });
}
