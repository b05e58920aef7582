// Whatever JSON a client sends is checked here before anything walks it
// recursively or stores it: nesting is bounded (a value 10,000 levels deep
// would overflow the stack of every recursive walker after this one), and no
// string or key may hold U+0000, which PostgreSQL cannot store in text or JSON.

/** Deepest nesting accepted in any JSON value from a client (variables, payloads, meta). */
export const MAX_JSON_DEPTH = 64;

export type JsonFault = { kind: "depth" | "nul"; path: string[] };

/**
 * The first fault in `value` (in document order); null when there is none.
 * The walk stops at `maxDepth`, so however deep the value, it recurses at
 * most that far.
 */
export function jsonFault(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonFault | null {
  return walk(value, 0, maxDepth);
}

function walk(value: unknown, depth: number, maxDepth: number): JsonFault | null {
  if (typeof value === "string") return value.includes("\u0000") ? { kind: "nul", path: [] } : null;
  if (value === null || typeof value !== "object" || value instanceof Date) return null;
  if (depth >= maxDepth) return { kind: "depth", path: [] };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const fault = walk(value[i], depth + 1, maxDepth);
      if (fault) {
        fault.path.unshift(String(i));
        return fault;
      }
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (key.includes("\u0000")) return { kind: "nul", path: [key] };
    const fault = walk((value as Record<string, unknown>)[key], depth + 1, maxDepth);
    if (fault) {
      fault.path.unshift(key);
      return fault;
    }
  }
  return null;
}

/**
 * Whether `value` nests deeper than `maxDepth` levels, its strings unread;
 * the walk goes no deeper than that. For a body refused whole for its
 * nesting, whose parts are checked one by one later (jsonFault would stop
 * at a NUL before it reached the depth).
 */
export function nestedDeeperThan(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== "object" || value instanceof Date) return false;
  if (maxDepth <= 0) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value)) if (nestedDeeperThan(child, maxDepth - 1)) return true;
  return false;
}

/** The message for a fault, naming where it is ("variables.input.meta.a"). */
export function jsonFaultMessage(fault: JsonFault, prefix: string[] = []): string {
  const where = [...prefix, ...fault.path].join(".") || "the value";
  return fault.kind === "nul" ? `${where} must not contain NUL characters` : `${where} is nested deeper than ${MAX_JSON_DEPTH} levels`;
}
