// JSON with object keys sorted, so that equal values hash equally whatever
// the order their keys arrived in. The value is first given its keys in
// order (copying only the objects whose keys are not, and those holding
// them), then written by the native serializer without a replacer: a
// replacer, called for every value, took longer than the copy.
export function stableJson(value: unknown): string {
  return JSON.stringify(inKeyOrder(value)) ?? "null";
}

/** `value` with every plain object's keys in order: `value` itself where they already are. */
function inKeyOrder(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const ordered = inKeyOrder(item);
      if (ordered === item) continue;
      copy ??= value.slice();
      copy[i] = ordered;
    }
    return copy ?? value;
  }
  // Dates and other objects that write themselves (toJSON) are left to do so.
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) if (keys[i - 1]! > keys[i]!) sorted = false;
  if (!sorted) {
    const copy: Record<string, unknown> = {};
    for (const key of keys.sort()) put(copy, key, inKeyOrder(record[key]));
    return copy;
  }
  let copy: Record<string, unknown> | null = null;
  for (const key of keys) {
    const item = record[key];
    const ordered = inKeyOrder(item);
    if (ordered === item) continue;
    copy ??= { ...record };
    put(copy, key, ordered);
  }
  return copy ?? value;
}

/** Sets an own property, "__proto__" (which JSON.parse makes an own key) too. */
function put(target: Record<string, unknown>, key: string, value: unknown) {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
