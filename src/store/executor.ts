// Runs the store's SQL, skipping the ORM's query compilation, row processing
// and interactive-transaction protocol: on the write path those were most of
// the CPU. On PostgreSQL statements run as named prepared statements through
// the pg pool (planned once per connection); on PGlite through its own query
// API. Rows come back in the Prisma models' shapes: camelCase keys, Date for
// timestamps, Decimal for numerics, parsed JSON.
import { createHash } from "node:crypto";
import type { PGlite, Transaction as PGliteTransaction } from "@electric-sql/pglite";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { Prisma } from "../generated/prisma/client.js";
import { traceStatement } from "../tracing.js";

/**
 * `prepare: false` for statements whose best plan depends on the values
 * (searches, filters): PostgreSQL plans those afresh each time, where a
 * prepared statement could settle on one generic plan for every value.
 */
export type SqlOptions = { prepare?: boolean };
export type Sql = <T = Record<string, unknown>>(text: string, args?: readonly unknown[], options?: SqlOptions) => Promise<T[]>;
/**
 * Sql that can also open a transaction (`work` gets an Sql bound to it,
 * committed when `work` returns and rolled back when it throws), and copy a
 * query's rows out (copyLines).
 */
export type TransactionalSql = Sql & {
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * The rows of a one-column query that takes no parameters, as bytes, a
   * line each, as COPY writes them out: no row objects, no strings. Only for
   * values without line breaks or the bytes 0x01 and 0x02 (JSON text), which
   * COPY then writes as they are (copyStatement). In the chunks they
   * arrived in, which do not end where lines do: gathering them into one
   * buffer a batch made V8 run a full collection about every half second of
   * an export (19 in 100,000 orders, 1 without).
   */
  copyLines(select: string): Promise<Buffer[]>;
};
export type DisposableSql = TransactionalSql & { dispose(): Promise<void> };
export type StatementListener = (sql: string) => void;

const NUMERIC_OID = 1700;

const camelCache = new Map<string, string>();
/** A column name as the models spell it (order_id: orderId). */
export function camelCase(column: string): string {
  let name = camelCache.get(column);
  if (!name) {
    name = column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    camelCache.set(column, name);
  }
  return name;
}

function rowsOf<T>(fields: ReadonlyArray<{ name: string }>, rows: unknown[][]): T[] {
  const keys = fields.map((field) => camelCase(field.name));
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = row[i];
    return out as T;
  });
}

/**
 * Values as both drivers take them: dates as ISO-8601 text (no session time
 * zone can shift them), decimals as their text.
 */
function parameters(args: readonly unknown[]): unknown[] {
  return args.map((arg) => (arg instanceof Date ? arg.toISOString() : arg instanceof Prisma.Decimal ? arg.toString() : arg));
}

/**
 * COPY of a query's rows. CSV, because it never escapes a backslash (text
 * format would, and JSON holds them), with a delimiter and quote that JSON
 * text never holds (it escapes every control character): a JSON value is
 * then written exactly as it is, without quotes.
 */
export function copyStatement(select: string, to: "STDOUT" | "'/dev/blob'"): string {
  return `COPY (${select}) TO ${to} (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')`;
}

/** Statements sent one at a time, each after the last one's answer: a PGlite transaction is one connection. */
function oneAtATime(sql: Sql): Sql {
  let previous: Promise<unknown> = Promise.resolve();
  return <T>(text: string, args?: readonly unknown[], options?: SqlOptions) => {
    const result = previous.then(() => sql<T>(text, args, options));
    previous = result.catch(() => undefined);
    return result;
  };
}

// ---------------------------------------------------------------- PGlite

const pgliteParsers = { [NUMERIC_OID]: (value: string) => new Prisma.Decimal(value) };

/**
 * parameters() for PGlite, whose json parameters are written with
 * JSON.stringify: JSON the store sends as UTF-8 bytes (rowsJson) goes as its
 * text. (pg sends bytes in binary form, which PostgreSQL reads as the json's
 * text; no column the store writes is bytea.)
 */
function pgliteParameters(args: readonly unknown[]): unknown[] {
  return parameters(args).map((arg) => (arg instanceof Buffer ? arg.toString() : arg));
}

/** The store's SQL on an embedded PGlite instance. */
export function createPgliteSql(pglite: PGlite, report: StatementListener = () => {}): DisposableSql {
  const over =
    (target: PGlite | PGliteTransaction): Sql =>
    async <T>(text: string, args: readonly unknown[] = []) => {
      report(text);
      const result = await traceStatement(text, () =>
        target.query<unknown[]>(text, pgliteParameters(args), { rowMode: "array", parsers: pgliteParsers }),
      );
      return rowsOf<T>(result.fields, result.rows);
    };
  return Object.assign(over(pglite), {
    transaction: <T>(work: (tx: Sql) => Promise<T>) => pglite.transaction((tx) => work(oneAtATime(over(tx)))),
    async copyLines(select: string) {
      const text = copyStatement(select, "'/dev/blob'");
      report(text);
      const result = await traceStatement(text, () => pglite.query(text));
      return result.blob ? [Buffer.from(await result.blob.arrayBuffer())] : [];
    },
    dispose: async () => {},
  });
}

