import { printSchema } from "graphql";
import { sortedSchema } from "./index.js";

/** schema.graphql as it should read for the current code. */
export function printedSchema(): string {
  return `${printSchema(sortedSchema)}\n`;
}
