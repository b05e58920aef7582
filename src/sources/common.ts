// Building blocks for reading the sources' native JSON: tolerant of the
// documented quirks (numbers as strings, unix or zone-less dates, "null"
// strings), strict about everything else, with messages that name the field.
import { z } from "zod";
import { jsonFault, MAX_JSON_DEPTH } from "../domain/json-shape.js";
import { DECIMAL_PATTERN } from "../domain/money.js";
import type { WeightUnit } from "../domain/order-input.js";

export const MAX_TEXT = 2000;

export class SourcePayloadError extends Error {
  constructor(
    readonly source: string,
    readonly issues: Array<{ path: string; message: string }>,
    what = "order",
  ) {
    super(`Invalid ${source} ${what}: ${issues.map((issue) => `${issue.path || "(payload)"}: ${issue.message}`).join("; ")}`);
  }
}

export function parseNative<T extends z.ZodType>(source: string, schema: T, payload: unknown): z.output<T> {
  const fault = jsonFault(payload);
  if (fault) {
    const message = fault.kind === "nul" ? "must not contain NUL characters" : `is nested deeper than ${MAX_JSON_DEPTH} levels`;
    throw new SourcePayloadError(source, [{ path: formatPath(fault.path), message }]);
  }
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  throw new SourcePayloadError(
    source,
    result.error.issues.slice(0, 10).map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  );
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "");
}

/** The source's own id of the order, where its docs type it as a string: required unless `optional`. */
export const sourceIdText = z
  .string({ error: (issue) => (issue.input === undefined ? "is required" : `must be a string, got ${JSON.stringify(issue.input)}`) })
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters");

/**
 * A field read by one function: a single schema node, where a chain such as
 * `z.string().max(n).nullish().transform(f)` makes four, each with a parse
 * result of its own. The sources' fields are almost all such leaves, and
 * reading them was most of mapping a payload. Issues are zod's own
 * (invalid_type, invalid_union), so the messages are those zod writes.
 */
function leaf<T>(read: (value: unknown, ctx: z.core.$RefinementCtx) => T) {
  return z.transform(read);
}

const typeIssue = (ctx: z.core.$RefinementCtx, expected: "string" | "number", input: unknown) => {
  ctx.addIssue({ code: "invalid_type", expected, input });
  return z.NEVER;
};
// What zod reports when no option of a union takes the value.
const unionIssue = (ctx: z.core.$RefinementCtx, input: unknown) => {
  ctx.addIssue({ code: "invalid_union", errors: [], input });
  return z.NEVER;
};
// zod's number: finite, never NaN.
const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const customIssue = (ctx: z.core.$RefinementCtx, message: string) => {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
};
const tooLong = (ctx: z.core.$RefinementCtx) => customIssue(ctx, `must be at most ${MAX_TEXT} characters`);

/** The text trimmed; null for the string "null" (Malomo's signed_by) and for blank text, which mean absent. */
function presentText(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === "" || value === "null" ? null : trimmed;
}

/** A string field; the string "null" and "" mean absent. */
export const text = leaf((value, ctx): string | null => {
  if (value == null) return null;
  if (typeof value !== "string") return typeIssue(ctx, "string", value);
  if (value.length > MAX_TEXT) return tooLong(ctx);
  return presentText(value);
});

/** An identifier or code that some sources send as a number (ids, postcodes). */
export const textOrNumber = leaf((value, ctx): string | null => {
  if (value == null) return null;
  if (typeof value === "string") return value.length > MAX_TEXT ? tooLong(ctx) : presentText(value);
  return isFiniteNumber(value) ? presentText(String(value)) : unionIssue(ctx, value);
});

/** Money and weights: a decimal as a number or a string ("5190.00"). */
export const decimal = leaf((value, ctx): string | null => {
  if (value == null || value === "") return null;
  if (typeof value !== "string" && !isFiniteNumber(value)) return unionIssue(ctx, value);
  const normalized = String(value).trim();
  if (!DECIMAL_PATTERN.test(normalized)) return customIssue(ctx, `must be a decimal number, got ${JSON.stringify(value)}`);
  return normalized;
});

/** A non-negative whole quantity, as a number or a numeric string ("1"). */
export const quantity = leaf((value, ctx): number => {
  if (typeof value !== "string" && !isFiniteNumber(value)) return unionIssue(ctx, value);
  const n = typeof value === "number" ? value : Number(value.trim());
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000)
    return customIssue(ctx, `must be a whole number from 0 to 1000000, got ${JSON.stringify(value)}`);
  return n;
});

/**
 * A point in time: ISO-8601 with or without a zone (zone-less is UTC),
 * offsets written "+0000", or unix seconds as a number or numeric string.
 */
export const timestamp = leaf((value, ctx): Date | null => {
  if (value == null || value === "" || value === "null") return null;
  if (typeof value !== "string" && !isFiniteNumber(value)) return unionIssue(ctx, value);
  const date = toDate(value);
  if (!date) return customIssue(ctx, `must be an ISO-8601 date-time or unix seconds, got ${JSON.stringify(value)}`);
  return date;
});

/** ISO-8601 with seconds and a zone, as most sources write it: read as it is. */
const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function toDate(value: string | number): Date | null {
  if (typeof value === "string" && ZONED_ISO.test(value)) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  if (typeof value === "number" || /^\d{9,11}$/.test(value.trim())) {
    const seconds = Number(value);
    return Number.isFinite(seconds) ? new Date(seconds * 1000) : null;
  }
  let iso = value.trim().replace(" ", "T");
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(iso)) return null;
  iso = iso.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  if (/T/.test(iso) && !/(Z|[+-]\d{2}:\d{2})$/i.test(iso)) iso += "Z";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A wall-clock date-time without a zone ("2019-01-30T13:30:00"), kept as written: it is local to the place it describes. */
export const localDateTime = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/, 'must be a local date-time such as "2019-01-30T13:30:00"')
  .transform((value) => value.replace(" ", "T"))
  .nullish()
  .transform((value) => value ?? null);

/** A calendar date ("2019-01-30"). */
export const localDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as "2019-01-30"')
  .nullish()
  .transform((value) => value ?? null);

const WEIGHT_UNIT_NAMES: Readonly<Record<string, WeightUnit>> = {
  g: "g",
  gram: "g",
  grams: "g",
  kg: "kg",
  kilogram: "kg",
  kilograms: "kg",
  oz: "oz",
  ounce: "oz",
  ounces: "oz",
  lb: "lb",
  lbs: "lb",
  pound: "lb",
  pounds: "lb",
};

/** A source's weight unit as one of ours; null when it names none we know (the weight is then not kept). */
export function weightUnit(raw: string | null | undefined): WeightUnit | null {
  return raw ? (WEIGHT_UNIT_NAMES[raw.trim().toLowerCase()] ?? null) : null;
}

/** Arbitrary JSON kept as it came (meta, extra, properties). */
export const jsonObject = z.record(z.string(), z.unknown()).nullish();

/** "John Doe" -> first "John", last "Doe"; one word is a first name. */
export function splitName(name: string | null): { firstName: string | null; lastName: string | null } {
  if (!name) return { firstName: null, lastName: null };
  const [first, ...rest] = name.trim().split(/\s+/);
  return { firstName: first ?? null, lastName: rest.length ? rest.join(" ") : null };
}
