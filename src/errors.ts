// The catalogue of error codes clients can rely on. Mutations return them as
// `UserError` entries in their payload; queries raise them as GraphQL errors
// with `extensions.code`.
import { GraphQLError } from "graphql";
import { DomainRuleError } from "./domain/rule-error.js";

export const ErrorCodes = {
  /** Input that cannot be accepted: malformed ids or cursors, bad page sizes, field rules. */
  VALIDATION: "VALIDATION",
  /** An id, external id or tracking code that matches nothing the caller can see. */
  NOT_FOUND: "NOT_FOUND",
  /** createOrder / importOrders: (source, externalId) or (carrier, trackingCode) already taken. */
  DUPLICATE: "DUPLICATE",
  /** updateOrder: expectedVersion is stale. */
  CONFLICT: "CONFLICT",
  /** cancelOrder: the order has shipped or been delivered; cancelBulkOperation: the operation has ended. */
  NOT_CANCELLABLE: "NOT_CANCELLABLE",
  /** retryOrder: the order has no retriable processing error. */
  NOT_RETRYABLE: "NOT_RETRYABLE",
  /** createOrder: an idempotency key reused with a different input. */
  IDEMPOTENCY_MISMATCH: "IDEMPOTENCY_MISMATCH",
  /** The API key's scope does not allow the operation. */
  FORBIDDEN: "FORBIDDEN",
  /** A source system refused or failed a call made on the caller's behalf. */
  SOURCE_ERROR: "SOURCE_ERROR",
  /** exportOrders / POST /bulk/imports: the workspace's bulk files are at their size limit. */
  LIMIT_EXCEEDED: "LIMIT_EXCEEDED",
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export function clientError(code: ErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** Rule violations from src/domain surface to clients as VALIDATION errors. */
export function asClientError(error: unknown): Error {
  if (error instanceof GraphQLError) return error;
  if (error instanceof DomainRuleError) return clientError("VALIDATION", error.message);
  return error instanceof Error ? error : new Error(String(error));
}
