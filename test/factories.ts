// Canonical orders for tests, varied enough to exercise every filter.
import type { OrderInput } from "../src/domain/order-input.js";
import type { OrderSource } from "../src/generated/prisma/enums.js";

const SOURCES: OrderSource[] = ["MALOMO", "FLEXPORT", "STOREFRONT", "TRACKMAGE", "API"];
export const BASE_TIME = Date.parse("2026-01-01T00:00:00Z");

/** Order i of a numbered series: created i hours after BASE_TIME, number 1000 + i. */
export function numberedOrder(i: number, overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    source: SOURCES[i % SOURCES.length]!,
    externalId: `ext-${i}`,
    number: String(1000 + i),
    email: `buyer${i}@example.com`,
    customer: { email: `buyer${i}@example.com`, firstName: `First${i}`, lastName: `Last${i}` },
    status: i % 5 === 3 ? "CANCELLED" : i % 5 === 4 ? "CLOSED" : "OPEN",
    paymentStatus: i % 2 === 0 ? "paid" : "pending",
    currency: "USD",
    subtotal: `${i}0.5`,
    total: `${i}5`,
    lineItems: [{ sku: `SKU-${i}-A`, quantity: 2, fulfilledQuantity: i % 3 === 0 ? 2 : i % 3 === 1 ? 1 : 0, unitPrice: "10" }],
    createdAt: new Date(BASE_TIME + i * 3_600_000),
    ...overrides,
  };
}

/** An order with `shipments` shipments of three scans each, line items and events. */
export function busyOrder(i: number, shipments = 2, events = 6): OrderInput {
  return numberedOrder(i, {
    shippingAddress: { firstName: "Ship", lastName: `To${i}`, line1: `${i} Main St`, city: "Springfield", countryCode: "US" },
    billingAddress: { firstName: "Bill", lastName: `To${i}`, line1: `${i} Bank St`, city: "Springfield", countryCode: "US" },
    lineItems: [
      { sku: `SKU-${i}-A`, quantity: 1, fulfilledQuantity: 1, unitPrice: "5.00" },
      { sku: `SKU-${i}-B`, quantity: 3, fulfilledQuantity: 0, unitPrice: "7.25" },
    ],
    shipments: Array.from({ length: shipments }, (_, s) => ({
      carrier: "ups",
      trackingCode: `1Z${i}X${s}`,
      destination: { city: "Springfield", countryCode: "US" },
      scanEvents: [
        { scannedAt: new Date(BASE_TIME + 1_000), status: "PRE_TRANSIT" as const },
        { scannedAt: new Date(BASE_TIME + 2_000), status: "IN_TRANSIT" as const, location: { city: "Memphis" } },
        { scannedAt: new Date(BASE_TIME + 3_000), status: "OUT_FOR_DELIVERY" as const },
      ],
    })),
    events: Array.from({ length: events }, (_, e) => ({
      type: "note",
      label: `event ${e}`,
      occurredAt: new Date(BASE_TIME + e * 60_000),
    })),
  });
}
