// Storefront (Tiendanube/Nuvemshop-style shop API) order -> canonical order.
// Quirks handled: quantities and prices as strings, "+0000" offsets, flat
// billing_* fields, both shipping-status vocabularies, `price` for `total` in
// the single-order example.
import { z } from "zod";
import { isCurrencyCode } from "../domain/money.js";
import type { OrderInput } from "../domain/order-input.js";
import type { CancelReason } from "../generated/prisma/enums.js";
import { decimal, jsonObject, parseNative, quantity, splitName, text, textOrNumber, timestamp } from "./common.js";
import { lookup, STOREFRONT_ORDER_STATUS, STOREFRONT_SHIPPED } from "./statuses.js";

const address = z
  .object({
    name: text,
    address: text,
    number: textOrNumber,
    floor: textOrNumber,
    locality: text,
    city: text,
    province: text,
    zipcode: textOrNumber,
    country: text,
    phone: text,
  })
  .nullish();

const product = z.object({
  name: text,
  sku: textOrNumber,
  price: decimal,
  quantity,
  product_id: textOrNumber,
  variant_id: textOrNumber,
  weight: decimal,
  width: decimal,
  height: decimal,
  depth: decimal,
  barcode: textOrNumber,
});

export const storefrontOrderSchema = z.object({
  // Documented as numeric.
  id: z
    .number({ error: (issue) => (issue.input === undefined ? "is required" : `must be a number, got ${JSON.stringify(issue.input)}`) })
    .int("must be a whole number")
    .nonnegative("must not be negative")
    .transform(String),
  number: textOrNumber,
  name: text,
  contact_email: text,
  customer: z.object({ id: textOrNumber, name: text, email: text, phone: text }).nullish(),
  products: z.array(product).max(1000).nullish(),
  subtotal: decimal,
  discount: decimal,
  discount_coupon: decimal,
  discount_gateway: decimal,
  total: decimal,
  total_usd: decimal,
  price: decimal,
  price_usd: decimal,
  shipping_cost_customer: decimal,
  shipping_cost_owner: decimal,
  coupon: z
    .array(z.object({ code: text }))
    .max(100)
    .nullish(),
  gateway: text,
  gateway_name: text,
  payment_details: jsonObject,
  shipping_option_code: text,
  shipping_pickup_type: text,
  shipping_min_days: z.number().int().nullish(),
  shipping_max_days: z.number().int().nullish(),
  storefront: text,
  language: text,
  weight: decimal,
  owner_note: text,
  paid_at: timestamp,
  closed_at: timestamp,
  currency: text,
  status: text,
  payment_status: text,
  shipping_status: text,
  shipping: text,
  shipping_option: text,
  shipping_tracking_number: text,
  shipping_tracking_url: text,
  shipping_address: address,
  billing_name: text,
  billing_phone: text,
  billing_address: text,
  billing_number: textOrNumber,
  billing_floor: textOrNumber,
  billing_locality: text,
  billing_zipcode: textOrNumber,
  billing_city: text,
  billing_province: text,
  billing_country: text,
  extra: jsonObject,
  note: text,
  cancel_reason: text,
  cancelled_at: timestamp,
  shipped_at: timestamp,
  created_at: timestamp,
  updated_at: timestamp,
});

const CANCEL_REASONS = new Set<CancelReason>(["CUSTOMER", "FRAUD", "INVENTORY", "OTHER"]);

