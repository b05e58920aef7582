// canonical -> native, checked by reading the result back through the source's own mapper.
import { describe, expect, it } from "vitest";
import { Prisma } from "../../src/generated/prisma/client.js";
import { mapFlexportOrder, toFlexportOrder } from "../../src/sources/flexport.js";
import { mapMalomoOrder, toMalomoEvent, toMalomoOrder } from "../../src/sources/malomo.js";
import type { StoredOrder } from "../../src/store/stored-order.js";

const stored = {
  id: "01960000-0000-7000-8000-000000000001",
  externalId: "A-1",
  sourceOrderId: "m-1",
  number: "1001",
  email: "ana@example.com",
  phone: "+1 555 0100",
  customerEmail: "ana@example.com",
  customerFirstName: "Ana",
  customerLastName: "Lima",
  currency: "USD",
  meta: { flexport: { marketplace: "SHOPIFY" } },
  shipMethod: "standard",
  promisedShipBy: new Date("2026-11-25T00:00:00Z"),
  promisedDeliveryBy: null,
  shippingAddress: {
    name: null,
    firstName: "Ana",
    lastName: "Lima",
    company: null,
    line1: "1 Main St",
    line2: null,
    city: "Austin",
    state: "TX",
    postalCode: "78701",
    countryCode: "US",
    phone: null,
  },
  billingAddress: null,
  lineItems: [{ sku: "SKU-1", quantity: 2, unitPrice: new Prisma.Decimal("9.50"), currency: null }],
  shipments: [{ carrier: "usps", trackingCode: "9400" }],
} as unknown as StoredOrder;

describe("canonical -> native", () => {
  it("gives Malomo an order its own mapper reads back the same", () => {
    const native = toMalomoOrder(stored);
    const back = mapMalomoOrder({ ...native, id: "m-1" });
    expect(back).toMatchObject({
      externalId: "A-1",
      number: "1001",
      email: "ana@example.com",
      customer: { email: "ana@example.com", firstName: "Ana", lastName: "Lima" },
      shipments: [{ carrier: "usps", trackingCode: "9400" }],
    });
    expect(toMalomoOrder(stored, true)).not.toHaveProperty("alternate_id");
    expect(
      toMalomoEvent({ type: "Packed", label: null, linkBackUrl: null, properties: null, occurredAt: new Date("2026-11-20T10:00:00Z") })
        .timestamp,
    ).toBe(1795168800);
  });

  it("gives Flexport an order its own mapper reads back the same", () => {
    const native = toFlexportOrder(stored);
    expect(native).toMatchObject({ shipMethod: "standard", source: "SHOPIFY", promisedShipByTime: "2026-11-25T00:00:00.000Z" });
    expect(native).not.toHaveProperty("promisedDeliveryByTime");
    const back = mapFlexportOrder({ ...native, id: "fo-1" });
    expect(back).toMatchObject({
      externalId: "A-1",
      shipMethod: "standard",
      promisedShipBy: new Date("2026-11-25T00:00:00Z"),
      shippingAddress: {
        firstName: "Ana",
        lastName: "Lima",
        line1: "1 Main St",
        city: "Austin",
        state: "TX",
        postalCode: "78701",
        countryCode: "US",
        phone: "+1 555 0100",
      },
      lineItems: [{ sku: "SKU-1", quantity: 2, unitPrice: "9.5", currency: "USD" }],
    });
  });
});
