// Browser origins, as CORS names them: scheme, host and port, nothing more.

/** The origin as browsers send it (`https://shop.example`), or an error that says what is wrong. */
export function parseOrigin(text: string): { ok: true; origin: string } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, message: `"${text}" is not an origin: write it as https://shop.example (scheme, host and port only).` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, message: `"${text}" is not an http or https origin.` };
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
    return { ok: false, message: `"${text}" is not an origin: leave out the path, query and credentials.` };
  }
  return { ok: true, origin: url.origin };
}

/** Parses a list of origins, without repeats; the first bad one fails the list. */
export function parseOrigins(texts: readonly string[]): { ok: true; origins: string[] } | { ok: false; message: string } {
  const origins = new Set<string>();
  for (const text of texts) {
    const parsed = parseOrigin(text);
    if (!parsed.ok) return parsed;
    origins.add(parsed.origin);
  }
  if (origins.size > MAX_ORIGINS) return { ok: false, message: `At most ${MAX_ORIGINS} origins.` };
  return { ok: true, origins: [...origins] };
}

export const MAX_ORIGINS = 50;

/**
 * Whether a request from `origin` may use a credential allowed from
 * `allowed`. A page served by the gateway itself (GraphiQL) is always
 * allowed: its origin names the gateway's own host (by the scheme a proxy
 * in front may have changed).
 */
export function originAllowed(origin: string, allowed: readonly string[], ownHost: string): boolean {
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === ownHost;
  } catch {
    return false;
  }
}
