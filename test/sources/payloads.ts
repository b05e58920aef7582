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

let serial = 0;
/** Malomo's documented order under fresh ids and a fresh tracking code, so tests do not collide. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as payload()
export function freshMalomoOrder(): any {
  const native = payload("malomo-order.json");
  serial++;
  native.alternate_id = `alt-${serial}-${Date.now()}`;
  native.id = `m-${serial}`;
  native.shipments[0].tracking_code = `9400-${serial}-${Date.now()}`;
  return native;
}
