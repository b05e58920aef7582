// A few hundred demo orders made from the sources' documented examples: each
// is one of the four examples with its ids, people, dates and statuses
// varied, spread over the last 90 days, so that a newcomer's filters, pages,
// totals and searches find something. Every order status and shipment status
// occurs, and some orders are cancelled or carry a retriable error. The
// newest is a Malomo order with a shipment and its scans. Deterministic for
// a given `now`, so a second start finds the same orders unchanged.
import type { ImportSource } from "../services/imports.js";

export type Templates = {
  malomo: Record<string, unknown>;
  flexport: Record<string, unknown>;
  flexportError: Record<string, unknown>;
  storefront: Record<string, unknown>;
  trackmage: Record<string, unknown>;
};

/** A source's native JSON, edited field by field; the mappers check its shape on import. */
// biome-ignore lint/suspicious/noExplicitAny: the examples' shapes are the sources' own
type Native = Record<string, any>;

const DAY = 86_400_000;
const PEOPLE = [
  ["Ada", "Lovelace"],
  ["Grace", "Hopper"],
  ["Alan", "Turing"],
  ["Katherine", "Johnson"],
  ["Edsger", "Dijkstra"],
  ["Barbara", "Liskov"],
  ["Donald", "Knuth"],
  ["Margaret", "Hamilton"],
  ["Linus", "Torvalds"],
  ["Frances", "Allen"],
  ["Tim", "Berners-Lee"],
  ["Radia", "Perlman"],
] as const;
const PLACES = [
  ["Springfield", "OR", "97475"],
  ["Brooklyn", "NY", "11201"],
  ["Chicago", "IL", "60611"],
  ["Austin", "TX", "73301"],
  ["Denver", "CO", "80202"],
  ["Seattle", "WA", "98101"],
  ["Indianapolis", "IN", "46203"],
] as const;
const CARRIERS = [
  { carrier: "usps", name: "USPS", service: "Priority Mail", url: "https://tools.usps.com/go/TrackConfirmAction?qtc_tLabels1=" },
  { carrier: "ups", name: "UPS", service: "UPS Ground", url: "https://www.ups.com/track?tracknum=" },
  { carrier: "fedex", name: "FedEx", service: "FedEx Home Delivery", url: "https://www.fedex.com/fedextrack/?trknbr=" },
  { carrier: "dhl", name: "DHL", service: "DHL Express", url: "https://www.dhl.com/en/express/tracking.html?AWB=" },
] as const;
/** Each shipment status the API knows, as the scans that lead to it (Malomo's vocabulary). */
const SCAN_PATHS = [
  ["pre_transit", "in_transit", "out_for_delivery"],
  ["pre_transit"],
  ["pre_transit", "in_transit"],
  ["pre_transit", "in_transit", "available_for_pickup"],
  ["pre_transit", "in_transit", "out_for_delivery", "delivered"],
  ["pre_transit", "in_transit", "out_for_delivery", "failure"],
  ["pre_transit", "in_transit", "failure", "return_to_sender"],
  ["pre_transit", "cancelled"],
  ["pre_transit", "in_transit", "out_for_delivery", "delivered"],
] as const;
const SCAN_TEXT: Record<string, string> = {
  pre_transit: "Shipping Label Created, Awaiting Item",
  in_transit: "Arrived at Hub",
  out_for_delivery: "Out for Delivery",
  available_for_pickup: "Available for Pickup",
  delivered: "Delivered, Front Door/Porch",
  failure: "Delivery Attempted, No Access to Delivery Location",
  return_to_sender: "Return to Sender Processed",
  cancelled: "Shipment Cancelled",
};