// ---------------------------------------------------------------- PostgreSQL

// Each PostgreSQL backend keeps the statements prepared on it. Statement texts
// come from the query shapes clients send, so only the first
// MAX_PREPARED_STATEMENTS distinct texts are prepared; any further text runs
// unprepared rather than growing every backend's memory without bound.
const MAX_PREPARED_STATEMENTS = 500;
// The driver's own parsers (Date for timestamptz, parsed JSON), plus Decimal for numerics.
const pgParsers = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === NUMERIC_OID ? (value: string) => new Prisma.Decimal(value) : pg.types.getTypeParser(oid, format),
};

/** The Sql of each open transaction on PostgreSQL whose statement goes out with the COMMIT (see lastStatement). */
const lastStatements = new WeakMap<Sql, Sql>();

/**
 * For the last statement of a transaction's work, when nothing can follow it
 * but returning: an Sql that sends its statement with the transaction's
 * COMMIT right behind it, in the same send and round trip. The work's result
 * still waits for the COMMIT's answer. A statement sent after it is refused,
 * and work that throws after it gets an error saying the transaction
 * committed. On PGlite, and outside a transaction, `tx` itself.
 */
export function lastStatement(tx: Sql): Sql {
  return lastStatements.get(tx) ?? tx;
}

/**
 * The store's SQL on a pg pool, as named prepared statements (PostgreSQL);
 * copyLines on a pool of its own, whose connections do not pipeline (COPY
 * cannot run on one that does).
 */
export function createPreparedSql(
  { statements: pool, copies }: { statements: pg.Pool; copies: pg.Pool },
  report: StatementListener = () => {},
): DisposableSql {
  const names = new Map<string, string>();
  const nameFor = (text: string): string | undefined => {
    let name = names.get(text);
    if (!name && names.size < MAX_PREPARED_STATEMENTS) {
      name = `gw_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  const over =
    (target: pg.Pool | pg.PoolClient): Sql =>
    async <T>(text: string, args: readonly unknown[] = [], options: SqlOptions = {}) => {
      report(text);
      const name = options.prepare === false ? undefined : nameFor(text);
      const result = await traceStatement(text, () =>
        target.query({ name, text, values: parameters(args), rowMode: "array", types: pgParsers }),
      );
      return rowsOf<T>(result.fields, result.rows);
    };
  return Object.assign(over(pool), {
    async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: unknown;
      // The pool's connections pipeline: BEGIN goes out ahead of the first
      // statement instead of taking a round trip of its own, and statements
      // the work sends together go out together, run in the order sent.
      const begun = client.query("BEGIN");
      begun.catch(() => {});
      const statement = over(client);
      let commit: Promise<pg.QueryResult> | undefined;
      // No statement counts as done in a transaction that did not start.
      const afterBegin: Sql = <T>(text: string, args?: readonly unknown[], options?: SqlOptions) =>
        commit
          ? Promise.reject(new Error(`A statement came after its transaction's COMMIT was sent: ${text.slice(0, 80)}`))
          : Promise.all([begun, statement<T>(text, args, options)]).then(([, rows]) => rows);
      const last: Sql = <T>(text: string, args?: readonly unknown[], options?: SqlOptions) => {
        const rows = afterBegin<T>(text, args, options);
        commit ??= client.query("COMMIT");
        commit.catch(() => {});
        return rows;
      };
      lastStatements.set(afterBegin, last);
      try {
        const result = await work(afterBegin);
        await begun;
        const committed = await (commit ?? client.query("COMMIT"));
        // A COMMIT sent behind a statement that failed ends the transaction as a rollback.
        if (committed.command !== "COMMIT") throw new Error("The transaction was rolled back: its last statement failed.");
        return result;
      } catch (error) {
        // Work that failed after its COMMIT went out is not reported as if rolled back.
        const ended = commit && (await commit.catch(() => null));
        if (ended?.command === "COMMIT")
          throw new Error("The transaction committed, but its work failed after its last statement.", { cause: error });
        // A connection that cannot even roll back is not given back to the pool.
        await client.query("ROLLBACK").catch((rollbackError: unknown) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    async copyLines(select: string) {
      const text = copyStatement(select, "STDOUT");
      report(text);
      const client = await copies.connect();
      try {
        const lines = await traceStatement(text, async () => {
          const chunks: Buffer[] = [];
          for await (const chunk of client.query(copyTo(text))) chunks.push(chunk);
          return chunks;
        });
        client.release();
        return lines;
      } catch (error) {
        // A connection whose copy broke off is not given back to the pool.
        client.release(true);
        throw error;
      }
    },
    dispose: async () => {
      await Promise.all([pool.end(), copies.end()]);
    },
  });
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
    return `${text.slice(0, 19)}.${(`${fraction}000`).slice(0, 3)}Z`;
  }
  return new Date(text).toISOString();
}
