// Transactions of the store: a write lands whole or not at all, and a write
// refused for the user's reasons rolls back and says why.
import type { Result, UserError } from "../domain/user-error.js";
import { Prisma } from "../generated/prisma/client.js";
import type { Sql, TransactionalSql } from "./executor.js";

/** Thrown inside a transaction to roll it back and report user errors. */
export class Refusal extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join("; "));
  }
}

/**
 * Runs `work` in one transaction. A failed Result (or a Refusal thrown
 * anywhere inside) rolls it back and is returned as the result.
 */
export async function inTransaction<T>(sql: TransactionalSql, work: (tx: Sql) => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await sql.transaction(async (tx) => {
      const result = await work(tx);
      if (!result.ok) throw new Refusal(result.errors);
      return result;
    });
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, errors: error.errors };
    throw error;
  }
}

/**
 * A unique constraint refused a write: SQLSTATE 23505 from either driver,
 * or Prisma's P2002 (and the driver's error behind a raw statement, P2010)
 * where Prisma wrote.
 */
export function isUniqueViolation(error: unknown): boolean {
  type Cause = { kind?: string; code?: string } | undefined;
  if ((error as { code?: unknown } | null)?.code === "23505") return true;
  let cause: Cause;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === "P2002") return true;
    cause = (error.meta?.driverAdapterError as { cause?: Cause } | undefined)?.cause;
  } else {
    cause =
      (error as { name?: string; cause?: Cause } | null)?.name === "DriverAdapterError" ? (error as { cause?: Cause }).cause : undefined;
  }
  return cause?.kind === "UniqueConstraintViolation" || cause?.code === "23505";
}
