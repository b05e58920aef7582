import { describe, expect, it } from "vitest";
import { parseRange } from "../../src/domain/byte-range.js";

describe("parseRange", () => {
  it("reads a range, an open-ended range and a suffix, clamped to the file", () => {
    expect(parseRange("bytes=10-99", 1000)).toEqual({ start: 10, end: 99 });
    expect(parseRange("bytes=990-", 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange("bytes=-100", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=900-5000", 1000)).toEqual({ start: 900, end: 999 });
  });

  it("answers the whole file for no range or one it does not serve (several ranges, other units)", () => {
    expect(parseRange(null, 1000)).toBeNull();
    expect(parseRange("bytes=0-1,5-9", 1000)).toBeNull();
    expect(parseRange("items=0-1", 1000)).toBeNull();
    expect(parseRange("bytes=-", 1000)).toBeNull();
  });

  it("refuses a range past the end, or backwards", () => {
    expect(parseRange("bytes=1000-", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=50-10", 1000)).toBe("unsatisfiable");
  });
});
