import { describe, expect, it } from "vitest";
import {
  flexportOrderStatus,
  lookup,
  normalizeShipmentStatus,
  SHIPMENT_STATUS,
  STOREFRONT_ORDER_STATUS,
  STOREFRONT_SHIPPED,
  TRACKMAGE_FULFILLMENT,
  TRACKMAGE_ORDER_STATUS,
} from "../../src/sources/statuses.js";

describe("shipment statuses", () => {
  it.each(Object.entries(SHIPMENT_STATUS))("%s -> %s", (raw, canonical) => {
    expect(normalizeShipmentStatus(raw)).toBe(canonical);
    // The same words in another case or spelling map alike.
    expect(normalizeShipmentStatus(raw.toUpperCase().replace(/_/g, " "))).toBe(canonical);
    expect(normalizeShipmentStatus(raw.replace(/_/g, "-"))).toBe(canonical);
  });

  it("maps what it does not know to UNKNOWN", () => {
    expect(normalizeShipmentStatus("teleported")).toBe("UNKNOWN");
    expect(normalizeShipmentStatus("")).toBe("UNKNOWN");
    expect(normalizeShipmentStatus(null)).toBe("UNKNOWN");
  });
});

describe("order statuses", () => {
  it.each(Object.entries(STOREFRONT_ORDER_STATUS))("storefront %s -> %s", (raw, canonical) => {
    expect(lookup(STOREFRONT_ORDER_STATUS, raw, "OPEN")).toBe(canonical);
  });
  it.each(Object.entries(STOREFRONT_SHIPPED))("storefront shipping %s -> shipped %s", (raw, shipped) => {
    expect(lookup(STOREFRONT_SHIPPED, raw, false)).toBe(shipped);
  });
  it.each(Object.entries(TRACKMAGE_ORDER_STATUS))("TrackMage %s -> %s", (raw, canonical) => {
    expect(lookup(TRACKMAGE_ORDER_STATUS, raw, "OPEN")).toBe(canonical);
  });
  it.each(Object.entries(TRACKMAGE_FULFILLMENT))("TrackMage fulfillment %s -> %s", (raw, canonical) => {
    expect(lookup(TRACKMAGE_FULFILLMENT, raw, "UNFULFILLED")).toBe(canonical);
  });

  it("falls back for values a source has not documented", () => {
    expect(lookup(STOREFRONT_ORDER_STATUS, "archived", "OPEN")).toBe("OPEN");
    expect(lookup(TRACKMAGE_ORDER_STATUS, "some_custom_code", "OPEN")).toBe("OPEN");
  });

  it("reads Flexport's state", () => {
    expect(flexportOrderStatus("CANCELLED", "DELIVERED")).toBe("CANCELLED");
    expect(flexportOrderStatus("SHIPPED", "DELIVERED")).toBe("CLOSED");
    expect(flexportOrderStatus("PROCESSING", "PENDING")).toBe("OPEN");
    expect(flexportOrderStatus(null, null)).toBe("OPEN");
  });
});
