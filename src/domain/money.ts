// Money is stored as NUMERIC and served as a decimal string. Values are shown
// with at least two decimals ("5190.00"), more when the amount has them.
export type DecimalLike = { toFixed(digits?: number): string; decimalPlaces(): number; toString(): string };

export function formatMoney(value: DecimalLike | string | null | undefined): string | null {
  if (value == null) return null;
  if (typeof value !== "string") return value.toFixed(Math.max(2, value.decimalPlaces()));
  const text = trimDecimal(value);
  const dot = text.indexOf(".");
  if (dot < 0) return `${text}.00`;
  return text.length - dot - 1 >= 2 ? text : `${text}0`;
}

/**
 * A decimal as the API shows weights: no trailing zeros ("1.500" is "1.5").
 * Text is PostgreSQL's numeric output (never in exponent notation), as
 * relations fetched as JSON carry it.
 */
export function formatDecimal(value: DecimalLike | string | null | undefined): string | null {
  if (value == null) return null;
  return typeof value === "string" ? trimDecimal(value) : value.toString();
}

function trimDecimal(text: string): string {
  if (!text.includes(".")) return text;
  let end = text.length;
  while (text[end - 1] === "0") end--;
  if (text[end - 1] === ".") end--;
  return text.slice(0, end);
}

/** A decimal as money and weights are accepted: "12", "12.5", "-3.10". */
export const DECIMAL_PATTERN = /^-?\d{1,15}(\.\d{1,6})?$/;

// ISO 4217 codes as the runtime's ICU data knows them (current currencies;
// not the testing, precious-metal or "no currency" codes such as XXX).
const CURRENCY_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

/** Whether `code` (any case) is an ISO 4217 currency code. */
export function isCurrencyCode(code: string): boolean {
  return CURRENCY_CODES.has(code.toUpperCase());
}
