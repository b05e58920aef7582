import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/index.js";
import { isoTimestamp } from "../src/store/executor.js";
import { openTestDatabase } from "./helpers.js";

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

describe("isoTimestamp", () => {
  it("turns the database's JSON text for a timestamptz into the text Date would print", async () => {
    const values = [
      "2026-11-01T12:00:00Z",
      "2026-11-01T12:00:00.5Z",
      "2026-11-01T12:00:00.123Z",
      "2026-11-01T12:00:00.123456Z",
      "1999-12-31T23:59:59.999999Z",
      "2026-03-29T01:30:00+02:00",
    ];
    const rows = await db.sql<{ texts: string[] }>(`SELECT json_agg(t) AS texts FROM unnest($1::timestamptz[]) AS t`, [values]);
    const texts = rows[0]!.texts;
    expect(texts).toHaveLength(values.length);
    for (const [i, text] of texts.entries()) expect(isoTimestamp(text), text).toBe(new Date(values[i]!).toISOString());
  });

  it("reads other offsets through Date", () => {
    expect(isoTimestamp("2026-11-01T14:00:00.25+02:00")).toBe("2026-11-01T12:00:00.250Z");
  });
});
