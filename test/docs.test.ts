// The configuration reference and the error catalogue are printed from the
// code that defines them; a change there without `npm run docs` fails here.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED_DOCS } from "../src/cli/docs.js";
import { envSchema } from "../src/config.js";
import { projectRoot } from "../src/db/migrate.js";

describe("generated docs", () => {
  for (const [file, print] of Object.entries(GENERATED_DOCS)) {
    it(`${file} matches the code (run \`npm run docs\` after changing it)`, async () => {
      expect(await readFile(join(projectRoot, file), "utf8")).toBe(print());
    });
  }

  it("describes every configuration variable", () => {
    const reference = GENERATED_DOCS["docs/configuration.md"]();
    for (const name of Object.keys(envSchema.shape))
      expect(reference).toMatch(new RegExp(`\\| \`${name}\` \\| [^|]+ \\| [^|\\s][^|]* \\|`));
  });
});
