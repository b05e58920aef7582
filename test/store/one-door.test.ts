// The store is the one door to the order tables: no other module names them
// in a query, so their rules (transactions, locks, workspace on every row)
// live in one place.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { projectRoot } from "../../src/db/migrate.js";

const KYSELY =
  /\b(selectFrom|insertInto|updateTable|deleteFrom|mergeInto)\(\s*"(order|address|lineItem|shipment|scanEvent|orderEvent|idempotencyKey)"/;
const SQL = /\b(FROM|JOIN|INTO|UPDATE)\s+("order"|address|line_item|shipment|scan_event|order_event|idempotency_key)\b/i;

it("no module outside src/store queries the order tables", () => {
  // Tracked sources only, as the self-contained test lists them: the generated Prisma client is not one.
  const files = execFileSync("git", ["ls-files", "src"], { cwd: projectRoot, encoding: "utf8" })
    .split("\n")
    .filter((file) => file.endsWith(".ts") && !file.startsWith("src/store/"));
  expect(files.length).toBeGreaterThan(50);
  const offenders: string[] = [];
  for (const file of files) {
    readFileSync(join(projectRoot, file), "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (KYSELY.test(line) || SQL.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  expect(offenders).toEqual([]);
});
