import { describe, expect, it } from "vitest";
import { SourcePayloadError } from "../../src/sources/common.js";
import { mapFlexportOrder } from "../../src/sources/flexport.js";
import { mapMalomoEvent, mapMalomoOrder } from "../../src/sources/malomo.js";
import { mapStorefrontOrder } from "../../src/sources/storefront.js";
import { mapTrackmageOrder } from "../../src/sources/trackmage.js";
import { payload, rawFixture } from "./payloads.js";

const utc = (iso: string) => new Date(iso);

describe("Malomo", () => {
  const order = mapMalomoOrder(payload("malomo-order.json"));

  it("maps the documented order: ids, customer, meta and dates", () => {
    expect(order).toMatchObject({
      source: "MALOMO",
      externalId: "450789469",
      sourceOrderId: "58f3d13f-2979-462b-92f8-4b85c6ee6abe",
      number: "1000",
      email: "john@example.com",
      customer: { email: "john@example.com", firstName: "John", lastName: "Smith" },
      meta: { shopify_order: { order_id: 450789469 } },
      createdAt: utc("2019-01-30T13:30:00Z"),
      sourceUpdatedAt: utc("2019-01-30T13:30:00Z"),
    });
  });

  it('reads zone-less timestamps as UTC and the string "null" as no value', () => {
    const shipment = order.shipments![0]!;
    expect(shipment).toMatchObject({
      carrier: "usps",
      trackingCode: "9400000000000000000000",
      carrierService: "First-Class Package Service",
      trackingUrl: "https://tools.usps.com/go/TrackConfirmAction?qtc_tLabels1=9400000000000000000000",
      status: "DELIVERED",
      rawStatus: "delivered",
      isReturn: false,
      signedBy: null,
      weight: null,
      deliveredAt: utc("2019-01-30T13:30:00Z"),
      estimatedDeliveryAt: utc("2019-01-30T13:30:00Z"),
      origin: { city: "INDIANAPOLIS", state: "IN", postalCode: "46203", country: null },
    });
    expect(shipment.scanEvents!.map((s) => [s.scannedAt.toISOString(), s.status, s.rawStatus, s.statusDetail, s.carrierCode])).toEqual([
      ["2019-01-28T13:23:00.000Z", "PRE_TRANSIT", "pre_transit", "label_created", "GX"],
      ["2019-01-28T20:29:00.000Z", "IN_TRANSIT", "in_transit", "received_at_origin_facility", "OA"],
      ["2019-01-30T09:16:00.000Z", "OUT_FOR_DELIVERY", "out_for_delivery", "out_for_delivery", "OF"],
      ["2019-01-30T13:30:00.000Z", "DELIVERED", "delivered", "arrived_at_destination", "01"],
    ]);
    expect(shipment.scanEvents![0]).toMatchObject({ source: "USPS", location: { city: "INDIANAPOLIS", state: "IN" } });
  });

  it("maps the documented order event with its unix timestamp", () => {
    expect(mapMalomoEvent(payload("malomo-order-event.json"))).toMatchObject({
      type: "ShopifyOrderFulfilled",
      label: "Order #1000 fulfilled",
      linkBackUrl: "https://goodest-boi.myshopify.com/admin/orders/5555555555555",
      properties: { shopify_order: { id: "5555555555555" } },
      occurredAt: utc("2019-01-30T13:30:00Z"),
    });
  });

  it("keeps an unknown shipment or scan status as UNKNOWN with the raw value", () => {
    const native = payload("malomo-order.json");
    native.shipments[0].status = "teleported";
    native.shipments[0].scan_events[3].status = "beamed_up";
    const mapped = mapMalomoOrder(native).shipments![0]!;
    expect(mapped).toMatchObject({ status: "UNKNOWN", rawStatus: "teleported" });
    expect(mapped.scanEvents![3]).toMatchObject({ status: "UNKNOWN", rawStatus: "beamed_up" });
  });

  it("falls back to Malomo's id without an alternate_id, and refuses an order with neither", () => {
    const { alternate_id: _, ...withoutAlternate } = payload("malomo-order.json");
    expect(mapMalomoOrder(withoutAlternate).externalId).toBe("58f3d13f-2979-462b-92f8-4b85c6ee6abe");
    const { id: __, ...neither } = withoutAlternate;
    expect(() => mapMalomoOrder(neither)).toThrow(/id: is required: an order needs its id or an alternate_id/);
  });
});

