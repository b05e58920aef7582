// Statements built once and run with new values each time (store/schema.ts).
import { afterAll, beforeAll, expect, it } from "vitest";
import { q, shapedStatement, statement } from "../../src/store/schema.js";
import { createTestGateway, type TestGateway } from "../helpers.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

it("runs a statement built once with each call's values, and refuses a call that leaves one out", async () => {
  const [first, second] = await gw.seed([
    { source: "API", externalId: "stmt-1" },
    { source: "API", externalId: "stmt-2" },
  ]);
  let builds = 0;
  const byId = statement((v: { workspaceId: string; id: string }) => {
    builds++;
    return q.selectFrom("order").select("externalId").where("workspaceId", "=", v.workspaceId).where("id", "=", v.id);
  });
  expect(await byId(gw.db.sql, { workspaceId: gw.workspaceId, id: first! })).toEqual([{ externalId: "stmt-1" }]);
  expect(await byId(gw.db.sql, { workspaceId: gw.workspaceId, id: second! })).toEqual([{ externalId: "stmt-2" }]);
  expect(await byId(gw.db.sql, { workspaceId: "00000000-0000-7000-8000-000000000000", id: second! })).toEqual([]);
  expect(builds).toBe(1);
  await expect(byId(gw.db.sql, { workspaceId: gw.workspaceId } as never)).rejects.toThrow("No value for id");
});

it("builds a shaped statement once per shape", async () => {
  const [id] = await gw.seed([{ source: "API", externalId: "stmt-3", email: "shape@example.com" }]);
  const shapes: string[] = [];
  const columns = shapedStatement(
    (shape: { column: "externalId" | "email" }) => shape.column,
    (shape, v: { id: string }) => {
      shapes.push(shape.column);
      return q.selectFrom("order").select(shape.column).where("id", "=", v.id);
    },
  );
  expect(await columns(gw.db.sql, { column: "externalId" }, { id: id! })).toEqual([{ externalId: "stmt-3" }]);
  expect(await columns(gw.db.sql, { column: "email" }, { id: id! })).toEqual([{ email: "shape@example.com" }]);
  expect(await columns(gw.db.sql, { column: "externalId" }, { id: id! })).toEqual([{ externalId: "stmt-3" }]);
  expect(shapes).toEqual(["externalId", "email"]);
});
