// Money is stored as NUMERIC and served as a decimal string. Values are shown
// with at least two decimals ("5190.00"), more when the amount has them.
export type DecimalLike = { toFixed(digits?: number): string; decimalPlaces(): number };

export function formatMoney(value: DecimalLike | null | undefined): string | null {
  if (value == null) return null;
  return value.toFixed(Math.max(2, value.decimalPlaces()));
}

const DECIMAL = /^-?\d{1,15}(\.\d{1,6})?$/;

/** Accepts "12", "12.5", "-3.10"; the normalized form is trimmed of spaces. */
export function isDecimalString(value: string): boolean {
  return DECIMAL.test(value.trim());
}
