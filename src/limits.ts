// Protections for a public endpoint once the front door (auth/door.ts) has
// admitted a request: input strings, query shape (depth, aliases, tokens,
// directives: GraphQL Armor), query cost (src/schema/cost.ts), introspection,
// suggestions, batches and persisted operations.
import { readFileSync } from "node:fs";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { type ExecutionResult, GraphQLError, NoSchemaIntrospectionCustomRule, type StringValueNode, type ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Config } from "./config.js";
import { jsonFault, jsonFaultMessage } from "./domain/json-shape.js";
import { clientError } from "./errors.js";
import { queryCost } from "./schema/cost.js";

export function limitPlugins(config: Config): Plugin[] {
  const { limits } = config;
  const plugins: Plugin[] = [
    inputStrings(),
    queryCost({ limit: limits.cost, maxBytes: limits.responseBytes }) as Plugin,
    EnvelopArmorPlugin({
      maxDepth: { n: limits.depth },
      maxAliases: { n: limits.aliases },
      maxTokens: { n: limits.tokens },
      maxDirectives: { n: limits.directives },
      costLimit: { enabled: false },
      // "Did you mean ...?" would list fields to a caller who cannot introspect.
      blockFieldSuggestion: { enabled: !config.introspection },
    }) as Plugin,
  ];
  if (!config.introspection) {
    plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) }, withoutSuggestions());
  }
  plugins.push(rateLimitedBatches());
  if (config.persistedOperations.file) {
    const operations = readPersistedOperations(config.persistedOperations.file);
    plugins.push(
      usePersistedOperations({
        getPersistedOperation: (hash) => operations.get(hash) ?? null,
        allowArbitraryOperations: !config.persistedOperations.only,
      }) as Plugin,
    );
  }
  return plugins;
}

/**
 * Every string a GraphQL operation brings, in variables or in the document,
 * is checked before anything reads it: no NUL characters (PostgreSQL cannot
 * store them) and no JSON nested deeper than MAX_JSON_DEPTH.
 */
function inputStrings(): Plugin {
  return {
    onParams({ params, setResult }) {
      const fault = jsonFault(params.variables ?? null);
      if (fault) setResult({ errors: [clientError("VALIDATION", jsonFaultMessage(fault, ["variables"]))] });
    },
    onValidate({ addValidationRule }) {
      addValidationRule((context: ValidationContext) => ({
        StringValue(node: StringValueNode) {
          if (node.value.includes("\u0000")) context.reportError(clientError("VALIDATION", "Strings must not contain NUL characters."));
        },
      }));
    },
  };
}

/**
 * "Did you mean ...?" would name fields and enum values to a caller who may
 * not introspect; GraphQL Armor removes it from validation errors only, and
 * enum values in variables are checked later: it goes from every error here.
 */
function withoutSuggestions(): Plugin {
  const clean = (error: GraphQLError) =>
    / Did you mean /.test(error.message)
      ? new GraphQLError(error.message.replace(/ Did you mean .*$/s, ""), {
          nodes: error.nodes,
          path: error.path,
          extensions: error.extensions,
        })
      : error;
  const cleanResult = <T extends { errors?: readonly GraphQLError[] }>(result: T): T =>
    result.errors?.some((error) => / Did you mean /.test(error.message)) ? { ...result, errors: result.errors.map(clean) } : result;
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(cleanResult));
      else if (!(Symbol.asyncIterator in result)) setResult(cleanResult(result as ExecutionResult) as never);
    },
  };
}

/**
 * A batch whose every operation was rate-limited answers 429 with
 * Retry-After, as a single limited operation does (Yoga answers a batch 200).
 */
function rateLimitedBatches(): Plugin {
  const limited = new WeakMap<Request, string>();
  return {
    onResultProcess({ request, result }) {
      if (!Array.isArray(result) || result.length === 0) return;
      const retryAfter = result.map((item) => item.errors?.find((error) => error.extensions?.code === "RATE_LIMITED"));
      if (retryAfter.every(Boolean)) {
        const seconds = Math.max(
          ...retryAfter.map((error) =>
            Number((error!.extensions?.http as { headers?: Record<string, string> })?.headers?.["retry-after"] ?? 1),
          ),
        );
        limited.set(request, String(seconds));
      }
    },
    onResponse({ request, response, setResponse, fetchAPI }) {
      const retryAfter = limited.get(request);
      if (retryAfter === undefined) return;
      const headers = new fetchAPI.Headers(response.headers);
      headers.set("retry-after", retryAfter);
      setResponse(new fetchAPI.Response(response.body, { status: 429, headers }));
    },
  };
}

/** An allow-list file: a JSON object from sha256 hash to the operation's text. */
export function readPersistedOperations(file: string): Map<string, string> {
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`${file} must be a JSON object of { "<sha256 hash>": "<operation>" }`);
  }
  return new Map(Object.entries(parsed as Record<string, string>));
}
