import { describe, expect, it } from "vitest";
import {
  decodeCursor,
  decodeFeedCursor,
  encodeCursor,
  encodeFeedCursor,
  newestFirst,
  PaginationError,
  parsePageArgs,
  toPage,
} from "../../src/domain/pagination.js";

const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;

describe("parsePageArgs", () => {
  it("defaults to the first 20", () => {
    expect(parsePageArgs({}, 100)).toEqual({ direction: "forward", limit: 20, cursor: null });
  });

  it("reads last/before as a backward page", () => {
    const before = encodeCursor({ at: new Date(5), id: id(1) });
    expect(parsePageArgs({ last: 3, before }, 100)).toEqual({
      direction: "backward",
      limit: 3,
      cursor: { at: new Date(5), id: id(1) },
    });
  });

  it("refuses sizes above the cap, negative sizes and mixed directions", () => {
    expect(() => parsePageArgs({ first: 101 }, 100)).toThrow(PaginationError);
    expect(() => parsePageArgs({ last: -1 }, 100)).toThrow(/must not be negative/);
    expect(() => parsePageArgs({ first: 1, last: 1 }, 100)).toThrow(/either `first` or `last`/);
    expect(() => parsePageArgs({ after: "a", before: "b" }, 100)).toThrow(/either `after` or `before`/);
  });
});

describe("cursors", () => {
  it("round-trip", () => {
    const cursor = { at: new Date("2026-01-02T03:04:05.678Z"), id: id(42) };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it("reject anything not issued by encodeCursor", () => {
    for (const bad of ["", "abc", Buffer.from("12:not-a-uuid").toString("base64url"), Buffer.from(`x:${id(1)}`).toString("base64url")]) {
      expect(() => decodeCursor(bad)).toThrow(/Invalid cursor/);
    }
  });
});

describe("toPage", () => {
  const rows = [1, 2, 3, 4].map((n) => ({ n, at: new Date(n), id: id(n) }));
  const cursorOf = (row: (typeof rows)[number]) => ({ at: row.at, id: row.id });

  it("trims the look-ahead row and reports a next page", () => {
    const page = toPage(rows, { direction: "forward", limit: 3, cursor: null }, cursorOf);
    expect(page.edges.map((e) => e.node.n)).toEqual([1, 2, 3]);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it("restores page order for a backward fetch", () => {
    const fetchedNewestFirst = [...rows].reverse();
    const page = toPage(fetchedNewestFirst, { direction: "backward", limit: 3, cursor: null }, cursorOf);
    expect(page.edges.map((e) => e.node.n)).toEqual([2, 3, 4]);
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});

describe("newestFirst", () => {
  it("asks for the rows past the cursor in the page's direction, one more than the page", () => {
    const at = new Date("2026-12-01T00:00:00Z");
    expect(newestFirst({ direction: "forward", limit: 20, cursor: null })).toEqual({
      where: {},
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 21,
    });
    expect(newestFirst({ direction: "backward", limit: 5, cursor: { at, id: "b" } })).toEqual({
      where: { OR: [{ createdAt: { gt: at } }, { createdAt: at, id: { gt: "b" } }] },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: 6,
    });
  });
});

describe("events feed cursors", () => {
  it("round-trips a position and refuses anything else", () => {
    const cursor = encodeFeedCursor({ txId: "18446744073709551615", seq: "42" });
    expect(decodeFeedCursor(cursor)).toEqual({ txId: "18446744073709551615", seq: "42" });
    expect(() => decodeFeedCursor(encodeCursor({ at: new Date(0), id: "0190a000-0000-7000-8000-000000000000" }))).toThrow(PaginationError);
    expect(() => decodeFeedCursor("feed:1:2")).toThrow("Invalid cursor");
    expect(() => decodeFeedCursor(Buffer.from("feed:1:-2").toString("base64url"))).toThrow("Invalid cursor");
  });
});
