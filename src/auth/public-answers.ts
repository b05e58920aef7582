// The public lookups' answers are the same for everyone who asks with the
// same key: they carry an ETag and a short public Cache-Control, so browsers
// and CDNs keep them, and a request whose If-None-Match names the current
// answer gets 304 with no body.
import { createHash } from "node:crypto";
import type { Plugin } from "graphql-yoga";
import { callerOf } from "./door.js";

export function publicAnswerCaching(maxAgeSeconds: number): Plugin {
  return {
    onResponse({ request, response, setResponse, fetchAPI }) {
      // Other callers' answers pass untouched, without waiting a turn.
      if (callerOf(request)?.scope !== "PUBLIC" || response.status !== 200) return;
      if (!/json/.test(response.headers.get("content-type") ?? "")) return;
      return tag(request, response, setResponse, fetchAPI.Response);
    },
  };

  async function tag(request: Request, response: Response, setResponse: (response: Response) => void, Answer: typeof Response) {
    const body = await response.clone().text();
    if ((JSON.parse(body) as { errors?: unknown }).errors) return; // an error is not an answer to keep
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
    const headers = {
      etag,
      "cache-control": `public, max-age=${maxAgeSeconds}`,
      vary: "Origin, Authorization",
    };
    if (matches(request.headers.get("if-none-match"), etag)) {
      setResponse(new Answer(null, { status: 304, headers }));
      return;
    }
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  }
}

/** Whether an If-None-Match header names this entity tag (weak comparison, as RFC 9110 asks for it). */
export function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}
