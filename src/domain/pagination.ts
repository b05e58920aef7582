// Relay-style cursor pagination over a list sorted by (timestamp, id).
// Cursors are opaque to clients: base64url of "<epoch ms>:<uuid>".
import { isUuid } from "./ids.js";
import { DomainRuleError } from "./rule-error.js";

export type PageArgs = {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
};

export type Cursor = { at: Date; id: string };

export type PageRequest = {
  /** forward: the first `limit` rows after `cursor`; backward: the last `limit` rows before it. */
  direction: "forward" | "backward";
  limit: number;
  cursor: Cursor | null;
};

export class PaginationError extends DomainRuleError {}

export const DEFAULT_PAGE_SIZE = 20;

export function parsePageArgs(args: PageArgs, maxPageSize: number): PageRequest {
  const { first, after, last, before } = args;
  if (first != null && last != null) throw new PaginationError("Pass either `first` or `last`, not both.");
  if (after != null && before != null) throw new PaginationError("Pass either `after` or `before`, not both.");
  for (const [name, value] of [
    ["first", first],
    ["last", last],
  ] as const) {
    if (value == null) continue;
    if (value < 0) throw new PaginationError(`\`${name}\` must not be negative.`);
    if (value > maxPageSize) {
      throw new PaginationError(`\`${name}\` must not exceed ${maxPageSize}; page through larger results with cursors.`);
    }
  }
  const backward = last != null || (before != null && first == null);
  if (backward) {
    return { direction: "backward", limit: last ?? DEFAULT_PAGE_SIZE, cursor: before ? decodeCursor(before) : null };
  }
  return { direction: "forward", limit: first ?? DEFAULT_PAGE_SIZE, cursor: after ? decodeCursor(after) : null };
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at.getTime()}:${cursor.id}`).toString("base64url");
}

export function decodeCursor(value: string): Cursor {
  const decoded = Buffer.from(value, "base64url").toString();
  const separator = decoded.indexOf(":");
  const ms = Number(decoded.slice(0, separator));
  const id = decoded.slice(separator + 1);
  if (separator < 1 || !Number.isSafeInteger(ms) || !isUuid(id)) {
    throw new PaginationError(`Invalid cursor: ${JSON.stringify(value)}.`);
  }
  return { at: new Date(ms), id };
}

export type Page<T> = {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
};

/** An edge whose cursor is encoded when read: most queries ask for nodes alone. */
class Edge<T> {
  constructor(
    readonly node: T,
    private readonly cursorOf: (row: T) => Cursor,
  ) {}
  get cursor(): string {
    return encodeCursor(this.cursorOf(this.node));
  }
}

/**
 * Turns the rows fetched for `request` (up to limit + 1, in fetch order: the
 * page's own order when forward, reversed when backward) into a page.
 */
export function toPage<T>(rows: T[], request: PageRequest, cursorOf: (row: T) => Cursor): Page<T> {
  const hasMore = rows.length > request.limit;
  const kept = rows.slice(0, request.limit);
  if (request.direction === "backward") kept.reverse();
  const edges = kept.map((node) => new Edge(node, cursorOf));
  const forward = request.direction === "forward";
  return {
    edges,
    pageInfo: {
      hasNextPage: forward ? hasMore : request.cursor !== null,
      hasPreviousPage: forward ? request.cursor !== null : hasMore,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}

/**
 * The most items each of an order's plain lists answers: what such a list
 * costs in a query that does not size it. The largest lists any source sends
 * in one payload; a shipment whose scans grew past its cap answers its latest.
 */
export const LIST_CAPS = { lineItems: 1000, shipments: 100, scanEvents: 1000 } as const;

export type ListWindowArgs = { first?: number | null; last?: number | null };

function checkSize(name: string, value: number | null | undefined, cap: number) {
  if (value != null && (value < 0 || value > cap)) throw new PaginationError(`\`${name}\` must be between 0 and ${cap}.`);
}

/** The part of a bounded list that `first` or `last` asks for; unsized, the first (or with `keepLatest`, the last) `cap` items. */
export function listWindow<T>(items: readonly T[], args: ListWindowArgs, cap: number, keepLatest = false): readonly T[] {
  const { first, last } = args;
  if (first != null && last != null) throw new PaginationError("Pass either `first` or `last`, not both.");
  checkSize("first", first, cap);
  checkSize("last", last, cap);
  if (first != null) return items.length > first ? items.slice(0, first) : items;
  if (last != null) return items.length > last ? items.slice(items.length - last) : items;
  if (items.length <= cap) return items;
  return keepLatest ? items.slice(items.length - cap) : items.slice(0, cap);
}

/**
 * A page by (createdAt, id), newest first, as Prisma's findMany takes it:
 * the rows past the cursor, their order, and one row more than the page (to
 * tell whether there is a next one).
 */
export function newestFirst(request: PageRequest) {
  const forward = request.direction === "forward";
  const cursor = request.cursor;
  const past = forward ? "lt" : "gt";
  const direction = forward ? ("desc" as const) : ("asc" as const);
  return {
    where: cursor ? { OR: [{ createdAt: { [past]: cursor.at } }, { createdAt: cursor.at, id: { [past]: cursor.id } }] } : {},
    orderBy: [{ createdAt: direction }, { id: direction }],
    take: request.limit + 1,
  };
}

/** A place in the events feed: after the event written by transaction txId as row seq (both decimal text). */
export type FeedCursor = { txId: string; seq: string };

export function encodeFeedCursor(cursor: FeedCursor): string {
  return Buffer.from(`feed:${cursor.txId}:${cursor.seq}`).toString("base64url");
}

export function decodeFeedCursor(value: string): FeedCursor {
  const match = /^feed:(\d{1,20}):(\d{1,19})$/.exec(Buffer.from(value, "base64url").toString());
  if (!match) throw new PaginationError(`Invalid cursor: ${JSON.stringify(value)}.`);
  return { txId: match[1]!, seq: match[2]! };
}
