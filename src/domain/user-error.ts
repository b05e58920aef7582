import type { ErrorCode } from "../errors.js";

/** A mistake the caller can fix, reported in a mutation payload's `errors`. */
export type UserError = { code: ErrorCode; message: string; path: string[] | null };

/** The most user errors a payload lists (its cost in a query depends on it). */
export const MAX_USER_ERRORS = 20;

export type Result<T> = { ok: true; value: T } | { ok: false; errors: UserError[] };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const fail = (code: ErrorCode, message: string, path: string[] | null = null): { ok: false; errors: UserError[] } => ({
  ok: false,
  errors: [{ code, message, path }],
});
