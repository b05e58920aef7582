// Reads on hot paths (loaders, lists, lookups, API keys) run explicit SQL,
// skipping the ORM's query compilation and row processing: measured at a
// tenth of findMany's CPU for a 50-row page. On PostgreSQL they run as
// prepared statements through the pg driver (planned once per connection); on
// PGlite through the same driver adapter as Prisma. Rows come back in the
// Prisma models' shapes: camelCase keys, Date for timestamps, Decimal for
// numerics, parsed JSON.
import { createHash } from "node:crypto";
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { Prisma } from "../generated/prisma/client.js";

/**
 * `prepare: false` for statements whose best plan depends on the values
 * (searches, filters): PostgreSQL plans those afresh each time, where a
 * prepared statement could settle on one generic plan for every value.
 */
export type SqlOptions = { prepare?: boolean };
export type Sql = <T = Record<string, unknown>>(text: string, args?: readonly unknown[], options?: SqlOptions) => Promise<T[]>;
export type DisposableSql = Sql & { dispose(): Promise<void> };

// @prisma/driver-adapter-utils ColumnTypeEnum values.
const NUMERIC = 4;
const DATE = 8;
const DATETIME = 10;
const JSON_TYPE = 11;

type ArgType = { scalarType: string; arity: "scalar" | "list" };

function argType(value: unknown): ArgType {
  const scalar = (v: unknown) =>
    v instanceof Date ? "datetime" : typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v === "boolean" ? "boolean" : "string";
  return Array.isArray(value) ? { scalarType: scalar(value[0]), arity: "list" } : { scalarType: scalar(value), arity: "scalar" };
}

const camelCache = new Map<string, string>();
function camel(column: string): string {
  let name = camelCache.get(column);
  if (!name) {
    name = column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    camelCache.set(column, name);
  }
  return name;
}

/** Explicit SQL through a Prisma driver adapter (PGlite). */
export function createSql(connect: () => Promise<SqlDriverAdapter>): DisposableSql {
  let adapter: Promise<SqlDriverAdapter> | null = null;
  const run = async <T>(text: string, args: readonly unknown[] = []): Promise<T[]> => {
    adapter ??= connect();
    // Dates travel as ISO-8601 text, so no session time zone can shift them.
    const values = args.map((arg) => (arg instanceof Date ? arg.toISOString() : arg));
    const result = await (await adapter).queryRaw({ sql: text, args: values, argTypes: values.map(argType) } as never);
    const names = result.columnNames.map(camel);
    const types = result.columnTypes as number[];
    return result.rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) {
        const value = row[i];
        out[names[i]!] = value == null ? null : convert(value, types[i]!);
      }
      return out as T;
    });
  };
  return Object.assign(run, {
    async dispose() {
      if (adapter) await (await adapter).dispose();
    },
  });
}

// Each PostgreSQL backend keeps the statements prepared on it. Statement texts
// come from the query shapes clients send, so only the first
// MAX_PREPARED_STATEMENTS distinct texts are prepared; any further text runs
// unprepared rather than growing every backend's memory without bound.
const MAX_PREPARED_STATEMENTS = 500;
const NUMERIC_OID = 1700;
// The driver's own parsers (Date for timestamptz, parsed JSON), plus Decimal for numerics.
const parsers = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === NUMERIC_OID ? (value: string) => new Prisma.Decimal(value) : pg.types.getTypeParser(oid, format),
};

/** Explicit SQL through a pg pool, as named prepared statements (PostgreSQL). */
export function createPreparedSql(pool: pg.Pool, report: (text: string) => void = () => {}): DisposableSql {
  const names = new Map<string, string>();
  const nameFor = (text: string): string | undefined => {
    let name = names.get(text);
    if (!name && names.size < MAX_PREPARED_STATEMENTS) {
      name = `gw_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  const run = async <T>(text: string, args: readonly unknown[] = [], options: SqlOptions = {}): Promise<T[]> => {
    report(text);
    const values = args.map((arg) => (arg instanceof Date ? arg.toISOString() : arg));
    const name = options.prepare === false ? undefined : nameFor(text);
    const result = await pool.query({ name, text, values, rowMode: "array", types: parsers });
    const keys = result.fields.map((field) => camel(field.name));
    return result.rows.map((row: unknown[]) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) out[keys[i]!] = row[i];
      return out as T;
    });
  };
  return Object.assign(run, { dispose: () => pool.end() });
}

/**
 * A timestamptz as PostgreSQL writes it in JSON ("2026-11-01T12:00:00.5+00:00"
 * in a UTC session) as the API writes it ("2026-11-01T12:00:00.500Z"), by
 * slicing the text; other offsets go through Date. Microseconds are cut to
 * milliseconds, as Date does.
 */
export function isoTimestamp(text: string): string {
  if (text.length >= 25 && text[10] === "T" && text.endsWith("+00:00")) {
    const fraction = text.slice(20, -6);
    return `${text.slice(0, 19)}.${(fraction + "000").slice(0, 3)}Z`;
  }
  return new Date(text).toISOString();
}

function convert(value: unknown, type: number): unknown {
  switch (type) {
    case DATETIME:
    case DATE:
      return value instanceof Date ? value : new Date(value as string);
    case NUMERIC:
      return new Prisma.Decimal(value as string);
    case JSON_TYPE:
      return typeof value === "string" ? JSON.parse(value) : value;
    default:
      return value;
  }
}
