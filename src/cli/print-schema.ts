// Rewrites schema.graphql from the code-first schema (npm run schema).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { projectRoot } from "../db/migrate.js";
import { printedSchema } from "../schema/print.js";

await writeFile(join(projectRoot, "schema.graphql"), printedSchema());
console.log("schema.graphql written");
