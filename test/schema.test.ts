import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../src/db/migrate.js";
import { schema } from "../src/schema/index.js";
import { printedSchema } from "../src/schema/print.js";
import { contractMismatches } from "./contract.js";

// Parts of the contract that later work serves; this list only shrinks.
describe("schema", () => {
  it("matches schema.graphql (run `npm run schema` after changing the schema)", async () => {
    const committed = await readFile(join(projectRoot, "schema.graphql"), "utf8");
    expect(committed).toBe(printedSchema());
  });

  it("serves every name and type of the public contract", () => {
    expect(contractMismatches(schema, new Set())).toEqual([]);
  });
});
