import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type { Context } from "../context.js";
import { clientError } from "../errors.js";
import { fieldComplexity } from "./cost.js";
import { parseGlobalId } from "./global-id.js";

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
    unauthorizedError: () => clientError("FORBIDDEN", "This API key may only read; mutations need a key with the write scope."),
  },
  // Each field's cost (cost.ts); the limit is checked by cost.ts's plugin,
  // which also reports the cost.
  complexity: { fieldComplexity },
  relay: {
    cursorType: "String",
    clientMutationId: "omit",
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodesOnConnection: { description: "The page's nodes, for clients that do not need cursors." },
    // A customer's token finds only orders by id (its own: the order loader
    // is narrowed); everything else it reaches through them.
    nodeQueryOptions: {
      resolve: (_root, { id }, ctx, _info, resolveNode) => (reachableById(ctx, id.typename) ? resolveNode(id) : null),
    },
    nodesQueryOptions: {
      description: "The objects with these ids, in order (null for an unknown id); at most MAX_NODE_IDS (100) ids.",
      resolve: (_root, args, ctx, _info, resolveNodes) => {
        const max = ctx.config.limits.nodeIds;
        if (args.ids.length > max) throw clientError("VALIDATION", `Ask for at most ${max} ids at a time; got ${args.ids.length}.`);
        // resolveNodes reads args.ids, and skips the nulls.
        args.ids = args.ids.map((id) => (reachableById(ctx, id.typename) ? id : null)) as typeof args.ids;
        return resolveNodes(args.ids);
      },
    },
    // Every record is keyed by a UUID, so an id that does not decode to
    // "<Type>:<uuid>" is refused here, before it reaches a query.
    decodeGlobalID(globalID) {
      const decoded = parseGlobalId(globalID);
      if (!decoded) throw clientError("VALIDATION", `Invalid ID: ${JSON.stringify(globalID)} is not an id this API issued.`);
      return decoded;
    },
  },
});

function reachableById(ctx: Context, typename: string): boolean {
  return ctx.caller.scope !== "CUSTOMER" || typename === "Order";
}

builder.queryType({});
builder.mutationType({
  description: "A user mistake is an entry in the payload's errors, never a bare exception.",
  authScopes: { write: true },
});