const clone = <T>(value: T): T => structuredClone(value);
const pick = <T>(list: readonly T[], i: number): T => list[Math.floor(i) % list.length]!;
const uuid = (kind: number, i: number) => `${(0x5d3e0000 + kind).toString(16)}-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
/** Malomo's scan times: ISO-8601 without a zone. */
const local = (at: number) => new Date(at).toISOString().slice(0, 19);
const iso = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
/** The storefront's times: "2022-02-23T12:25:18+0000". */
const storefrontTime = (at: number) => `${new Date(at).toISOString().slice(0, 19)}+0000`;

export function generatedDemoPayloads(templates: Templates, now: Date, count = 300): Array<[ImportSource, unknown]> {
  const orders: Array<[ImportSource, unknown]> = [];
  for (let i = 0; i < count; i++) {
    // Newest first, spread over 90 days, a few hours apart at most.
    const created = now.getTime() - Math.round(((i + 0.5) / count) * 90 * DAY);
    const [first, last] = pick(PEOPLE, i * 5 + 1);
    const person = { first, last, email: `${first.toLowerCase()}.${last.toLowerCase().replace(/\W/g, "")}${i % 7}@example.com` };
    const place = pick(PLACES, i * 3);
    const kind = i % 4;
    if (kind === 0) orders.push(["MALOMO", malomo(templates.malomo, i, created, now.getTime(), person, place)]);
    else if (kind === 1) orders.push(["STOREFRONT", storefront(templates.storefront, i, created, person, place)]);
    else if (kind === 2) orders.push(["FLEXPORT", flexport(templates, i, created, now.getTime(), person, place)]);
    else orders.push(["TRACKMAGE", trackmage(templates.trackmage, i, created, person, place)]);
  }
  return orders;
}

type Person = { first: string; last: string; email: string };
type Place = readonly [city: string, state: string, zip: string];

function malomo(template: Record<string, unknown>, i: number, created: number, now: number, person: Person, place: Place) {
  const order = clone(template) as Native;
  const shipmentTemplate = order.shipments[0];
  const path = pick(SCAN_PATHS, i / 4);
  const carrier = pick(CARRIERS, i);
  const trackingCode = `94001${String(i).padStart(17, "0")}`;
  const address = { city: place[0].toUpperCase(), country: "US", postal_code: place[2], state: place[1] };
  // Scans a few hours apart, never in the future.
  const scans = path.map((status, step) => {
    const at = Math.min(created + (step + 1) * 7 * 3_600_000, now - (path.length - step) * 60_000);
    return {
      ...shipmentTemplate.scan_events[0],
      status,
      scanned_at: local(at),
      description: SCAN_TEXT[status],
      message: `${SCAN_TEXT[status]} in ${address.city}, ${address.state}`,
      location: address,
      source: carrier.name,
    };
  });
  const lastScan = scans.at(-1)!.scanned_at;
  const delivered = path.at(-1) === "delivered" ? lastScan : null;
  order.id = uuid(0, i);
  order.alternate_id = String(460_000_000 + i);
  order.number = String(2000 + i);
  order.email = person.email;
  order.customer = { email: person.email, first_name: person.first, last_name: person.last };
  order.meta = { shopify_order: { order_id: 460_000_000 + i } };
  order.created_at = iso(created);
  order.updated_at = `${lastScan}Z`;
  order.shipments = [
    {
      ...shipmentTemplate,
      id: uuid(1, i),
      carrier: carrier.carrier,
      carrier_name: carrier.name,
      carrier_service: carrier.service,
      carrier_url: carrier.url + trackingCode,
      tracking_code: trackingCode,
      status: path.at(-1),
      delivered_at: delivered,
      initial_delivery_attempted_at: delivered,
      estimated_delivered_at: local(created + 4 * DAY),
      original_estimated_delivered_at: local(created + 4 * DAY),
      destination: address,
      scan_events: scans,
    },
  ];
  return order;
}

function storefront(template: Record<string, unknown>, i: number, created: number, person: Person, place: Place) {
  const order = clone(template) as Native;
  const status = pick(["open", "open", "closed", "open", "cancelled"], i / 4);
  const shipped = status !== "cancelled" && i % 3 !== 0;
  const updated = created + 3 * 3_600_000;
  order.id = 470_000_000 + i;
  order.number = 11_000 + i;
  order.token = `demo${String(i).padStart(36, "0")}`;
  order.created_at = storefrontTime(created);
  order.updated_at = storefrontTime(updated);
  order.paid_at = storefrontTime(created);
  order.status = status;
  order.payment_status = pick(["paid", "paid", "pending", "paid", "refunded"], i / 4);
  order.shipping_status = shipped ? "shipped" : "unshipped";
  order.shipped_at = shipped ? storefrontTime(updated) : null;
  order.shipping_tracking_number = shipped ? `1Z77${String(i).padStart(14, "0")}` : null;
  order.shipping_tracking_url = shipped ? `https://www.ups.com/track?tracknum=${order.shipping_tracking_number}` : null;
  order.closed_at = status === "closed" ? storefrontTime(updated) : null;
  order.cancelled_at = status === "cancelled" ? storefrontTime(updated) : null;
  order.cancel_reason = status === "cancelled" ? "customer" : null;
  const name = `${person.first} ${person.last}`;
  order.customer = { ...order.customer, id: 500 + (i % 50), name, email: person.email };
  order.billing_name = name;
  order.billing_city = place[0];
  order.shipping_address = { ...order.shipping_address, name, city: place[0], province: place[1], zipcode: place[2] };
  order.products = order.products.map((product: Record<string, unknown>) => ({ ...product, quantity: String(1 + (i % 3)) }));
  return order;
}

