import SchemaBuilder from "@pothos/core";
import RelayPlugin, { decodeGlobalID } from "@pothos/plugin-relay";
import type { Context } from "../context.js";
import { isUuid } from "../domain/ids.js";
import { clientError } from "../errors.js";

export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [RelayPlugin],
  relay: {
    cursorType: "String",
    clientMutationId: "omit",
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodesOnConnection: { description: "The page's nodes, for clients that do not need cursors." },
    decodeGlobalID(globalID) {
      try {
        return decodeGlobalID(globalID);
      } catch {
        throw clientError("VALIDATION", `Invalid ID: ${JSON.stringify(globalID)} is not an id this API issued.`);
      }
    },
  },
});

/** Parses the database part of a global id; every table is keyed by UUID. */
export function parseUuid(id: string): string {
  if (!isUuid(id)) throw clientError("VALIDATION", `Invalid ID: ${JSON.stringify(id)} does not name a record.`);
  return id.toLowerCase();
}

builder.queryType({});
