import { describe, expect, it } from "vitest";
import { deriveFulfillmentStatus } from "../../src/domain/fulfillment.js";
import { formatMoney } from "../../src/domain/money.js";
import { checkOrderFilter, searchTerms } from "../../src/domain/order-filter.js";
import {
  deliveredAtFromScans,
  followScans,
  latestScan,
  orderShippingDates,
  shipmentStatusFromScans,
  shippedAtFromScans,
} from "../../src/domain/shipment-status.js";
import { Prisma } from "../../src/generated/prisma/client.js";

describe("deriveFulfillmentStatus", () => {
  const item = (quantity: number, fulfilledQuantity: number) => ({ quantity, fulfilledQuantity });

  it("follows TrackMage: none, some or all items shipped", () => {
    expect(deriveFulfillmentStatus([item(2, 0), item(1, 0)])).toBe("UNFULFILLED");
    expect(deriveFulfillmentStatus([item(2, 1), item(1, 0)])).toBe("PARTIALLY_FULFILLED");
    expect(deriveFulfillmentStatus([item(2, 2), item(1, 0)])).toBe("PARTIALLY_FULFILLED");
    expect(deriveFulfillmentStatus([item(2, 2), item(1, 1)])).toBe("FULFILLED");
  });

  it("does not let over-fulfilment of one item hide another", () => {
    expect(deriveFulfillmentStatus([item(1, 5), item(1, 0)])).toBe("PARTIALLY_FULFILLED");
  });

  it("uses shipments when there are no line items", () => {
    expect(deriveFulfillmentStatus([])).toBe("UNFULFILLED");
    expect(deriveFulfillmentStatus([], true)).toBe("FULFILLED");
  });
});

describe("shipment status", () => {
  const scan = (iso: string, status: Parameters<typeof shipmentStatusFromScans>[0][number]["status"]) => ({
    scannedAt: new Date(iso),
    status,
  });
  const scans = [
    scan("2026-01-02T00:00:00Z", "IN_TRANSIT"),
    scan("2026-01-01T00:00:00Z", "PRE_TRANSIT"),
    scan("2026-01-03T00:00:00Z", "DELIVERED"),
  ];

  it("follows the latest scan whatever the order given", () => {
    expect(latestScan(scans)?.status).toBe("DELIVERED");
    expect(shipmentStatusFromScans(scans, "IN_TRANSIT")).toBe("DELIVERED");
    expect(shipmentStatusFromScans([], "IN_TRANSIT")).toBe("IN_TRANSIT");
    expect(shipmentStatusFromScans([], null)).toBe("UNKNOWN");
  });

  it("dates shipment at the first move and delivery at the delivered scan", () => {
    expect(shippedAtFromScans(scans)).toEqual(new Date("2026-01-02T00:00:00Z"));
    expect(deliveredAtFromScans(scans)).toEqual(new Date("2026-01-03T00:00:00Z"));
    expect(shippedAtFromScans([scans[1]!])).toBeNull();
  });

  it("delivers an order only when every outbound shipment is delivered", () => {
    const d = (iso: string) => new Date(iso);
    const delivered = { status: "DELIVERED" as const, isReturn: false, shippedAt: d("2026-01-01"), deliveredAt: d("2026-01-03") };
    const moving = { status: "IN_TRANSIT" as const, isReturn: false, shippedAt: d("2026-01-02"), deliveredAt: null };
    const aReturn = { status: "IN_TRANSIT" as const, isReturn: true, shippedAt: d("2026-01-05"), deliveredAt: null };
    expect(orderShippingDates([delivered, moving])).toEqual({ shippedAt: d("2026-01-01"), deliveredAt: null });
    expect(orderShippingDates([delivered, aReturn])).toEqual({ shippedAt: d("2026-01-01"), deliveredAt: d("2026-01-03") });
    expect(orderShippingDates([])).toEqual({ shippedAt: null, deliveredAt: null });
  });
});

describe("formatMoney", () => {
  it("shows at least two decimals and keeps more", () => {
    expect(formatMoney(new Prisma.Decimal("5190"))).toBe("5190.00");
    expect(formatMoney(new Prisma.Decimal("19.5"))).toBe("19.50");
    expect(formatMoney(new Prisma.Decimal("0.125"))).toBe("0.125");
    expect(formatMoney(null)).toBeNull();
  });
});

describe("searchTerms", () => {
  it("splits words, drops a leading # and escapes LIKE wildcards", () => {
    expect(searchTerms("  Ada   Lovelace ")).toEqual(["Ada", "Lovelace"]);
    expect(searchTerms("#1001")).toEqual(["1001"]);
    expect(searchTerms("50%_off\\")).toEqual(["50\\%\\_off\\\\"]);
    expect(searchTerms(null)).toEqual([]);
  });

  it("refuses overlong searches", () => {
    expect(() => searchTerms("a".repeat(201))).toThrow(/at most 200/);
    expect(() => searchTerms("a b c d e f")).toThrow(/at most 5 words/);
  });
});

describe("followScans", () => {
  const at = (iso: string) => new Date(iso);
  it("takes the latest scan's status, and the latest delivery's time once delivered", () => {
    const scans = [
      { scannedAt: at("2026-01-02T00:00:00Z"), status: "DELIVERED" as const },
      { scannedAt: at("2026-01-01T00:00:00Z"), status: "IN_TRANSIT" as const },
    ];
    expect(followScans(scans, { status: "PRE_TRANSIT", deliveredAt: null })).toEqual({
      status: "DELIVERED",
      deliveredAt: at("2026-01-02T00:00:00Z"),
    });
    expect(followScans(scans.slice(1), { status: "PRE_TRANSIT", deliveredAt: null })).toEqual({ status: "IN_TRANSIT", deliveredAt: null });
    expect(followScans([], { status: "DELIVERY_FAILED", deliveredAt: null })).toEqual({ status: "DELIVERY_FAILED", deliveredAt: null });
  });
});

describe("checkOrderFilter", () => {
  it("refuses what reading with the filter would refuse, and takes the rest", () => {
    expect(() => checkOrderFilter({ q: "x".repeat(201) })).toThrow(/at most 200 characters/);
    expect(() => checkOrderFilter({ customerIds: Array.from({ length: 101 }, (_, i) => String(i)) })).toThrow(/at most 100 ids/);
    expect(() => checkOrderFilter({ q: "ana", customerIds: ["101"] })).not.toThrow();
    expect(() => checkOrderFilter(null)).not.toThrow();
  });
});