describe("Flexport", () => {
  it("makes each labelled package a shipment, with the label's carrier and tracking code", () => {
    const order = mapFlexportOrder(payload("flexport-order.json"));
    expect(order).toMatchObject({
      source: "FLEXPORT",
      externalId: "SO-58231",
      sourceOrderId: "fo_7Hk2mQ9xT3",
      status: "OPEN",
      rawStatus: "SHIPPED",
      processingState: "SHIPPED",
      processingError: null,
      currency: "USD",
      customer: { firstName: "Ada", lastName: "Lovelace" },
      shippingAddress: {
        name: "Ada Lovelace",
        line1: "1 Dock Street",
        line2: "Suite 4",
        city: "Brooklyn",
        state: "NY",
        postalCode: "11201",
        countryCode: "US",
        company: "Harbor Goods",
      },
      promisedShipBy: utc("2026-11-03T23:59:59Z"),
      promisedDeliveryBy: utc("2026-11-07T23:59:59Z"),
      shippedAt: utc("2026-11-03T16:05:00Z"),
    });
    expect(order.lineItems).toEqual([
      { sku: "DSKU-MUG-BLUE", quantity: 2, fulfilledQuantity: 2, unitPrice: "24.5", currency: "USD" },
      { sku: "DSKU-COASTER-4", quantity: 1, fulfilledQuantity: 1, unitPrice: "12", currency: "USD" },
    ]);
    const [shipment] = order.shipments!;
    expect(shipment).toMatchObject({
      carrier: "UPS",
      trackingCode: "1Z999AA10123456784",
      carrierService: "UPS Ground",
      trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
      status: "IN_TRANSIT",
      rawStatus: "SHIPPED",
      estimatedDeliveryAt: utc("2026-11-06T20:00:00Z"),
    });
    expect(shipment!.scanEvents!.map((s) => [s.status, s.description])).toEqual([
      ["PRE_TRANSIT", "Label created"],
      ["IN_TRANSIT", "Picked up by carrier"],
      ["IN_TRANSIT", "Shipped by carrier"],
    ]);
  });

  it("keeps a retriable processing error", () => {
    expect(mapFlexportOrder(payload("flexport-order-error.json"))).toMatchObject({
      processingState: "ERROR",
      processingError: { code: "409", message: "Insufficient inventory for DSKU-KETTLE-RED", type: "OUT_OF_STOCK", retriable: true },
      lineItems: [{ sku: "DSKU-KETTLE-RED", quantity: 1, fulfilledQuantity: 0 }],
    });
  });

  it("accepts the docs' schema example as it is (placeholders, zero quantities, a cancelled state)", () => {
    const order = mapFlexportOrder(payload("flexport-order.docs-example.json"));
    expect(order).toMatchObject({
      externalId: "string",
      status: "CANCELLED",
      processingError: { code: "0", message: "string", type: "PARTIALLY_SHIPPED", retriable: true },
      cancelledAt: utc("2019-08-24T14:15:22Z"),
      billingAddress: { line1: "string" },
    });
    expect(order.shipments).toHaveLength(1);
    expect(order.shipments![0]).toMatchObject({ carrier: "string", trackingCode: "string", status: "CANCELLED" });
  });
});

