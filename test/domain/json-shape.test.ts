import { describe, expect, it } from "vitest";
import { jsonFault, jsonFaultMessage, MAX_JSON_DEPTH, nestedDeeperThan } from "../../src/domain/json-shape.js";

describe("jsonFault", () => {
  it("accepts plain JSON, dates and values at the depth limit", () => {
    let value: unknown = "leaf";
    for (let i = 0; i < MAX_JSON_DEPTH; i++) value = [value];
    expect(jsonFault({ a: [1, "two", null, { b: true }], at: new Date() })).toBeNull();
    expect(jsonFault(value)).toBeNull();
  });

  it("finds a value nested too deep without recursing, however deep it is", () => {
    const deep = JSON.parse("[".repeat(100_000) + "]".repeat(100_000));
    const fault = jsonFault({ ok: 1, list: deep });
    expect(fault?.kind).toBe("depth");
    expect(fault?.path.slice(0, 3)).toEqual(["list", "0", "0"]);
    expect(jsonFaultMessage(fault!, ["variables"])).toMatch(/^variables\.list\.0\.0.* is nested deeper than 64 levels$/);
  });

  it("names the first string or key holding NUL", () => {
    expect(jsonFault({ a: "fine", b: [{ c: "x\u0000" }] })).toEqual({ kind: "nul", path: ["b", "0", "c"] });
    expect(jsonFault({ "k\u0000": 1 })).toEqual({ kind: "nul", path: ["k\u0000"] });
    expect(jsonFaultMessage({ kind: "nul", path: ["v"] }, ["variables"])).toBe("variables.v must not contain NUL characters");
  });
});

describe("nestedDeeperThan", () => {
  it("tells a value nested past the limit, however deep, from one at it, whatever its strings hold", () => {
    let atLimit: unknown = "leaf\u0000";
    for (let i = 0; i < MAX_JSON_DEPTH; i++) atLimit = i % 2 ? [atLimit] : { a: atLimit };
    expect(nestedDeeperThan(atLimit)).toBe(false);
    expect(nestedDeeperThan([atLimit])).toBe(true);
    expect(nestedDeeperThan({ ok: "x\u0000", at: new Date(), list: JSON.parse("[".repeat(100_000) + "]".repeat(100_000)) })).toBe(true);
  });
});
