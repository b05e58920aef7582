import { describe, expect, it } from "vitest";
import { formatDecimal, formatMoney, isCurrencyCode } from "../../src/domain/money.js";
import { Prisma } from "../../src/generated/prisma/client.js";

// Rows read by the ORM hold Decimals; relations fetched as JSON hold
// PostgreSQL's numeric text. Both must print the same.
const samples = ["12", "12.5", "12.50", "12.500000", "-3.10", "0", "0.000", "5190", "0.000001", "123456789012345.123456"];

describe("formatMoney", () => {
  it("shows at least two decimals, more when the amount has them", () => {
    expect(formatMoney("12")).toBe("12.00");
    expect(formatMoney("12.5")).toBe("12.50");
    expect(formatMoney("12.500000")).toBe("12.50");
    expect(formatMoney("0.125")).toBe("0.125");
    expect(formatMoney(null)).toBeNull();
  });

  it("prints text as it prints the same Decimal", () => {
    for (const text of samples) expect(formatMoney(text), text).toBe(formatMoney(new Prisma.Decimal(text)));
  });
});

describe("formatDecimal", () => {
  it("drops trailing zeros, as a Decimal prints", () => {
    expect(formatDecimal("1.500")).toBe("1.5");
    expect(formatDecimal("2.000")).toBe("2");
    expect(formatDecimal(undefined)).toBeNull();
    for (const text of samples) expect(formatDecimal(text), text).toBe(formatDecimal(new Prisma.Decimal(text)));
  });
});

describe("isCurrencyCode", () => {
  it("takes ISO 4217 currency codes in any case, and nothing else", () => {
    expect(["USD", "eur", "BRL", "ARS", "JPY"].every(isCurrencyCode)).toBe(true);
    expect(["XXX", "ZZZ", "US", "dollars", "ABC"].some(isCurrencyCode)).toBe(false);
  });
});