export function mapStorefrontOrder(payload: unknown): OrderInput {
  const order = parseNative("storefront", storefrontOrderSchema, payload);
  const shipped = lookup(STOREFRONT_SHIPPED, order.shipping_status, false);
  const currency = order.currency && isCurrencyCode(order.currency) ? order.currency.toUpperCase() : "USD";
  const cancelReason = order.cancel_reason?.toUpperCase() as CancelReason | undefined;
  const customerName = splitName(order.customer?.name ?? null);
  const email = order.contact_email ?? order.customer?.email ?? null;
  return {
    source: "STOREFRONT",
    externalId: order.id,
    sourceOrderId: order.id,
    number: order.number,
    email,
    phone: order.customer?.phone ?? null,
    customerId: order.customer?.id ?? null,
    customer: order.customer ? { email: order.customer.email, ...customerName } : null,
    note: order.note,
    ownerNote: order.owner_note,
    status: lookup(STOREFRONT_ORDER_STATUS, order.status, "OPEN"),
    rawStatus: order.status,
    paymentStatus: order.payment_status?.toLowerCase() ?? null,
    currency,
    subtotal: order.subtotal,
    discount: order.discount,
    discountCoupon: order.discount_coupon,
    discountGateway: order.discount_gateway,
    shippingCost: order.shipping_cost_customer,
    // The single-order example names the total `price`.
    total: order.total ?? order.price,
    totalUsd: order.total_usd ?? order.price_usd,
    paidAt: order.paid_at,
    closedAt: order.closed_at,
    shippingAddress: order.shipping_address ? toAddress(order.shipping_address) : null,
    billingAddress: toAddress({
      name: order.billing_name,
      phone: order.billing_phone,
      address: order.billing_address,
      number: order.billing_number,
      floor: order.billing_floor,
      locality: order.billing_locality,
      zipcode: order.billing_zipcode,
      city: order.billing_city,
      province: order.billing_province,
      country: order.billing_country,
    }),
    lineItems: (order.products ?? []).map((p) => ({
      sku: p.sku,
      name: p.name,
      quantity: p.quantity,
      fulfilledQuantity: shipped ? p.quantity : 0,
      unitPrice: p.price,
      currency,
      productId: p.product_id,
      variantId: p.variant_id,
      // The docs give the order's weight in kilograms; a product's is the same.
      weight: p.weight,
      weightUnit: p.weight != null ? ("kg" as const) : null,
      barcode: p.barcode,
      width: p.width,
      height: p.height,
      depth: p.depth,
    })),
    shipments:
      order.shipping_tracking_number && order.shipping
        ? [
            {
              carrier: order.shipping,
              trackingCode: order.shipping_tracking_number,
              carrierService: order.shipping_option,
              trackingUrl: order.shipping_tracking_url,
              status: shipped ? "IN_TRANSIT" : "PRE_TRANSIT",
              rawStatus: order.shipping_status,
            },
          ]
        : [],
    shippedAt: shipped ? order.shipped_at : null,
    cancelledAt: order.cancelled_at,
    cancelReason: cancelReason && CANCEL_REASONS.has(cancelReason) ? cancelReason : null,
    meta: storefrontMeta(order),
    sourceUpdatedAt: order.updated_at,
    createdAt: order.created_at,
  };
}

/** What the storefront says that has no column: `extra` as it came, and the rest under `storefront` (absent values left out). */
function storefrontMeta(order: z.output<typeof storefrontOrderSchema>) {
  const details = Object.fromEntries(
    Object.entries({
      gateway: order.gateway,
      gatewayName: order.gateway_name,
      paymentDetails: order.payment_details,
      coupons: order.coupon?.flatMap((c) => (c.code ? [c.code] : [])),
      shippingCostOwner: order.shipping_cost_owner,
      shippingOptionCode: order.shipping_option_code,
      shippingPickupType: order.shipping_pickup_type,
      shippingMinDays: order.shipping_min_days,
      shippingMaxDays: order.shipping_max_days,
      channel: order.storefront,
      language: order.language,
      weightKg: order.weight,
    }).filter(([, value]) => value != null && !(Array.isArray(value) && !value.length)),
  );
  const extra = order.extra && Object.keys(order.extra).length ? order.extra : null;
  if (!extra && !Object.keys(details).length) return null;
  return { ...(extra ? { extra } : {}), ...(Object.keys(details).length ? { storefront: details } : {}) };
}

type StorefrontAddress = NonNullable<z.output<typeof address>>;

function toAddress(a: StorefrontAddress) {
  const line1 = [a.address, a.number].filter(Boolean).join(" ") || null;
  const line2 = [a.floor, a.locality].filter(Boolean).join(", ") || null;
  return {
    name: a.name,
    ...splitName(a.name),
    line1,
    line2,
    city: a.city,
    state: a.province,
    postalCode: a.zipcode,
    countryCode: a.country && /^[A-Za-z]{2}$/.test(a.country) ? a.country.toUpperCase() : null,
    country: a.country && /^[A-Za-z]{2}$/.test(a.country) ? null : a.country,
    phone: a.phone,
  };
}
