import { describe, expect, it } from "vitest";
import { cancelRefusal, newScans, planShipments, retryRefusal, storedScan } from "../../src/domain/order-rules.js";
import { validateCreateOrder, validateIdempotencyKey, validateUpdateOrder } from "../../src/domain/order-validation.js";

describe("cancelRefusal", () => {
  const open = { status: "OPEN" as const, shippedAt: null, deliveredAt: null };

  it("allows an order whose shipments have not moved", () => {
    expect(
      cancelRefusal(open, [
        { status: "PRE_TRANSIT", isReturn: false },
        { status: "UNKNOWN", isReturn: false },
      ]),
    ).toBeNull();
  });

  it("refuses once a shipment moved or the order was delivered", () => {
    expect(cancelRefusal(open, [{ status: "OUT_FOR_DELIVERY", isReturn: false }])).toMatch(/OUT_FOR_DELIVERY/);
    expect(cancelRefusal({ ...open, shippedAt: new Date() }, [])).toMatch(/shipped/);
    expect(cancelRefusal({ ...open, deliveredAt: new Date() }, [])).toMatch(/delivered/);
  });

  it("ignores return shipments", () => {
    expect(cancelRefusal(open, [{ status: "IN_TRANSIT", isReturn: true }])).toBeNull();
  });
});

describe("retryRefusal", () => {
  const base = { status: "OPEN" as const, processingErrorMessage: "Out of stock", processingErrorRetriable: true };
  it("allows only a retriable error on a live order", () => {
    expect(retryRefusal(base)).toBeNull();
    expect(retryRefusal({ ...base, processingErrorRetriable: false })).toMatch(/not retriable: Out of stock/);
    expect(retryRefusal({ ...base, processingErrorMessage: null })).toMatch(/no processing error/);
    expect(retryRefusal({ ...base, status: "CANCELLED" })).toMatch(/cancelled/);
  });
});

describe("planShipments", () => {
  it("keeps pairs given again (carrier in any case), adds new ones and removes the rest", () => {
    const existing = [
      { id: "a", carrier: "usps", trackingCode: "1" },
      { id: "b", carrier: "ups", trackingCode: "2" },
    ];
    const plan = planShipments(existing, [
      { carrier: "USPS", trackingCode: "1" },
      { carrier: "dhl", trackingCode: "3" },
    ]);
    expect(plan.keep.map((k) => k.id)).toEqual(["a"]);
    expect(plan.add.map((s) => s.trackingCode)).toEqual(["3"]);
    expect(plan.remove).toEqual(["b"]);
  });

  it("removes everything for an empty list", () => {
    expect(planShipments([{ id: "a", carrier: "x", trackingCode: "1" }], []).remove).toEqual(["a"]);
  });
});

describe("newScans", () => {
  const at = (iso: string) => new Date(iso);
  it("drops scans already stored and repeats within the batch, keeps different ones", () => {
    const stored = [storedScan({ scannedAt: at("2026-01-01T00:00:00Z"), status: "IN_TRANSIT", location: { city: "Memphis" } })];
    const fresh = newScans(stored, [
      { scannedAt: at("2026-01-01T00:00:00Z"), status: "IN_TRANSIT", location: { city: "Memphis" } },
      { scannedAt: at("2026-01-01T00:00:00Z"), status: "IN_TRANSIT", location: { city: "Nashville" } },
      { scannedAt: at("2026-01-02T00:00:00Z"), status: "DELIVERED" },
      { scannedAt: at("2026-01-02T00:00:00Z"), status: "DELIVERED" },
    ]);
    expect(fresh.map((s) => [s.status, s.location?.city ?? null])).toEqual([
      ["IN_TRANSIT", "Nashville"],
      ["DELIVERED", null],
    ]);
  });
});

describe("validateCreateOrder", () => {
  it("normalizes codes, trims text and fills defaults", () => {
    const result = validateCreateOrder({ currency: "eur", number: "  7 ", shippingAddress: { countryCode: "de" } });
    expect(result).toMatchObject({
      ok: true,
      value: { source: "API", currency: "EUR", number: "7", shippingAddress: { countryCode: "DE" } },
    });
  });

  it("reports errors with paths into the input", () => {
    const result = validateCreateOrder({ lineItems: [{ quantity: 1, unitPrice: "-1" }], email: "nope" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.path?.join("."))).toEqual(expect.arrayContaining(["input.email", "input.lineItems.0.unitPrice"]));
    }
  });
});

describe("validateUpdateOrder", () => {
  it("keeps absent fields absent and explicit nulls as clears", () => {
    const result = validateUpdateOrder({ email: null, number: "9" });
    expect(result).toEqual({ ok: true, value: { email: null, number: "9" } });
  });

  it("refuses an update with nothing in it", () => {
    expect(validateUpdateOrder({})).toMatchObject({ ok: false, errors: [{ code: "VALIDATION", path: ["input"] }] });
  });
});

describe("validateIdempotencyKey", () => {
  it("takes no key, or 1 to 255 characters after trimming", () => {
    expect(validateIdempotencyKey(undefined)).toEqual({ ok: true, value: null });
    expect(validateIdempotencyKey("  checkout-1 ")).toEqual({ ok: true, value: "checkout-1" });
    for (const bad of ["", "   ", "k".repeat(256)]) {
      expect(validateIdempotencyKey(bad)).toMatchObject({ ok: false, errors: [{ code: "VALIDATION", path: ["idempotencyKey"] }] });
    }
  });
});
