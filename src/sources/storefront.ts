// Storefront (Tiendanube/Nuvemshop-style shop API) order -> canonical order.
// Quirks handled: quantities and prices as strings, "+0000" offsets, flat
// billing_* fields, both shipping-status vocabularies.
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
});

export const storefrontOrderSchema = z.object({
  id: textOrNumber.refine((value) => value != null, "is required"),
  number: textOrNumber,
  name: text,
  contact_email: text,
  customer: z.object({ name: text, email: text, phone: text }).nullish(),
  products: z.array(product).max(1000).nullish(),
  subtotal: decimal,
  discount: decimal,
  total: decimal,
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
    customer: order.customer ? { email: order.customer.email, ...customerName } : null,
    status: lookup(STOREFRONT_ORDER_STATUS, order.status, "OPEN"),
    rawStatus: order.status,
    paymentStatus: order.payment_status?.toLowerCase() ?? null,
    currency,
    subtotal: order.subtotal,
    discount: order.discount,
    total: order.total,
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
      weight: p.weight,
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
    meta: order.extra && Object.keys(order.extra).length ? { extra: order.extra } : null,
    sourceUpdatedAt: order.updated_at,
    createdAt: order.created_at,
  };
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
