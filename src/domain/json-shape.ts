// Whatever JSON a client sends is checked here before anything walks it
// recursively or stores it: nesting is bounded (a value 10,000 levels deep
// would overflow the stack of every recursive walker after this one), and no
// string or key may hold U+0000, which PostgreSQL cannot store in text or JSON.

/** Deepest nesting accepted in any JSON value from a client (variables, payloads, meta). */
export const MAX_JSON_DEPTH = 64;

export type JsonFault = { kind: "depth" | "nul"; path: string[] };

type Frame = { value: unknown; key: string | null; parent: Frame | null; depth: number };

/** The first fault in `value`, found without recursion; null when there is none. */
export function jsonFault(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonFault | null {
  const stack: Frame[] = [{ value, key: null, parent: null, depth: 0 }];
  while (stack.length) {
    const frame = stack.pop()!;
    const { value: current } = frame;
    if (typeof current === "string") {
      if (current.includes("\u0000")) return { kind: "nul", path: pathOf(frame) };
      continue;
    }
    if (!current || typeof current !== "object" || current instanceof Date) continue;
    if (frame.depth >= maxDepth) return { kind: "depth", path: pathOf(frame) };
    const entries = Array.isArray(current) ? current.map((item, index) => [String(index), item] as const) : Object.entries(current);
    // Pushed in reverse so the first fault in document order is found first.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      const child = { value: item, key, parent: frame, depth: frame.depth + 1 };
      if (key.includes("\u0000")) return { kind: "nul", path: pathOf(child) };
      stack.push(child);
    }
  }
  return null;
}

/** The message for a fault, naming where it is ("variables.input.meta.a"). */
export function jsonFaultMessage(fault: JsonFault, prefix: string[] = []): string {
  const where = [...prefix, ...fault.path].join(".") || "the value";
  return fault.kind === "nul" ? `${where} must not contain NUL characters` : `${where} is nested deeper than ${MAX_JSON_DEPTH} levels`;
}

function pathOf(frame: Frame): string[] {
  const path: string[] = [];
  for (let at: Frame | null = frame; at?.key != null; at = at.parent) path.push(at.key);
  return path.reverse();
}