function flexport(templates: Templates, i: number, created: number, now: number, person: Person, place: Place) {
  // Every fifth is held by a retriable error (out of stock), as Flexport's documented example.
  const withError = i % 5 === 2;
  const order = clone(withError ? templates.flexportError : templates.flexport) as Native;
  const shift = (text: string | null) => (text ? iso(created + (Date.parse(text) - Date.parse(order.createdAt))) : null);
  const cancelled = !withError && i % 9 === 2;
  order.id = `fo_demo${String(i).padStart(5, "0")}`;
  order.externalOrderId = `SO-${60_000 + i}`;
  order.address = { ...order.address, name: `${person.first} ${person.last}`, city: place[0], provinceCode: place[1], zip: place[2] };
  for (const key of ["promisedDeliveryByTime", "promisedShipByTime", "shippedAt", "deliveredAt"]) order[key] = shift(order[key]);
  if (cancelled) {
    order.state = { ...order.state, fulfillmentStatus: "CANCELLED", internalStatus: "CANCELLED", fulfillmentInProgress: false };
    order.shipments = [];
    order.shippedAt = null;
  }
  order.shipments = order.shipments.map((shipment: Native, s: number) => ({
    ...shipment,
    id: `shp_demo${i}_${s}`,
    createdAt: shift(shipment.createdAt),
    shippedAt: shift(shipment.shippedAt),
    estimatedDeliveryTime: shift(shipment.estimatedDeliveryTime),
    estimatedShipTime: shift(shipment.estimatedShipTime),
    labelPrintTime: shift(shipment.labelPrintTime),
    packages: shipment.packages.map((pkg: Native, p: number) => {
      const trackingCode = `1Z999AA1${String(i * 10 + p).padStart(10, "0")}`;
      return {
        ...pkg,
        id: `pkg_demo${i}_${p}`,
        createdAt: shift(pkg.createdAt),
        carrierPickUpTime: shift(pkg.carrierPickUpTime),
        carrierShipTime: shift(pkg.carrierShipTime),
        labelCreateTime: shift(pkg.labelCreateTime),
        label: {
          ...pkg.label,
          id: `lbl_demo${i}_${p}`,
          createdAt: shift(pkg.label.createdAt),
          trackingCode,
          trackingUrl: `https://www.ups.com/track?tracknum=${trackingCode}`,
        },
      };
    }),
  }));
  const updated = Math.min(created + (Date.parse(order.updatedAt) - Date.parse(order.createdAt)), now);
  order.createdAt = iso(created);
  order.updatedAt = iso(updated);
  return order;
}

function trackmage(template: Record<string, unknown>, i: number, created: number, person: Person, place: Place) {
  const order = clone(template) as Native;
  const [code, title] = pick(
    [
      ["new", "New"],
      ["processing", "Processing"],
      ["shipped", "Shipped"],
      ["completed", "Completed"],
      ["cancelled", "Cancelled"],
    ],
    i / 4,
  );
  order.id = uuid(2, i);
  order.orderNumber = `ON${100 + i}`;
  order.externalSourceSyncId = `wo_${2000 + i}`;
  order.externalSourceUrl = `http://my-store.com/admin/orders/wo_${2000 + i}`;
  order.orderStatus = { ...order.orderStatus, code, title, id: uuid(3, i) };
  order.fulfillmentStatus = code === "completed" ? "fulfilled" : code === "shipped" ? "partial" : "not_fulfilled";
  order.email = person.email;
  order.createdAt = Math.floor(created / 1000);
  order.updatedAt = Math.floor(created / 1000) + 3600;
  order.shipments = [];
  const address = {
    ...order.shippingAddress,
    firstName: person.first,
    lastName: person.last,
    city: place[0],
    state: place[1],
    postcode: Number(place[2]),
  };
  order.shippingAddress = address;
  order.billingAddress = address;
  return order;
}
