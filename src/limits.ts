// Protections for a public endpoint (request bodies are limited by the
// front door, auth/door.ts): query shape (depth,
// aliases, tokens, directives: GraphQL Armor), introspection and persisted
// operations. Query cost, where page sizes multiply, is checked by the Pothos
// complexity plugin (src/schema/builder.ts).
import { readFileSync } from "node:fs";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { NoSchemaIntrospectionCustomRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Config } from "./config.js";

export function limitPlugins(config: Config): Plugin[] {
  const { limits } = config;
  const plugins: Plugin[] = [
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

/** An allow-list file: a JSON object from sha256 hash to the operation's text. */
export function readPersistedOperations(file: string): Map<string, string> {
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`${file} must be a JSON object of { "<sha256 hash>": "<operation>" }`);
  }
  return new Map(Object.entries(parsed as Record<string, string>));
}
