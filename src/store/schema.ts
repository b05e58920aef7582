// The store's typed SQL. Kysely builds and type-checks each statement against
// the tables as the Prisma schema declares them (the generated model types:
// a renamed or dropped column fails `npm run typecheck`); it only compiles
// them, and the store's own executor runs the text. Its compiler writes the
// models' camelCase names as the schema's snake_case columns and tables.
import {
  CamelCasePlugin,
  type ColumnType,
  type Compilable,
  type CompiledQuery,
  DummyDriver,
  type Generated,
  type Insertable,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
  sql as rawSql,
} from "kysely";
import type {
  Address,
  ApiKey,
  BulkOperation,
  BulkOperationError,
  IdempotencyKey,
  LineItem,
  Order,
  OrderEvent,
  Prisma,
  ScanEvent,
  Shipment,
  SourceConnection,
  SourceWrite,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEvent,
  Workspace,
} from "../generated/prisma/client.js";
import { camelCase, type Sql } from "./executor.js";

/**
 * A model as a table: the columns the database fills in by itself (its
 * defaults) may be left out of an insert. Ids are not among them: the
 * store makes them (UUIDv7), as the Prisma schema does.
 */
type Table<Model, Defaulted extends keyof Model> = { [K in keyof Model]: K extends Defaulted ? Generated<Model[K]> : Written<Model[K]> };
/** Amounts are written as the text the API and sources give them in; they read back as Decimal. */
type Written<T> = [Exclude<T, null>] extends [Prisma.Decimal] ? ColumnType<T, T | string, T | string> : T;

export type Database = {
  address: Table<Address, never>;
  order: Table<
    Order,
    | "source"
    | "orderType"
    | "status"
    | "fulfillmentStatus"
    | "processingErrorRetriable"
    | "currency"
    | "createdAt"
    | "updatedAt"
    | "version"
    | "syncState"
    | "syncAttempts"
    | "processingErrorSkus"
    | "localOnlyFields"
  >;
  lineItem: Table<LineItem, "position" | "fulfilledQuantity">;
  shipment: Table<Shipment, "status" | "isReturn" | "createdAt" | "updatedAt">;
  scanEvent: Table<ScanEvent, "createdAt">;
  orderEvent: Table<OrderEvent, "occurredAt" | "createdAt">;
  idempotencyKey: Table<IdempotencyKey, "createdAt">;
  workspace: Table<Workspace, "createdAt" | "allowedOrigins">;
  apiKey: Table<ApiKey, "createdAt" | "allowedOrigins">;
  sourceConnection: Table<SourceConnection, "enabled" | "createdAt" | "updatedAt">;
  sourceWrite: Table<SourceWrite, "state" | "attempts" | "createdAt">;
  webhookEndpoint: Table<WebhookEndpoint, "enabled" | "consecutiveFailures" | "createdAt">;
  webhookDelivery: Table<WebhookDelivery, "status" | "attempts" | "createdAt" | "nextAttemptAt">;
  webhookAttempt: Table<WebhookAttempt, never>;
  /** tx_id (xid8) is not a model field: the feed's statements name it in SQL. */
  webhookEvent: Table<WebhookEvent, "seq">;
  bulkOperation: Table<
    BulkOperation,
    "status" | "include" | "objectCount" | "failedCount" | "createdCount" | "updatedCount" | "unchangedCount" | "createdAt"
  >;
  bulkOperationError: Table<BulkOperationError, never>;
};
export type TableName = keyof Database;
export type NewRow<T extends TableName> = Insertable<Database[T]>;

/**
 * Writes the models' camelCase names as the schema's snake_case identifiers
 * as it compiles (CamelCasePlugin's own mapping): the plugin did it by
 * rebuilding each statement's whole tree first, which was most of the cost
 * of building a mutation's statements.
 */
