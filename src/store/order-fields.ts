// The one mapping from the canonical order (OrderInput) to the order's own
// columns, for the three ways they are written: a new order, a source's newer
// payload replacing what it said before, and updateOrder's patch.
import type { OrderInput } from "../domain/order-input.js";
import type { Order } from "../generated/prisma/client.js";

/** The columns that follow from the order's input alone (amounts as the input has them, meta as JSON to store). */
export type OrderColumns = Omit<
  Order,
  | "id"
  | "workspaceId"
  | "source"
  | "externalId"
  | "importHash"
  | "importLineHash"
  | "createdAt"
  | "updatedAt"
  | "version"
  | "syncState"
  | "syncAttempts"
  | "syncError"
  | "syncedAt"
  | "shippingAddressId"
  | "billingAddressId"
  | "shippedAt"
  | "deliveredAt"
  | "fulfillmentStatus"
  | "cancellationRequestedAt"
  | "localOnlyFields"
  | "meta"
  | MoneyColumn
> & { [K in MoneyColumn]: string | null } & { meta: unknown };
type MoneyColumn = "subtotal" | "discount" | "total" | "shippingCost" | "discountCoupon" | "discountGateway" | "totalUsd";
type Patch = Omit<Partial<OrderInput>, "source" | "externalId">;

/** What a column is when the input leaves it out or sets it to null. */
const DEFAULTS = {
  orderType: "CUSTOMER",
  status: "OPEN",
  currency: "USD",
  processingErrorRetriable: false,
  processingErrorSkus: [],
} as const;

/** Columns a payload that leaves them out does not clear: it keeps what the order had. */
const KEPT_WHEN_ABSENT = new Set<keyof OrderColumns>([
  "sourceOrderId",
  "sourceUpdatedAt",
  "orderType",
  "status",
  "currency",
  "cancelledAt",
  "cancelReason",
]);

/** The columns the input speaks of (undefined: it says nothing of that column). */
function givenColumns(input: Patch): { [K in keyof OrderColumns]: OrderColumns[K] | null | undefined } {
  const customer = input.customer;
  const error = input.processingError;
  return {
    sourceOrderId: input.sourceOrderId,
    sourceUpdatedAt: input.sourceUpdatedAt,
    number: input.number,
    email: input.email,
    phone: input.phone,
    note: input.note,
    ownerNote: input.ownerNote,
    customerId: input.customerId,
    customerEmail: customer === undefined ? undefined : (customer?.email ?? null),
    customerFirstName: customer === undefined ? undefined : (customer?.firstName ?? null),
    customerLastName: customer === undefined ? undefined : (customer?.lastName ?? null),
    orderType: input.orderType,
    status: input.status,
    rawStatus: input.rawStatus,
    rawStatusTitle: input.rawStatusTitle,
    paymentStatus: input.paymentStatus,
    processingState: input.processingState,
    processingErrorCode: error === undefined ? undefined : (error?.code ?? null),
    processingErrorMessage: error === undefined ? undefined : (error?.message ?? null),
    processingErrorType: error === undefined ? undefined : (error?.type ?? null),
    processingErrorRetriable: error === undefined ? undefined : (error?.retriable ?? null),
    processingErrorSkus: error === undefined ? undefined : (error?.skus ?? null),
    currency: input.currency,
    subtotal: input.subtotal,
    discount: input.discount,
    total: input.total,
    shippingCost: input.shippingCost,
    discountCoupon: input.discountCoupon,
    discountGateway: input.discountGateway,
    totalUsd: input.totalUsd,
    promisedShipBy: input.promisedShipBy,
    promisedDeliveryBy: input.promisedDeliveryBy,
    shipMethod: input.shipMethod,
    paidAt: input.paidAt,
    closedAt: input.closedAt,
    cancelledAt: input.cancelledAt,
    cancelReason: input.cancelReason,
    meta: input.meta,
  };
}

function fallback(key: keyof OrderColumns): unknown {
  return (DEFAULTS as Record<string, unknown>)[key] ?? null;
}

/**
 * Every own column of an order as `input` describes it in full: a new order
 * (`existing` null), or a source's newer payload for `existing`, where what
 * the payload leaves out is cleared, except the columns a source may omit
 * without meaning to clear them (ids, status, currency, cancellation).
 */
export function orderColumns(input: Patch, existing: Order | null): OrderColumns {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(givenColumns(input)) as Array<[keyof OrderColumns, unknown]>) {
    if (value != null) out[key] = value;
    else if (existing && KEPT_WHEN_ABSENT.has(key)) out[key] = existing[key];
    else out[key] = fallback(key);
  }
  return out as OrderColumns;
}

/** The columns an updateOrder patch changes: only those it gives; a null resets to the default. */
export function patchColumns(patch: Patch): Partial<OrderColumns> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(givenColumns(patch)) as Array<[keyof OrderColumns, unknown]>) {
    if (value !== undefined) out[key] = value ?? fallback(key);
  }
  return out as Partial<OrderColumns>;
}
