// A bulk import's progress records: what `bulkOperation` reports after a
// batch, after the same batch recorded again (a restart imports the batch
// that committed but was not recorded once more), and after a cancel.
import { afterAll, beforeAll, expect, it } from "vitest";
import { recordImportBatch } from "../../src/store/bulk-operations.js";
import { createTestGateway, type TestGateway } from "../helpers.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const batch = (line: number, failedLines: number[]) => ({
  cursor: { line, bytes: line * 100 },
  created: 500 - failedLines.length,
  updated: 0,
  unchanged: 0,
  failures: failedLines.map((failed) => ({ line: failed, errors: [{ code: "VALIDATION", message: `line ${failed} is bad` }] })),
});

it("adds a batch's counts and failed lines, counts a failed line recorded again once, and records nothing once cancelled", async () => {
  const { prisma, sql } = gw.db;
  const op = await prisma.bulkOperation.create({
    data: { workspaceId: gw.workspaceId, kind: "IMPORT", status: "RUNNING", source: "MALOMO" },
  });
  const stored = () => prisma.bulkOperation.findUniqueOrThrow({ where: { id: op.id } });

  expect(await recordImportBatch(sql, op.id, batch(500, [7, 9]))).toBe(true);
  expect(await recordImportBatch(sql, op.id, batch(1000, []))).toBe(true);
  expect(await stored()).toMatchObject({ objectCount: 1000, failedCount: 2, createdCount: 998, cursor: { line: 1000, bytes: 100000 } });

  // The second batch again, now with a failure of its own beside one recorded before.
  expect(await recordImportBatch(sql, op.id, batch(1000, [9, 612]))).toBe(true);
  expect(await stored()).toMatchObject({ objectCount: 1000, failedCount: 3 });
  const failures = await prisma.bulkOperationError.findMany({ where: { operationId: op.id }, orderBy: { line: "asc" } });
  expect(failures.map((f) => [f.line, f.errors])).toEqual([
    [7, [{ code: "VALIDATION", message: "line 7 is bad" }]],
    [9, [{ code: "VALIDATION", message: "line 9 is bad" }]],
    [612, [{ code: "VALIDATION", message: "line 612 is bad" }]],
  ]);

  await prisma.bulkOperation.update({ where: { id: op.id }, data: { status: "CANCELLED" } });
  const before = await stored();
  expect(await recordImportBatch(sql, op.id, batch(1500, [1203]))).toBe(false);
  expect(await stored()).toEqual(before);
  expect(await prisma.bulkOperationError.count({ where: { operationId: op.id } })).toBe(3);
});