class SnakeCaseNames extends CamelCasePlugin {
  override snakeCase(name: string): string {
    return super.snakeCase(name);
  }
}
const names = new SnakeCaseNames();
/** A model key's column (or a model's table): the snake_case name the schema maps it to. */
export const columnOf = (key: string): string => names.snakeCase(key);
class SnakeCaseQueryCompiler extends PostgresQueryCompiler {
  protected override sanitizeIdentifier(identifier: string): string {
    return super.sanitizeIdentifier(columnOf(identifier));
  }
}

/** Builds statements; never connects (see `run`). */
export const q = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new SnakeCaseQueryCompiler(),
  },
});

/** Runs a built statement on `sql` (the pool or a transaction); rows are typed by the statement. */
export function run<T>(sql: Sql, query: Compilable<T> | CompiledQuery<T>): Promise<T[]> {
  const { sql: text, parameters } = "compile" in query ? query.compile() : query;
  return sql<T>(text, parameters);
}

/** The first row of a built statement, or null. */
export async function first<T>(sql: Sql, query: Compilable<T> | CompiledQuery<T>): Promise<T | null> {
  return (await run(sql, query))[0] ?? null;
}

/**
 * Rows nested as JSON (jsonArrayFrom, jsonObjectFrom) as their statement
 * types them: PostgreSQL names their keys by column (snake_case), which the
 * executor turns into camelCase for top-level columns only.
 */
export function nested<T extends object>(rows: readonly T[]): T[] {
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [camelCase(key), value])) as T);
}

/** A value for a json/jsonb column: sent as its JSON text, so an array is not taken for a PostgreSQL array. */
export function json(value: unknown): RawBuilder<never> | null {
  return value == null ? null : rawSql<never>`${JSON.stringify(value)}::jsonb`;
}

/** `column = ANY($n)` for a list of values, one statement text whatever the list's length. */
export function anyOf<T>(values: readonly T[]): RawBuilder<T> {
  return rawSql<T>`any(${values as T[]})`;
}

/** Stands in for a value while a statement is built once (see `statement`). */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A statement of one shape, built and compiled once, then only given its
 * values: building and compiling each mutation's statements anew was the
 * store's largest share of a mutation's CPU. `build` gets a stand-in for
 * each value (`values.orderId`), typed as the value, and may use it wherever
 * Kysely takes a value whole; it must not look into one (a list for `in`: use
 * anyOf; JSON: give its text), nor let a value decide the statement's shape.
 */
export function statement<Values extends Record<string, unknown>, Row>(
  build: (values: Values) => Compilable<Row> | CompiledQuery<Row>,
): (sql: Sql, values: Values) => Promise<Row[]> {
  let compiled: CompiledQuery<Row> | undefined;
  return async (sql, values) => {
    if (!compiled) {
      const built = build(new Proxy({}, { get: (_, name) => new Slot(String(name)) }) as Values);
      compiled = "compile" in built ? built.compile() : built;
    }
    const parameters = compiled.parameters.map((parameter) => {
      if (!(parameter instanceof Slot)) return parameter;
      if (!(parameter.name in values)) throw new Error(`No value for ${parameter.name}`);
      return values[parameter.name];
    });
    return sql<Row>(compiled.sql, parameters);
  };
}

/**
 * `statement` for a statement whose shape varies (the columns an update
 * sets, say): one per shape, named by `key`, the latest `max` shapes kept.
 */
export function shapedStatement<Shape, Values extends Record<string, unknown>, Row>(
  key: (shape: Shape) => string,
  build: (shape: Shape, values: Values) => Compilable<Row> | CompiledQuery<Row>,
  max = 200,
): (sql: Sql, shape: Shape, values: Values) => Promise<Row[]> {
  const shapes = new Map<string, (sql: Sql, values: Values) => Promise<Row[]>>();
  return (sql, shape, values) => {
    const name = key(shape);
    let run = shapes.get(name);
    if (!run) {
      if (shapes.size >= max) shapes.delete(shapes.keys().next().value!);
      run = statement((stand: Values) => build(shape, stand));
      shapes.set(name, run);
    }
    return run(sql, values);
  };
}
