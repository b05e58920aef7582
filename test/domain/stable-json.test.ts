import { describe, expect, it } from "vitest";
import { stableJson } from "../../src/domain/stable-json.js";

describe("stableJson", () => {
  it("writes every object's keys in order, at any depth, whatever order they came in", () => {
    const a = { b: 1, a: { d: [{ z: 1, y: 2 }, "x"], c: null } };
    const b = { a: { c: null, d: [{ y: 2, z: 1 }, "x"] }, b: 1 };
    expect(stableJson(a)).toBe('{"a":{"c":null,"d":[{"y":2,"z":1},"x"]},"b":1}');
    expect(stableJson(b)).toBe(stableJson(a));
  });

  it("tells different values apart and leaves the value as it was", () => {
    const value = { z: [{ b: 1, a: 2 }], a: "x" };
    expect(stableJson(value)).not.toBe(stableJson({ z: [{ b: 1, a: 3 }], a: "x" }));
    expect(stableJson([1, 2])).not.toBe(stableJson([2, 1]));
    stableJson(value);
    expect(Object.keys(value)).toEqual(["z", "a"]);
    expect(Object.keys(value.z[0]!)).toEqual(["b", "a"]);
  });

  it("writes values as JSON.stringify does: dates, undefined, a __proto__ key from parsed JSON", () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    expect(stableJson({ b: undefined, a: at })).toBe('{"a":"2026-01-02T03:04:05.678Z"}');
    expect(stableJson(undefined)).toBe("null");
    expect(stableJson(JSON.parse('{"z":1,"__proto__":{"b":2,"a":1}}'))).toBe('{"__proto__":{"a":1,"b":2},"z":1}');
  });
});
