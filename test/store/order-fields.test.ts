// The one mapping from the canonical order to its columns, in its three uses.
import { describe, expect, it } from "vitest";
import type { Order } from "../../src/generated/prisma/client.js";
import { orderColumns, patchColumns } from "../../src/store/order-fields.js";

const existing = {
  sourceOrderId: "src-1",
  sourceUpdatedAt: new Date("2026-01-01T00:00:00Z"),
  orderType: "REPLACEMENT",
  status: "CANCELLED",
  currency: "EUR",
  cancelledAt: new Date("2026-01-02T00:00:00Z"),
  cancelReason: "CUSTOMER",
  email: "old@example.com",
} as unknown as Order;

describe("order columns", () => {
  it("gives a new order the defaults for what its input leaves out", () => {
    const columns = orderColumns(
      { email: "a@example.com", customer: { firstName: "Ann" }, processingError: { message: "stuck", retriable: true } },
      null,
    );
    expect(columns).toMatchObject({
      email: "a@example.com",
      orderType: "CUSTOMER",
      status: "OPEN",
      currency: "USD",
      customerFirstName: "Ann",
      customerEmail: null,
      processingErrorMessage: "stuck",
      processingErrorRetriable: true,
      total: null,
      meta: null,
    });
  });

  it("lets a newer payload clear what it no longer says, but keep ids, status, currency and cancellation", () => {
    const columns = orderColumns({ number: "7" }, existing);
    expect(columns).toMatchObject({
      number: "7",
      email: null,
      sourceOrderId: "src-1",
      sourceUpdatedAt: existing.sourceUpdatedAt,
      orderType: "REPLACEMENT",
      status: "CANCELLED",
      currency: "EUR",
      cancelledAt: existing.cancelledAt,
      cancelReason: "CUSTOMER",
      processingErrorRetriable: false,
    });
  });

  it("changes only what a patch gives, and resets a nulled field to its default", () => {
    expect(patchColumns({ paymentStatus: "paid" })).toEqual({ paymentStatus: "paid" });
    expect(patchColumns({ currency: null, orderType: null, email: null, meta: null })).toEqual({
      currency: "USD",
      orderType: "CUSTOMER",
      email: null,
      meta: null,
    });
    expect(patchColumns({ customer: null })).toEqual({ customerEmail: null, customerFirstName: null, customerLastName: null });
  });
});
