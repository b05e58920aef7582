// A clone of this repository alone must install, build, test and run: no
// tracked file may reach for files beside the repository.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../src/db/migrate.js";

const OUTSIDE = [/\.\.\/shared\b/, /projectRoot\s*,\s*["']\.\.["']/, /["']\.\.["']\s*,\s*["']shared["']/];

describe("the repository", () => {
  it("names no path outside itself", () => {
    const files = execFileSync("git", ["ls-files"], { cwd: projectRoot, encoding: "utf8" })
      .split("\n")
      .filter((file) => /\.(ts|js|mjs|json|sh|ya?ml)$|^\.ci\/|Dockerfile$/.test(file) && file !== "package-lock.json");
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((file) => {
      const text = readFileSync(join(projectRoot, file), "utf8");
      return OUTSIDE.some((pattern) => pattern.test(text)) && file !== "test/self-contained.test.ts";
    });
    expect(offenders).toEqual([]);
  });
});
