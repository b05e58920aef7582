// What a query costs, honestly: each field counts 1, times the size of every
// list above it. A connection's size is its `first`/`last` (or the default
// page); a plain list's is its `first`/`last` if given, else the most it can
// ever hold (LIST_SIZES). So the requested cost bounds the answer before
// anything runs; the answer's actual cost and size are measured after, and
// both are reported in `extensions.cost` as Shopify does.
import { complexityFromQuery } from "@pothos/plugin-complexity";
import {
  type DocumentNode,
  type ExecutionResult,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  Kind,
  visit,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";
import { DEFAULT_PAGE_SIZE, LIST_CAPS, type ListWindowArgs, listWindow } from "../domain/pagination.js";
import { MAX_USER_ERRORS } from "../domain/user-error.js";
import { asClientError, clientError } from "../errors.js";
import { MAX_IDENTITY_PROVIDERS, MAX_PUBLISHABLE_KEYS } from "../services/access.js";
import { MAX_PAYLOADS_PER_IMPORT } from "../services/imports.js";
import { MAX_WEBHOOK_ENDPOINTS } from "../services/webhooks.js";

/**
 * The most items each list of objects answers. Every such list in the schema
 * is here (a test checks it), so a new list has to say how long it can be.
 */
export const LIST_SIZES: Record<string, ListSize> = {
  "Order.lineItems": LIST_CAPS.lineItems,
  "Order.shipments": LIST_CAPS.shipments,
  "Shipment.scanEvents": LIST_CAPS.scanEvents,
  "Query.nodes": { perItemOf: "ids" },
  // At most one per source.
  "Query.sourceConnections": 4,
  "Query.webhookEndpoints": MAX_WEBHOOK_ENDPOINTS,
  "Query.publishableKeys": MAX_PUBLISHABLE_KEYS,
  "Query.identityProviders": MAX_IDENTITY_PROVIDERS,
  // One per attempt: the retry schedule has at most 50 (a redelivery is a new delivery).
  "WebhookDelivery.attemptLog": 50,
  // One result per payload: the mutation's own argument sizes them (past
  // the maximum, the call is refused whole and answers none).
  "Mutation.importOrders": { perItemOf: "payloads", max: MAX_PAYLOADS_PER_IMPORT },
  "ImportOrdersPayload.results": "page",
  "*.errors": MAX_USER_ERRORS,
  // Inside a connection, whose own field carries the page size.
  "*.edges": "page",
  "*.nodes": "page",
};

/** A cap, the length of one of the field's arguments, or "page" (sized by the field above). */
type ListSize = number | { perItemOf: string; max?: number } | "page";

export function listSize(typeName: string, fieldName: string): ListSize | undefined {
  return LIST_SIZES[`${typeName}.${fieldName}`] ?? LIST_SIZES[`*.${fieldName}`];
}

/** The Pothos complexity of one field (builder.ts). */
export function fieldComplexity(args: Record<string, unknown>, _ctx: Context, field: GraphQLField<unknown, Context>) {
  const connection = getNamedType(field.type).name.endsWith("Connection");
  if (connection) {
    const size = Number(args.first ?? args.last ?? DEFAULT_PAGE_SIZE);
    return { field: 1, multiplier: Number.isFinite(size) && size > 0 ? size : 1 };
  }
  // Pothos keeps the owning type's name on each field.
  const parentType = (field.extensions?.pothosConfig as { parentType?: string } | undefined)?.parentType ?? "";
  const size = listSize(parentType, field.name);
  if (typeof size === "object") {
    const items = args[size.perItemOf];
    const count = Array.isArray(items) ? items.length : 1;
    return { field: 1, multiplier: count > (size.max ?? Infinity) ? 1 : Math.max(count, 1) };
  }
  if (!isListType(getNullableType(field.type))) return 1;
  if (size === "page") return { field: 0, multiplier: 1 };
  const asked = Number(args.first ?? args.last);
  const cap = size ?? 1;
  return { field: 1, multiplier: Number.isFinite(asked) && asked >= 0 ? Math.min(asked, cap) : cap };
}

/**
 * A resolver's window over one of an order's bounded lists, refusing bad
 * sizes as VALIDATION. A prefetched list is answered at once: awaiting it
 * cost a promise and two callbacks a list, several hundred on a page.
 */
export function window<T>(
  items: readonly T[] | Promise<readonly T[]>,
  args: ListWindowArgs,
  cap: number,
  keepLatest = false,
): readonly T[] | Promise<readonly T[]> {
  if (items instanceof Promise) return items.then((loaded) => window(loaded, args, cap, keepLatest));
  try {
    return listWindow(items, args, cap, keepLatest);
  } catch (error) {
    throw asClientError(error);
  }
}

export type Cost = { requested: number; actual: number; limit: number };

/**
 * Refuses an operation whose requested cost is over the limit before it
 * runs, and an answer over `maxBytes` once it is known; reports the cost.
 */
export function queryCost(options: { limit: number; maxBytes: number }): Plugin<Context> {
  const { limit, maxBytes } = options;
  const costs = new WeakMap<DocumentNode, { sizing: readonly string[]; byKey: Map<string, number> }>();
  // A document's cost changes only with its sizing variables, so it is
  // worked out once per document and their values: working it out (which
  // coerces every variable, a mutation's whole input too) was a twentieth of
  // a mutation's CPU.
  const requestedCost = (
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
    ctx: object,
    variables: unknown,
  ) => {
    const given = (variables ?? {}) as Record<string, unknown>;
    let cached = costs.get(document);
    if (!cached) {
      cached = { sizing: sizingVariables(document), byKey: new Map() };
      costs.set(document, cached);
    }
    const key = JSON.stringify([operationName ?? null, ...cached.sizing.map((name) => sizeOf(given[name]))]);
    let cost = cached.byKey.get(key);
    if (cost === undefined) {
      cost = complexityFromQuery(onlyOperation(document, operationName), { schema, ctx, variables: given }).complexity;
      if (cached.byKey.size >= MAX_COSTS_PER_DOCUMENT) cached.byKey.clear();
      cached.byKey.set(key, cost);
    }
    return cost;
  };
  const tooCostly = (requested: number) =>
    clientError(
      "VALIDATION",
      `The query costs ${requested}, more than the limit of ${limit}: ask for smaller pages or fewer nested lists.`,
    );
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const requested = requestedCost(args.schema, args.document, args.operationName, args.contextValue, args.variableValues);
      if (requested > limit) setResultAndStopExecution({ errors: [tooCostly(requested)] });
    },
    onExecute({ args, setResultAndStopExecution }) {
      let requested: number;
      try {
        requested = requestedCost(args.schema, args.document, args.operationName, args.contextValue, args.variableValues);
      } catch (error) {
        setResultAndStopExecution({ errors: [asClientError(error) as never] });
        return;
      }
      if (requested > limit) {
        setResultAndStopExecution({ errors: [tooCostly(requested)], extensions: { cost: { requested, actual: 0, limit } } });
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const measured = measure(result.data);
          if (measured.bytes > maxBytes) {
            setResult({
              errors: [
                clientError(
                  "VALIDATION",
                  `The answer would be about ${measured.bytes} bytes, more than the limit of ${maxBytes}: ask for smaller pages or fewer fields.`,
                ),
              ],
              extensions: { cost: { requested, actual: measured.fields, limit } },
            });
            return;
          }
          setResult({
            ...result,
            extensions: { ...result.extensions, cost: { requested, actual: measured.fields, limit } satisfies Cost },
          } as ExecutionResult);
        },
      };
    },
  };
}

