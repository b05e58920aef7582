import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { getNullableType, isListType } from "graphql";
import type { Context } from "../context.js";
import { DEFAULT_PAGE_SIZE } from "../domain/pagination.js";
import { clientError } from "../errors.js";
import { parseGlobalId } from "./global-id.js";

/** What an unbounded list (shipments, scans, line items) counts as in a query's cost. */
export const LIST_COST_MULTIPLIER = 5;

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: { write: boolean };
  Scalars: {
    ID: { Input: string; Output: string };
    // Output: a Date, or ISO-8601 text already in the API's form.
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
  // Fields are non-null unless they say otherwise, as in the contract.
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [ScopeAuthPlugin, ComplexityPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({ write: ctx.caller.scope === "WRITE" }),
    unauthorizedError: () =>
      clientError("FORBIDDEN", "This API key may only read; mutations need a key with the write scope."),
  },
  complexity: {
    // A query's cost: each field counts 1, times the page size of every
    // connection above it (first/last), times 5 for every other list.
    fieldComplexity: (args, _ctx, field) => {
      if (field.args.some((arg) => arg.name === "first")) {
        const size = Number(args.first ?? args.last ?? DEFAULT_PAGE_SIZE);
        return { field: 1, multiplier: Number.isFinite(size) && size > 0 ? size : 1 };
      }
      if (field.name === "edges" || field.name === "nodes") return { field: 0, multiplier: 1 };
      return isListType(getNullableType(field.type)) ? { field: 1, multiplier: LIST_COST_MULTIPLIER } : 1;
    },
    limit: (ctx) => ({ complexity: ctx.config.limits.cost }),
    complexityError: (_kind, result) =>
      clientError(
        "VALIDATION",
        `The query costs ${result.complexity}, more than the limit of ${result.maxComplexity}: ask for smaller pages or fewer nested lists.`,
      ),
  },
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
builder.mutationType({
  description: "A user mistake is an entry in the payload's errors, never a bare exception.",
  authScopes: { write: true },
});
