// JSON with object keys sorted, so that equal values hash equally whatever
// the order their keys arrived in. The native serializer does the writing;
// the replacer only hands it each object with its keys in order.
export function stableJson(value: unknown): string {
  return JSON.stringify(value, sortedKeys) ?? "null";
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  // Already in order (most objects as the sources send them): nothing to copy.
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) if (keys[i - 1]! > keys[i]!) sorted = false;
  if (sorted) return value;
  const out: Record<string, unknown> = {};
  for (const key of keys.sort()) out[key] = (value as Record<string, unknown>)[key];
  return out;
}