const MAX_COSTS_PER_DOCUMENT = 100;
/** The arguments fieldComplexity sizes lists by. */
const SIZING_ARGUMENTS = new Set([
  "first",
  "last",
  ...Object.values(LIST_SIZES).flatMap((size) => (typeof size === "object" ? [size.perItemOf] : [])),
]);

/** The variables a document uses in sizing arguments, anywhere in their values. */
function sizingVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(argument) {
      if (!SIZING_ARGUMENTS.has(argument.name.value)) return;
      visit(argument.value, { Variable: (variable) => void names.add(variable.name.value) });
    },
  });
  return [...names];
}

/** What of a variable's value sizes a list: a list's length, or the value itself. */
const sizeOf = (value: unknown) => (Array.isArray(value) ? value.length : (value ?? null));

// Documents may hold several operations; the one that runs is costed.
function onlyOperation(document: DocumentNode, operationName: string | null | undefined): DocumentNode {
  const operations = document.definitions.filter((def) => def.kind === Kind.OPERATION_DEFINITION);
  if (operations.length <= 1) return document;
  return {
    ...document,
    definitions: document.definitions.filter((def) => def.kind !== Kind.OPERATION_DEFINITION || def.name?.value === operationName),
  };
}

/**
 * The answer's actual cost (its fields, connection wrappers not counted, as
 * in the requested cost) and about how many bytes its JSON takes.
 */
export function measure(data: unknown): { fields: number; bytes: number } {
  let fields = 0;
  let bytes = 0;
  const stack: unknown[] = [data];
  while (stack.length) {
    const value = stack.pop();
    if (value === null || value === undefined) bytes += 4;
    else if (typeof value === "string") bytes += value.length + 2;
    else if (typeof value !== "object") bytes += 8;
    else if (Array.isArray(value)) {
      bytes += 2 + value.length;
      for (const item of value) stack.push(item);
    } else {
      bytes += 2;
      for (const key in value) {
        if (key !== "edges" && key !== "nodes") fields++;
        bytes += key.length + 4;
        stack.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  return { fields, bytes };
}

/** Every list of objects in the schema that LIST_SIZES does not size (for the test that keeps it exhaustive). */
export function unsizedLists(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const listOfObjects = isListType(getNullableType(field.type)) && isObjectLike(getNamedType(field.type));
      if (listOfObjects && listSize(type.name, field.name) === undefined) missing.push(`${type.name}.${field.name}`);
    }
  }
  return missing;
}

function isObjectLike(type: unknown): boolean {
  return isObjectType(type) || (typeof type === "object" && type !== null && "resolveType" in type);
}
