// The connections over Prisma lists (webhook deliveries, bulk operations):
// pages newest first, by (createdAt, id).
import { newestFirst, type PageArgs, parsePageArgs, toPage } from "../domain/pagination.js";
import { asClientError } from "../errors.js";

/** A page of rows that `find` reads with the page's where, order and size. */
export async function newestFirstPage<T extends { createdAt: Date; id: string }>(
  args: PageArgs,
  maxPageSize: number,
  find: (page: ReturnType<typeof newestFirst>) => Promise<T[]>,
) {
  let request;
  try {
    request = parsePageArgs(args, maxPageSize);
  } catch (error) {
    throw asClientError(error);
  }
  return toPage(await find(newestFirst(request)), request, (row) => ({ at: row.createdAt, id: row.id }));
}
