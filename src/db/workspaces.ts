import type { Sql } from "../store/executor.js";
import { newId } from "../store/ids.js";
import { first, q } from "../store/schema.js";

export const DEMO_WORKSPACE = "demo";

/**
 * The workspace with this slug, created when there is none. Through the
 * store's SQL rather than Prisma: `npm run import` then never loads Prisma's
 * query compiler, about 30 MB of its memory.
 */
export async function ensureWorkspace(sql: Sql, slug: string, name = slug) {
  const query = q
    .insertInto("workspace")
    .values({ id: newId(), slug, name })
    // A no-op update, so that the row comes back when it already exists.
    .onConflict((conflict) => conflict.column("slug").doUpdateSet({ slug }))
    .returningAll();
  return (await first(sql, query))!;
}
