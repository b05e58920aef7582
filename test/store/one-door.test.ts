// The store is the one door to the order tables: no other module names them
// in a query, so their rules (transactions, locks, workspace on every row)
// live in one place.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { expect, it } from "vitest";

const SRC = new URL("../../src/", import.meta.url).pathname;
// The store itself, the generated Prisma client and the migrations.
const ALLOWED = ["store/", "generated/", "db/migrate.ts"];
const KYSELY =
  /\b(selectFrom|insertInto|updateTable|deleteFrom|mergeInto)\(\s*"(order|address|lineItem|shipment|scanEvent|orderEvent|idempotencyKey)"/;
const SQL = /\b(FROM|JOIN|INTO|UPDATE)\s+("order"|address|line_item|shipment|scan_event|order_event|idempotency_key)\b/i;

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith(".ts")).map((entry) => join(entry.parentPath, entry.name));
}

it("no module outside src/store queries the order tables", async () => {
  const offenders: string[] = [];
  for (const file of await sources(SRC)) {
    const path = relative(SRC, file);
    if (ALLOWED.some((allowed) => path.startsWith(allowed))) continue;
    const lines = (await readFile(file, "utf8")).split("\n");
    lines.forEach((line, i) => {
      if (KYSELY.test(line) || SQL.test(line)) offenders.push(`src/${path}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(offenders).toEqual([]);
});
