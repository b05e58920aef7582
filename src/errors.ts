// The catalogue of error codes clients can rely on. Mutations return them as
// `UserError` entries in their payload; queries raise them as GraphQL errors
// with `extensions.code`.
import { GraphQLError } from "graphql";
import { DomainRuleError } from "./domain/rule-error.js";

/**
 * The codes of `UserError` (in mutation payloads) and of GraphQL errors
 * (`extensions.code`), each with who raises it. docs/errors.md is printed
 * from this (npm run docs).
 */
export const ERROR_CATALOGUE = {
  VALIDATION:
    "Input that cannot be accepted: malformed ids or cursors, bad page sizes, field rules, a source payload's fields. Raised by every mutation and by list queries.",
  NOT_FOUND:
    "An id, external id or tracking code that matches nothing the caller can see (another workspace's ids behave the same). Raised by the mutations that take an id.",
  DUPLICATE: "createOrder, updateOrder and imports: (source, externalId) or (carrier, trackingCode) is already taken.",
  CONFLICT: "updateOrder: `expectedVersion` is stale.",
  NOT_CANCELLABLE: "cancelOrder: the order has shipped or been delivered. cancelBulkOperation: the operation has ended.",
  NOT_RETRYABLE: "retryOrder: the order has no retriable processing error.",
  IDEMPOTENCY_MISMATCH: "createOrder: an idempotency key reused with a different input.",
  FORBIDDEN:
    "The credential's scope does not allow the operation: a read key or token running a mutation, a publishable key asking for more than the public view, a customer's token asking for more than its own orders. Raised at validation, before anything runs.",
  SOURCE_ERROR: "A source system refused or failed a call made on the caller's behalf (syncSource).",
  LIMIT_EXCEEDED: "exportOrders: the workspace's bulk files are at their size limit.",
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export const ErrorCodes = Object.fromEntries(Object.keys(ERROR_CATALOGUE).map((code) => [code, code])) as { readonly [K in ErrorCode]: K };

/** Codes a request is refused with before any operation runs (HTTP status and `extensions.code`), with who raises them. */
export const REQUEST_ERRORS = {
  UNAUTHENTICATED:
    "401: no credential, an API key that is unknown or revoked, or a signed-in user's token that is expired, forged, unsigned, of an untrusted issuer or another audience, or without a scope (the message says which). Raised by the front door on every path but /health, /ready and /metrics.",
  FORBIDDEN:
    "403 from the front door: a browser origin the credential does not allow, a publishable key sent without an Origin, or a publishable key or customer's token on /bulk or /webhooks.",
  RATE_LIMITED:
    "429 with Retry-After: the key or user is over RATE_LIMIT_PER_MINUTE, or a publishable key's client address over PUBLIC_RATE_LIMIT_PER_MINUTE.",
  PAYLOAD_TOO_LARGE: "413: the body is over MAX_BODY_BYTES (MAX_WEBHOOK_BODY_BYTES on /webhooks, BULK_MAX_FILE_BYTES on /bulk/imports).",
  BAD_REQUEST: "400: a malformed request (a Content-Length that is not a number).",
  INTERNAL_SERVER_ERROR: "500: a fault of the gateway's own; the message is masked and the details are logged with the request id.",
} as const;

export function clientError(code: ErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** Rule violations from src/domain surface to clients as VALIDATION errors. */
export function asClientError(error: unknown): Error {
  if (error instanceof GraphQLError) return error;
  if (error instanceof DomainRuleError) return clientError("VALIDATION", error.message);
  return error instanceof Error ? error : new Error(String(error));
}
