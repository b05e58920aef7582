// A bulk import's progress, recorded after each batch of lines in one
// statement: its failed lines and its counts.
import { sql as rawSql } from "kysely";
import type { Sql } from "./executor.js";
import { json, q, run } from "./schema.js";

export type ImportBatchRecord = {
  /** Where the next batch starts: its line number and byte offset in the file. */
  cursor: { line: number; bytes: number };
  created: number;
  updated: number;
  unchanged: number;
  failures: ReadonlyArray<{ line: number; errors: unknown }>;
};

/**
 * Records a batch of a running import: its counts added to the operation's,
 * and its failed lines (a line recorded before, by a batch imported again
 * after a restart, is kept as it was). False when the operation is no longer
 * running (cancelled): then nothing is recorded.
 */
export async function recordImportBatch(sql: Sql, operationId: string, batch: ImportBatchRecord): Promise<boolean> {
  const lines = batch.failures.map((failure) => failure.line);
  const errors = batch.failures.map((failure) => failure.errors);
  const statement = q
    .with("counted", (db) =>
      db
        .updateTable("bulkOperation")
        .set((eb) => ({
          cursor: json(batch.cursor),
          objectCount: batch.cursor.line,
          failedCount: eb("failedCount", "+", batch.failures.length),
          createdCount: eb("createdCount", "+", batch.created),
          updatedCount: eb("updatedCount", "+", batch.updated),
          unchangedCount: eb("unchangedCount", "+", batch.unchanged),
        }))
        .where("id", "=", operationId)
        .where("status", "=", "RUNNING")
        .returning("id"),
    )
    .with("failed", (db) =>
      db
        .insertInto("bulkOperationError")
        .columns(["operationId", "line", "errors"])
        .expression((eb) =>
          eb
            .selectFrom("counted")
            // Paired row by row: set-returning functions in one select list advance together.
            .select([
              "counted.id",
              rawSql<number>`unnest(${lines}::int[])`.as("line"),
              rawSql<unknown>`jsonb_array_elements(${JSON.stringify(errors)}::jsonb)`.as("errors"),
            ]),
        )
        .onConflict((oc) => oc.doNothing()),
    )
    .selectFrom("counted")
    .select("id");
  return (await run(sql, statement)).length > 0;
}
