// The order's grouped fields as the API shows them (GraphQL and webhooks
// alike): stored flat, shown as objects, absent when empty.
import type { Order } from "../generated/prisma/client.js";

export function customerOf(order: Pick<Order, "customerEmail" | "customerFirstName" | "customerLastName">) {
  return order.customerEmail || order.customerFirstName || order.customerLastName
    ? { email: order.customerEmail, firstName: order.customerFirstName, lastName: order.customerLastName }
    : null;
}

export function processingErrorOf(
  order: Pick<
    Order,
    "processingErrorCode" | "processingErrorMessage" | "processingErrorType" | "processingErrorRetriable" | "processingErrorSkus"
  >,
) {
  return order.processingErrorMessage == null
    ? null
    : {
        code: order.processingErrorCode,
        message: order.processingErrorMessage,
        type: order.processingErrorType,
        retriable: order.processingErrorRetriable,
        lineItemSkus: order.processingErrorSkus,
      };
}
