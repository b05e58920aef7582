// The rules for the API's write inputs, in one place. GraphQL has already
// checked types and enums; these check content (emails, quantities, money,
// sizes, duplicates) and turn input into canonical values.
import { z } from "zod";
import { OrderSource, OrderType, ShipmentStatus } from "../generated/prisma/enums.js";
import { jsonFault, jsonFaultMessage } from "./json-shape.js";
import { DECIMAL_PATTERN, isCurrencyCode } from "./money.js";
import {
  type AddressInput,
  type LineItemInput,
  type OrderInput,
  type ScanEventInput,
  type ShipmentInput,
  WEIGHT_UNITS,
} from "./order-input.js";
import { shipmentKey } from "./order-rules.js";
import { MAX_USER_ERRORS, type Result, type UserError } from "./user-error.js";

const MAX_TEXT = 2000;
const MAX_JSON_BYTES = 64 * 1024;
export const LIMITS = { lineItems: 500, shipments: 50, scanEvents: 500 } as const;

// Optional text: trimmed; "" or null clears; absent (undefined) stays absent.
const optionalText = (max = MAX_TEXT) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((value) => (value === undefined ? undefined : value === null || value.trim() === "" ? null : value.trim()));

const requiredText = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

const email = z.string().trim().max(320, "must be at most 320 characters").pipe(z.email("must be an email address")).nullish();

const money = z.string().trim().regex(DECIMAL_PATTERN, 'must be a decimal number such as "19.99"').nullish();

const nonNegativeMoney = money.refine((value) => value == null || !value.startsWith("-"), "must not be negative");

const currency = z
  .string()
  .trim()
  .refine(isCurrencyCode, 'must be an ISO 4217 currency code such as "USD"')
  .transform((value) => value.toUpperCase())
  .nullish();

