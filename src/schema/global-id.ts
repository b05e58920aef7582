import { decodeGlobalID } from "@pothos/plugin-relay";
import { isUuid } from "../domain/ids.js";
import { fail, ok, type Result } from "../domain/user-error.js";

/** "<Type>:<uuid>" in base64, as this API issues ids; null for anything else. */
export function parseGlobalId(globalId: string): { typename: string; id: string } | null {
  try {
    const decoded = decodeGlobalID(globalId);
    return isUuid(decoded.id) ? { typename: decoded.typename, id: decoded.id.toLowerCase() } : null;
  } catch {
    return null;
  }
}

/** For mutation arguments: a malformed id is a VALIDATION user error at `path`. */
export function databaseId(globalId: string, typename: string, path: string): Result<string> {
  const parsed = parseGlobalId(globalId);
  if (!parsed) return fail("VALIDATION", `${path} is not an id this API issued: ${JSON.stringify(globalId)}.`, [path]);
  if (parsed.typename !== typename) return fail("VALIDATION", `${path} is the id of a ${parsed.typename}, not of a ${typename}.`, [path]);
  return ok(parsed.id);
}
