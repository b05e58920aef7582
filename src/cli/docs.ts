// npm run docs: prints the configuration reference and the error catalogue
// from the code that defines them (src/config.ts, src/errors.ts). A test
// fails when the files drift from it, as for schema.graphql.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { envSchema } from "../config.js";
import { projectRoot } from "../db/migrate.js";
import { ERROR_CATALOGUE, REQUEST_ERRORS } from "../errors.js";

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** docs/configuration.md: every environment variable, its default and meaning. */
export function configurationReference(): string {
  const rows = Object.entries(envSchema.shape).map(([name, schema]) => {
    const meta = z.globalRegistry.get(schema as z.ZodType) as { description?: string; default?: string } | undefined;
    const def = (schema as z.ZodType)._zod.def as { type: string; defaultValue?: unknown };
    const fallback = meta?.default ?? (def.type === "default" ? `\`${String(def.defaultValue)}\`` : "unset");
    return `| \`${name}\` | ${cell(fallback)} | ${cell(meta?.description ?? "")} |`;
  });
  return [
    "# Configuration",
    "",
    "<!-- Printed from src/config.ts by `npm run docs`; edit the descriptions there. -->",
    "",
    "Every setting is an environment variable, parsed and checked once at start",
    "(`src/config.ts`): a bad value stops the process with a message naming it.",
    "",
    "| variable | default | meaning |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

/** docs/errors.md: every error code, with who raises it. */
export function errorCatalogue(): string {
  const table = (entries: Record<string, string>) => Object.entries(entries).map(([code, text]) => `| \`${code}\` | ${cell(text)} |`);
  return [
    "# Error codes",
    "",
    "<!-- Printed from src/errors.ts by `npm run docs`; edit the catalogue there. -->",
    "",
    "## In payloads and GraphQL errors",
    "",
    "A mutation reports a mistake as a `UserError` in its payload (`code`, `message`, `path`), and nothing is",
    "changed; a query raises a GraphQL error with `extensions.code`.",
    "",
    "| code | raised when, and by |",
    "| --- | --- |",
    ...table(ERROR_CATALOGUE),
    "",
    "## Refusals of the request",
    "",
    "Before any operation runs, the front door may refuse the request with an HTTP status and a GraphQL error",
    'carrying `extensions.code` (the webhook and bulk routes answer `{ "error": "..." }` with the same status).',
    "",
    "| code | status and cause |",
    "| --- | --- |",
    ...table(REQUEST_ERRORS),
    "",
  ].join("\n");
}

export const GENERATED_DOCS = { "docs/configuration.md": configurationReference, "docs/errors.md": errorCatalogue } as const;

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [file, print] of Object.entries(GENERATED_DOCS)) {
    await writeFile(join(projectRoot, file), print());
    console.log(`${file} written`);
  }
}
