import SchemaBuilder from "@pothos/core";
import RelayPlugin from "@pothos/plugin-relay";
import type { Context } from "../context.js";
import { clientError } from "../errors.js";
import { parseGlobalId } from "./global-id.js";

export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  // Fields are non-null unless they say otherwise, as in the contract.
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    cursorType: "String",
    clientMutationId: "omit",
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodesOnConnection: { description: "The page's nodes, for clients that do not need cursors." },
    // Every record is keyed by a UUID, so an id that does not decode to
    // "<Type>:<uuid>" is refused here, before it reaches a query.
    decodeGlobalID(globalID) {
      const decoded = parseGlobalId(globalID);
      if (!decoded) throw clientError("VALIDATION", `Invalid ID: ${JSON.stringify(globalID)} is not an id this API issued.`);
      return decoded;
    },
  },
});

builder.queryType({});
builder.mutationType({ description: "A user mistake is an entry in the payload's errors, never a bare exception." });