describe("storefront", () => {
  const [listed] = payload("storefront-orders.json");

  it("reads quantities and prices sent as strings, and the flat billing_* fields", () => {
    const order = mapStorefrontOrder(listed);
    expect(order).toMatchObject({
      source: "STOREFRONT",
      externalId: "450789469",
      number: "10872",
      email: "john.doe@example.com",
      phone: "+5491126653230",
      customer: { email: "john.doe@example.com", firstName: "John", lastName: "Doe" },
      status: "OPEN",
      rawStatus: "open",
      paymentStatus: "paid",
      currency: "USD",
      subtotal: "5190.00",
      discount: "0.00",
      total: "5660.00",
      meta: { extra: { "gift-wrap": "deluxe" } },
      createdAt: utc("2022-02-23T12:25:18Z"),
      billingAddress: {
        name: "John Doe",
        line1: "Evergreen Terrace 742",
        city: "Springfield",
        state: "Oregon",
        postalCode: "97475",
        countryCode: "US",
        phone: "555-123-0413",
      },
      shippingAddress: { line1: "Evergreen Terrace 742", city: "Springfield", countryCode: "US" },
    });
    expect(order.lineItems).toEqual([
      expect.objectContaining({
        sku: "12331471",
        name: "Pokeball",
        quantity: 1,
        fulfilledQuantity: 0,
        unitPrice: "5190.00",
        productId: "58208779",
        variantId: "169164456",
        weight: "0.50",
      }),
    ]);
  });

  it("takes shipped_at only when the shipping status says shipped, in either vocabulary", () => {
    expect(mapStorefrontOrder(listed).shippedAt).toBeNull();
    for (const shipped of ["fulfilled", "shipped"]) {
      const order = mapStorefrontOrder({ ...listed, shipping_status: shipped });
      expect(order.shippedAt).toEqual(utc("2022-02-23T19:58:30Z"));
      expect(order.lineItems![0]!.fulfilledQuantity).toBe(1);
    }
  });

  it("maps the single-order example: numeric quantities and ids, offsets with a colon", () => {
    const order = mapStorefrontOrder(payload("storefront-order.json"));
    expect(order).toMatchObject({
      number: "1",
      paymentStatus: "pending",
      createdAt: utc("2008-01-10T16:00:00Z"),
      lineItems: [{ quantity: 2, unitPrice: "19.00", productId: "1234", variantId: "101" }],
      customer: { email: "john.doe@example.com", firstName: null },
    });
  });

  it("makes a shipment of a tracking number and carries the cancel reason", () => {
    const order = mapStorefrontOrder({
      ...listed,
      status: "cancelled",
      cancel_reason: "fraud",
      cancelled_at: "2022-02-24T10:00:00+0000",
      shipping_tracking_number: "1Z12345",
      shipping_tracking_url: "https://ups.example/1Z12345",
    });
    expect(order).toMatchObject({ status: "CANCELLED", cancelReason: "FRAUD", cancelledAt: utc("2022-02-24T10:00:00Z") });
    expect(order.shipments).toEqual([
      expect.objectContaining({ carrier: "ups", trackingCode: "1Z12345", status: "PRE_TRANSIT", rawStatus: "unshipped" }),
    ]);
  });
});

describe("TrackMage", () => {
  it("reads a unix createdAt, a numeric postcode, string money and IRI references", () => {
    const order = mapTrackmageOrder(payload("trackmage-order.json"));
    expect(order).toMatchObject({
      source: "TRACKMAGE",
      externalId: "d20215c9-0691-4783-a2f0-fb56938e5a78",
      sourceOrderId: "d20215c9-0691-4783-a2f0-fb56938e5a78",
      number: "ON1",
      email: "non-existing@trackmage.com",
      phone: "13125551212",
      orderType: "CUSTOMER",
      status: "OPEN",
      rawStatus: "new",
      rawStatusTitle: "New",
      fulfillmentStatus: "PARTIALLY_FULFILLED",
      currency: "EUR",
      subtotal: "199.9",
      total: "199.9",
      createdAt: utc("2021-01-10T00:00:00Z"),
      shippingAddress: {
        firstName: "Dorothy",
        lastName: "Gale",
        line1: "567 East Cedar",
        line2: "Apartment 1",
        postalCode: "67901",
        countryCode: "US",
        country: "United States",
        state: "Kansas",
        company: "Acme, Inc.",
      },
      meta: {
        trackmage: {
          workspace: "/workspaces/cbe5589f-8869-4a9c-9d9c-3d7f70d66878",
          storeOrderId: "wo_1001",
          shipments: ["/shipments/cbe5589f-8869-4a9c-9d9c-3d7f70d66878"],
        },
      },
    });
  });

  it("also takes createdAt as ISO-8601, as documented", () => {
    const order = mapTrackmageOrder({ ...payload("trackmage-order.json"), createdAt: "2021-01-10T00:00:00+00:00" });
    expect(order.createdAt).toEqual(utc("2021-01-10T00:00:00Z"));
  });

  it("refuses an orderType it does not document", () => {
    expect(() => mapTrackmageOrder({ ...payload("trackmage-order.json"), orderType: "wholesale" })).toThrow(
      /orderType: must be "customer" or "vendor"/,
    );
  });
});

