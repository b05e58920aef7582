import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../src/db/migrate.js";

/** A documented example payload: src/demo/payloads (shipped) or test/fixtures (test-only). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into native JSON freely
export function payload(name: string): any {
  for (const dir of ["src/demo/payloads", "test/fixtures"]) {
    try {
      return JSON.parse(readFileSync(join(projectRoot, dir, name), "utf8"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  throw new Error(`no fixture ${name}`);
}

export function rawFixture(name: string): string {
  return readFileSync(join(projectRoot, "test/fixtures", name), "utf8");
}
