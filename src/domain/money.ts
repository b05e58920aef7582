// Money is stored as NUMERIC and served as a decimal string. Values are shown
// with at least two decimals ("5190.00"), more when the amount has them.
export type DecimalLike = { toFixed(digits?: number): string; decimalPlaces(): number };

export function formatMoney(value: DecimalLike | null | undefined): string | null {
  if (value == null) return null;
  return value.toFixed(Math.max(2, value.decimalPlaces()));
}

/** A decimal as money and weights are accepted: "12", "12.5", "-3.10". */
export const DECIMAL_PATTERN = /^-?\d{1,15}(\.\d{1,6})?$/;
