// Protections for a public endpoint (request bodies are limited by the
// front door, auth/door.ts): query shape (depth,
// aliases, tokens, directives: GraphQL Armor), introspection and persisted
// operations. Query cost, where list sizes multiply, is src/schema/cost.ts.
import { readFileSync } from "node:fs";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { NoSchemaIntrospectionCustomRule, type StringValueNode, type ValidationContext } from "graphql";
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
    plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) });
  }
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

/** An allow-list file: a JSON object from sha256 hash to the operation's text. */
export function readPersistedOperations(file: string): Map<string, string> {
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`${file} must be a JSON object of { "<sha256 hash>": "<operation>" }`);
  }
  return new Map(Object.entries(parsed as Record<string, string>));
}
