// What a signed-in user's token grants: its claims, mapped to a scope by the
// workspace's identity provider settings.

/** How a provider's token claims map to scopes. */
export type ClaimMapping = {
  /** The claim listing the user's scopes or roles: a space-separated string or an array of strings. */
  scopeClaim: string;
  /** Values of that claim that grant reading the whole workspace. */
  read: string[];
  /** Values that grant reading and writing. */
  write: string[];
  /**
   * Values that make the token a customer's, who sees only their own orders;
   * null: every token that names neither a read nor a write value.
   */
  customer: string[] | null;
  /** The claim with the user's email; it counts only beside `email_verified: true`. */
  emailClaim: string;
};

type GivenMapping = { [K in keyof ClaimMapping]?: ClaimMapping[K] | null | undefined };

/** A mapping with the defaults where `given` (an input, or one stored) leaves a part out. */
export function claimMapping(given: GivenMapping | null | undefined): ClaimMapping {
  return {
    scopeClaim: given?.scopeClaim ?? "scope",
    read: given?.read ?? [],
    write: given?.write ?? [],
    customer: given?.customer ?? null,
    emailClaim: given?.emailClaim ?? "email",
  };
}

export type TokenAccess =
  | { ok: true; scope: "READ" | "WRITE" }
  | { ok: true; scope: "CUSTOMER"; email: string }
  | { ok: false; message: string };

/** The scope a verified token's claims grant: the widest that matches. */
export function accessOfClaims(claims: Record<string, unknown>, mapping: ClaimMapping): TokenAccess {
  const values = claimValues(claims[mapping.scopeClaim]);
  const names = (wanted: readonly string[]) => wanted.some((value) => values.has(value));
  if (names(mapping.write)) return { ok: true, scope: "WRITE" };
  if (names(mapping.read)) return { ok: true, scope: "READ" };
  if (mapping.customer !== null && !names(mapping.customer)) {
    return { ok: false, message: `The token's "${mapping.scopeClaim}" claim names no scope this workspace grants.` };
  }
  const email = claims[mapping.emailClaim];
  if (typeof email !== "string" || !email.includes("@")) {
    return { ok: false, message: `A customer's token needs an email in its "${mapping.emailClaim}" claim.` };
  }
  if (claims.email_verified !== true) return { ok: false, message: "A customer's token needs a verified email (email_verified: true)." };
  return { ok: true, scope: "CUSTOMER", email: email.trim().toLowerCase() };
}

function claimValues(value: unknown): Set<string> {
  if (typeof value === "string") return new Set(value.split(/\s+/).filter(Boolean));
  if (Array.isArray(value)) return new Set(value.filter((item): item is string => typeof item === "string"));
  return new Set();
}
