import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { skipEmptyRowObjectsForArrayRows } from "../src/db/pg-array-rows.js";

const url = process.env.DATABASE_URL;
let pool: pg.Pool;
beforeAll(() => {
  skipEmptyRowObjectsForArrayRows();
  if (url) pool = new pg.Pool({ connectionString: url, max: 1 });
});
afterAll(() => pool?.end());

const text = "SELECT 7::int AS count, 'x'::text AS name, '2026-01-02T03:04:05Z'::timestamptz AS at, 1.50::numeric AS price";
// A numeric parser of the caller's own, as the store passes one (decimals as Decimal).
const types = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === 1700 ? (value: string) => `decimal:${value}` : pg.types.getTypeParser(oid, format),
};

describe.skipIf(!url)("pg rows with the array rows' field setup", () => {
  it("parses rows as arrays with the caller's type parsers, statement after statement", async () => {
    for (const name of [undefined, "pg_array_rows_test"]) {
      for (let run = 0; run < 2; run++) {
        const result = await pool.query({ name, text, rowMode: "array", types });
        expect(result.rows).toEqual([[7, "x", new Date("2026-01-02T03:04:05Z"), "decimal:1.50"]]);
        expect(result.fields.map((field) => field.name)).toEqual(["count", "name", "at", "price"]);
      }
    }
    const noColumns = await pool.query({ text: "SET application_name = 'array rows'", rowMode: "array" });
    expect(noColumns.rows).toEqual([]);
  });

  it("leaves rows as objects as pg makes them", async () => {
    const result = await pool.query(text);
    expect(result.rows).toEqual([{ count: 7, name: "x", at: new Date("2026-01-02T03:04:05Z"), price: "1.50" }]);
  });
});
