// TrackMage (order tracking) order -> canonical order.
// Quirks handled: createdAt documented as ISO-8601 but sent as unix seconds,
// postcode as a number, money as strings, IRI references for related records.
import { z } from "zod";
import type { OrderInput } from "../domain/order-input.js";
import { decimal, parseNative, sourceIdText, text, textOrNumber, timestamp } from "./common.js";
import { lookup, TRACKMAGE_FULFILLMENT, TRACKMAGE_ORDER_STATUS } from "./statuses.js";

const address = z
  .object({
    addressLine1: text,
    addressLine2: text,
    city: text,
    company: text,
    country: text,
    countryIso2: text,
    firstName: text,
    lastName: text,
    postcode: textOrNumber,
    state: text,
  })
  .nullish();

export const trackmageOrderSchema = z.object({
  id: sourceIdText,
  workspace: text,
  orderNumber: textOrNumber,
  externalSourceIntegration: text,
  externalSourceSyncId: textOrNumber,
  externalSourceUrl: text,
  subtotal: decimal,
  total: decimal,
  currency: text,
  orderStatus: z.object({ code: z.string().trim().min(1, "is required").max(100), title: text, id: text }).nullish(),
  orderType: z.enum(["customer", "vendor"], { message: 'must be "customer" or "vendor"' }),
  email: text,
  phoneNumber: textOrNumber,
  createdAt: timestamp,
  updatedAt: timestamp,
  shipments: z.array(z.string().max(500)).max(100).nullish(),
  shippingAddress: address,
  billingAddress: address,
  fulfillmentStatus: text,
});

export function mapTrackmageOrder(payload: unknown): OrderInput {
  const order = parseNative("TrackMage", trackmageOrderSchema, payload);
  const currency = order.currency && /^[A-Za-z]{3}$/.test(order.currency) ? order.currency.toUpperCase() : "USD";
  return {
    source: "TRACKMAGE",
    // externalSourceSyncId is unique only within one store integration: TrackMage's own id is unique across them.
    externalId: order.id,
    sourceOrderId: order.id,
    number: order.orderNumber,
    email: order.email,
    phone: order.phoneNumber,
    customer:
      order.shippingAddress?.firstName || order.shippingAddress?.lastName
        ? { email: order.email, firstName: order.shippingAddress.firstName, lastName: order.shippingAddress.lastName }
        : null,
    orderType: order.orderType === "vendor" ? "VENDOR" : "CUSTOMER",
    status: lookup(TRACKMAGE_ORDER_STATUS, order.orderStatus?.code, "OPEN"),
    rawStatus: order.orderStatus?.code ?? null,
    rawStatusTitle: order.orderStatus?.title ?? null,
    fulfillmentStatus: lookup(TRACKMAGE_FULFILLMENT, order.fulfillmentStatus, "UNFULFILLED"),
    currency,
    subtotal: order.subtotal,
    total: order.total,
    shippingAddress: toAddress(order.shippingAddress),
    billingAddress: toAddress(order.billingAddress),
    meta: {
      trackmage: {
        workspace: order.workspace,
        integration: order.externalSourceIntegration,
        storeOrderId: order.externalSourceSyncId,
        url: order.externalSourceUrl,
        shipments: order.shipments ?? [],
      },
    },
    sourceUpdatedAt: order.updatedAt,
    createdAt: order.createdAt,
  };
}

function toAddress(a: z.output<typeof address>) {
  if (!a) return null;
  return {
    firstName: a.firstName,
    lastName: a.lastName,
    company: a.company,
    line1: a.addressLine1,
    line2: a.addressLine2,
    city: a.city,
    state: a.state,
    postalCode: a.postcode,
    country: a.country,
    countryCode: a.countryIso2,
  };
}