describe("malformed payloads", () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    [
      "the docs' Malomo text, which is not JSON",
      () => mapMalomoOrder(rawFixture("malomo-order.docs-raw.txt")),
      /\(payload\): .*expected object/,
    ],
    ["an array instead of an order", () => mapStorefrontOrder([]), /expected object/],
    ["null", () => mapFlexportOrder(null), /expected object/],
    [
      "a quantity that is not a number",
      () => mapStorefrontOrder({ id: 1, products: [{ quantity: "lots" }] }),
      /products\[0\]\.quantity: must be a whole number/,
    ],
    [
      "a negative quantity",
      () => mapFlexportOrder({ id: "x", lineItems: [{ logisticsSku: "a", quantity: -1 }] }),
      /lineItems\[0\]\.quantity/,
    ],
    ["a date that is not a date", () => mapMalomoOrder({ id: "x", created_at: "yesterday" }), /created_at: must be an ISO-8601 date-time/],
    [
      "money that is not a decimal",
      () => mapTrackmageOrder({ id: "x", orderType: "customer", total: "12,50" }),
      /total: must be a decimal number/,
    ],
    ["shipments that are not a list", () => mapMalomoOrder({ id: "x", shipments: "usps" }), /shipments: .*expected array/],
    [
      "a shipment without a tracking code",
      () => mapMalomoOrder({ id: "x", shipments: [{ carrier: "usps" }] }),
      /shipments\[0\]\.tracking_code/,
    ],
    ["a storefront order without an id", () => mapStorefrontOrder({ number: 1 }), /^Invalid storefront order: id: /],
    ["a Flexport order without line items", () => mapFlexportOrder({ id: "x" }), /lineItems: .*expected array/],
    ["a huge string", () => mapMalomoOrder({ id: "x", number: "9".repeat(5000) }), /number: must be at most 2000 characters/],
    ["a NUL character", () => mapMalomoOrder({ id: "x", email: "a\u0000b" }), /email: must not contain NUL characters/],
    ["a number for a text", () => mapMalomoOrder({ id: "x", email: 5 }), /email: Invalid input: expected string, received number$/],
    ["a list for an id or code", () => mapMalomoOrder({ id: "x", number: [1] }), /number: Invalid input$/],
    ["a boolean for money", () => mapTrackmageOrder({ id: "x", orderType: "customer", total: true }), /total: Invalid input$/],
    ["an object for a date", () => mapMalomoOrder({ id: "x", created_at: {} }), /created_at: Invalid input$/],
    [
      "a fraction for a quantity",
      () => mapStorefrontOrder({ id: 1, products: [{ quantity: 1.5 }] }),
      /products\[0\]\.quantity: must be a whole number from 0 to 1000000, got 1.5/,
    ],
    [
      "a missing quantity",
      () => mapFlexportOrder({ id: "x", lineItems: [{ logisticsSku: "a" }] }),
      /lineItems\[0\]\.quantity: Invalid input$/,
    ],
    [
      "a too long postcode",
      () => mapStorefrontOrder({ id: 1, billing_zipcode: "1".repeat(2001) }),
      /billing_zipcode: must be at most 2000 characters/,
    ],
  ];
  for (const [name, run, message] of cases) {
    it(`refuses ${name}, naming the field`, () => {
      expect(run).toThrow(SourcePayloadError);
      expect(run).toThrow(message);
    });
  }
});
