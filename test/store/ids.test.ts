import { validate, version } from "uuid";
import { expect, it } from "vitest";
import { newId } from "../../src/store/ids.js";

it("makes UUIDv7 ids that sort in the order they were made, also within one millisecond", () => {
  const ids = Array.from({ length: 20_000 }, () => newId());
  for (const id of ids.slice(0, 50)) {
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(7);
    expect("89ab").toContain(id[19]);
  }
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual(ids);
  // The timestamp is the time the id was made (to the millisecond, ahead by at most what the counter borrowed).
  const ms = parseInt(newId().replace(/-/g, "").slice(0, 12), 16);
  expect(Math.abs(ms - Date.now())).toBeLessThan(1000);
});