const httpUrl = z
  .string()
  .trim()
  .max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`)
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), "must be an http(s) URL")
  .nullish();

const json = z
  .unknown()
  .refine((value) => value == null || JSON.stringify(value).length <= MAX_JSON_BYTES, `must be at most ${MAX_JSON_BYTES / 1024} KB of JSON`)
  .optional();

const address = z
  .object({
    name: optionalText(200),
    firstName: optionalText(200),
    lastName: optionalText(200),
    company: optionalText(200),
    line1: optionalText(500),
    line2: optionalText(500),
    city: optionalText(200),
    state: optionalText(200),
    postalCode: optionalText(40),
    country: optionalText(200),
    countryCode: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}$/, 'must be a two-letter ISO 3166 code such as "US"')
      .transform((value) => value.toUpperCase())
      .nullish(),
    phone: optionalText(50),
  })
  .nullish();

const customer = z.object({ email, firstName: optionalText(200), lastName: optionalText(200) }).nullish();

const lineItem = z
  .object({
    sku: optionalText(200),
    name: optionalText(500),
    quantity: z.number().int().min(1, "must be at least 1").max(1_000_000, "must be at most 1000000"),
    fulfilledQuantity: z.number().int().min(0, "must not be negative").nullish(),
    unitPrice: nonNegativeMoney,
    productId: optionalText(200),
    variantId: optionalText(200),
  })
  .refine((item) => item.fulfilledQuantity == null || item.fulfilledQuantity <= item.quantity, {
    message: "must not exceed quantity",
    path: ["fulfilledQuantity"],
  });

const scanEvent = z.object({
  scannedAt: z.date(),
  status: z.enum(ShipmentStatus),
  statusDetail: optionalText(500),
  carrierCode: optionalText(100),
  description: optionalText(),
  message: optionalText(),
  location: address,
});

const shipment = z
  .object({
    carrier: requiredText(100),
    trackingCode: requiredText(200),
    carrierService: optionalText(200),
    trackingUrl: httpUrl,
    isReturn: z.boolean().nullish(),
    estimatedDeliveryAt: z.date().nullish(),
    signedBy: optionalText(200),
    weight: money.refine((value) => value == null || !value.startsWith("-"), "must not be negative"),
    weightUnit: z.enum(WEIGHT_UNITS).nullish(),
    origin: address,
    destination: address,
    scanEvents: z.array(scanEvent).max(LIMITS.scanEvents, `must hold at most ${LIMITS.scanEvents} scan events`).nullish(),
  })
  // A weight is never kept without its unit.
  .refine((s) => s.weight == null || s.weightUnit != null, { message: "is required with a weight", path: ["weightUnit"] });

const shipments = z
  .array(shipment)
  .max(LIMITS.shipments, `must hold at most ${LIMITS.shipments} shipments`)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((s, index) => {
      const key = shipmentKey(s);
      if (seen.has(key))
        ctx.addIssue({ code: "custom", path: [index, "trackingCode"], message: `lists ${s.carrier} ${s.trackingCode} twice` });
      seen.add(key);
    });
  })
  .nullish();

const orderFields = {
  number: optionalText(100),
  email,
  phone: optionalText(50),
  customer,
  orderType: z.enum(OrderType).nullish(),
  currency,
  // The sources never send negative amounts.
  subtotal: nonNegativeMoney,
  discount: nonNegativeMoney,
  total: nonNegativeMoney,
  paymentStatus: optionalText(100),
  note: optionalText(),
  ownerNote: optionalText(),
  promisedShipBy: z.date().nullish(),
  promisedDeliveryBy: z.date().nullish(),
  shipMethod: optionalText(100),
  shippingAddress: address,
  billingAddress: address,
  lineItems: z.array(lineItem).max(LIMITS.lineItems, `must hold at most ${LIMITS.lineItems} line items`).nullish(),
  shipments,
  meta: json,
};

const createOrder = z.object({
  source: z.enum(OrderSource).nullish(),
  externalId: optionalText(255),
  ...orderFields,
});

const updateOrder = z.object(orderFields);

const createOrderEvent = z.object({
  type: requiredText(200),
  label: optionalText(),
  linkBackUrl: httpUrl,
  properties: json,
  timestamp: z.number().int().min(0, "must be a unix time in seconds").nullish(),
});

/** createOrder's idempotency key: absent (null), or 1 to 255 characters after trimming. */
export function validateIdempotencyKey(key: string | null | undefined): Result<string | null> {
  if (key == null) return { ok: true, value: null };
  const trimmed = key.trim();
  if (!trimmed || trimmed.length > 255) {
    return {
      ok: false,
      errors: [{ code: "VALIDATION", message: "idempotencyKey must be 1 to 255 characters.", path: ["idempotencyKey"] }],
    };
  }
  return { ok: true, value: trimmed };
}

type Shipments = NonNullable<z.output<typeof shipments>>;
type Address = z.output<typeof address>;

/** What updateOrder may change; a field left undefined is left as it is. */
export type OrderPatch = Omit<Partial<OrderInput>, "source" | "externalId">;

export function validateCreateOrder(input: unknown): Result<OrderInput> {
  return validate(createOrder, input, ["input"], (v) => ({
    ...v,
    source: v.source ?? "API",
    customer: v.customer ?? null,
    shippingAddress: toAddress(v.shippingAddress),
    billingAddress: toAddress(v.billingAddress),
    lineItems: v.lineItems?.map(toLineItem) ?? [],
    shipments: v.shipments ? toShipments(v.shipments) : [],
    meta: v.meta ?? null,
  }));
}

export function validateUpdateOrder(input: unknown): Result<OrderPatch> {
  const result = validate(updateOrder, input, ["input"], (v) => {
    const patch: OrderPatch = {};
    for (const [key, value] of Object.entries(v)) {
      if (value === undefined) continue;
      (patch as Record<string, unknown>)[key] = value;
    }
    if (v.shippingAddress !== undefined) patch.shippingAddress = toAddress(v.shippingAddress);
    if (v.billingAddress !== undefined) patch.billingAddress = toAddress(v.billingAddress);
    if (v.lineItems !== undefined) patch.lineItems = v.lineItems?.map(toLineItem) ?? [];
    if (v.shipments !== undefined) patch.shipments = v.shipments ? toShipments(v.shipments) : [];
    return patch;
  });
  if (result.ok && Object.keys(result.value).length === 0) {
    return { ok: false, errors: [{ code: "VALIDATION", message: "Give at least one field to update.", path: ["input"] }] };
  }
  return result;
}

const scanEvents = z
  .array(scanEvent)
  .min(1, "must hold at least one scan event")
  .max(LIMITS.scanEvents, `must hold at most ${LIMITS.scanEvents} scan events`);

export function validateScanEvents(events: unknown): Result<ScanEventInput[]> {
  return validate(scanEvents, events, ["events"], (list) => list.map(toScan));
}

export function validateOrderEvent(input: unknown) {
  return validate(createOrderEvent, input, ["input"], (v) => ({
    type: v.type,
    label: v.label ?? null,
    linkBackUrl: v.linkBackUrl ?? null,
    properties: v.properties ?? null,
    occurredAt: v.timestamp != null ? new Date(v.timestamp * 1000) : new Date(),
  }));
}

function validate<S extends z.ZodType, T>(schema: S, input: unknown, prefix: string[], build: (value: z.output<S>) => T): Result<T> {
  const fault = jsonFault(input);
  if (fault)
    return { ok: false, errors: [{ code: "VALIDATION", message: jsonFaultMessage(fault, prefix), path: [...prefix, ...fault.path] }] };
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: build(parsed.data) };
  return { ok: false, errors: parsed.error.issues.slice(0, MAX_USER_ERRORS).map((issue) => toUserError(issue, prefix)) };
}

function toUserError(issue: z.core.$ZodIssue, prefix: string[]): UserError {
  const path = [...prefix, ...issue.path.map(String)];
  return { code: "VALIDATION", message: `${path.join(".")} ${issue.message}`, path };
}

function toAddress(value: Address): AddressInput | null {
  if (!value) return null;
  return value;
}

function toLineItem(item: z.output<typeof lineItem>): LineItemInput {
  return { ...item, fulfilledQuantity: item.fulfilledQuantity ?? 0 };
}

function toScan(scan: z.output<typeof scanEvent>): ScanEventInput {
  return { ...scan, rawStatus: null, location: toAddress(scan.location) };
}

function toShipments(list: Shipments): ShipmentInput[] {
  return list.map((s) => ({
    ...s,
    ...(s.origin !== undefined ? { origin: toAddress(s.origin) } : {}),
    ...(s.destination !== undefined ? { destination: toAddress(s.destination) } : {}),
    scanEvents: s.scanEvents?.map(toScan) ?? [],
  }));
}
