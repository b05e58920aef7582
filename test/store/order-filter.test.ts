// Enum filters stand in the statement's text, so that a page filtered by them
// can be a prepared statement; only the enums' own members get there.
import { expect, it } from "vitest";
import { orderFilterSql } from "../../src/store/order-filter.js";

const WORKSPACE = "00000000-0000-7000-8000-000000000001";

it("writes enum filters into the text, each value once, and sends only the workspace as a parameter", () => {
  const { where, args } = orderFilterSql(WORKSPACE, { status: ["OPEN", "CANCELLED", "OPEN"], source: ["MALOMO"] });
  expect(args).toEqual([WORKSPACE]);
  expect(where).toBe(
    `workspace_id = $1::uuid AND status IN ('CANCELLED'::"OrderStatus", 'OPEN'::"OrderStatus") AND source IN ('MALOMO'::"OrderSource")`,
  );
});

it("sends every other filter as a parameter", () => {
  const { args } = orderFilterSql(WORKSPACE, { status: ["OPEN"], paymentStatus: ["paid"], q: "ada" });
  expect(args).toEqual([WORKSPACE, ["paid"], "%ada%"]);
});

it("refuses a value that is not a member of its enum", () => {
  expect(() => orderFilterSql(WORKSPACE, { status: ["OPEN') OR true --" as never] })).toThrow(/is not a "OrderStatus" value/);
});
