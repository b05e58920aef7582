// npm run import's file reader: a file where every line fails is counted in
// full, and only its first failures are kept to be shown.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { importFile } from "../src/cli/import.js";
import { createTestGateway, type TestGateway } from "./helpers.js";

let gw: TestGateway;
let dir: string;
beforeAll(async () => {
  gw = await createTestGateway();
  dir = await mkdtemp(join(tmpdir(), "import-file-"));
});
afterAll(async () => {
  await gw.close();
  await rm(dir, { recursive: true, force: true });
});

it("counts every failed line and keeps the first 50 with their line numbers", async () => {
  const file = join(dir, "broken.ndjson");
  const lines = Array.from({ length: 1_200 }, (_, n) =>
    n % 2 ? `{ broken ${n}` : JSON.stringify({ id: `no-shipments-${n}`, shipments: "none" }),
  );
  await writeFile(file, `${lines.join("\n")}\n`);

  // Four batches in flight: they may finish in any order.
  const summary = await importFile({ store: gw.db.sql, workspaceId: gw.workspaceId, source: "MALOMO", file, concurrency: 4 });

  expect(summary).toMatchObject({ CREATED: 0, UPDATED: 0, UNCHANGED: 0, failed: 1_200 });
  expect(summary.failures).toHaveLength(50);
  expect(summary.failures[0]).toMatchObject({ label: "line 1", reason: expect.stringMatching(/shipments/) });
  expect(summary.failures[1]).toMatchObject({ label: "line 2", reason: expect.stringMatching(/^not valid JSON/) });
  expect(summary.failures.map((f) => f.label)).toEqual(Array.from({ length: 50 }, (_, n) => `line ${n + 1}`));
});

it("numbers lines across \\n, \\r\\n and lone \\r breaks, blank lines, and a \\r\\n split between two reads", async () => {
  const file = join(dir, "breaks.ndjson");
  // The first line fills the reader's first 64 KiB but one byte: its \r ends that read and its \n starts the next.
  const first = `{ one ${"x".repeat(65_536 - 1 - 6)}`;
  await writeFile(file, `${first}\r\n{ two\r{ three\n\n{ five\r\n{ six`);
  const summary = await importFile({ store: gw.db.sql, workspaceId: gw.workspaceId, source: "MALOMO", file });
  expect(summary.failed).toBe(5);
  expect(summary.failures.map((f) => f.label)).toEqual(["line 1", "line 2", "line 3", "line 5", "line 6"]);
});
