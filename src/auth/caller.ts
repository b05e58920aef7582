/** How far a credential reaches: API key scopes, and what a signed-in user's token maps to. */
export type AccessScope = "READ" | "WRITE" | "PUBLIC" | "CUSTOMER";

/** Who is calling: from an API key, or from a signed-in user's token. */
export type Caller = {
  workspaceId: string;
  scope: AccessScope;
  /** What rate limits count by: the key's id, or the token's provider and subject. */
  keyId: string;
  /** How people and logs name the caller: the key's prefix, or the token's subject. */
  prefix: string;
  /** Browser origins this credential may be used from (beyond the gateway's own). */
  allowedOrigins: readonly string[];
  /** A customer's verified email (scope CUSTOMER): the orders they may see carry it. */
  customerEmail?: string;
};
