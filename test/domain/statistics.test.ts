import { describe, expect, it } from "vitest";
import { crossesStatisticsMark } from "../../src/domain/statistics.js";

describe("crossesStatisticsMark", () => {
  it("marks 5,000 orders and each quadrupling after it, once each", () => {
    expect(crossesStatisticsMark(0, 4_999)).toBe(false);
    expect(crossesStatisticsMark(4_500, 5_000)).toBe(true);
    expect(crossesStatisticsMark(5_000, 19_999)).toBe(false);
    expect(crossesStatisticsMark(19_000, 21_000)).toBe(true);
    expect(crossesStatisticsMark(21_000, 79_000)).toBe(false);
    expect(crossesStatisticsMark(0, 100_000)).toBe(true);
  });
});
