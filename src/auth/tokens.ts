// Signed-in users: a bearer JWT from an identity provider that a workspace
// trusts stands in for an API key. jose verifies it against the issuer's
// JWKS, which it fetches, caches and fetches again when a token names a key
// it does not have (a rotation). The fetch goes through the outbound client,
// so an issuer's keys cannot be read from a private address.
import { createRemoteJWKSet, customFetch, decodeJwt, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { LRUCache } from "lru-cache";
import { accessOfClaims, type ClaimMapping, claimMapping } from "../domain/token-claims.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { OutboundHttp } from "../outbound/http.js";
import type { Caller } from "./caller.js";

/** Signatures accepted: asymmetric only, so a workspace never shares a secret with its provider. */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];

/** Whether a bearer credential is shaped like a JWT (three base64url parts) rather than an API key. */
export const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);

/** A token refused, with the reason the caller is told. */
export class TokenRefused extends Error {}

type Provider = {
  id: string;
  workspaceId: string;
  issuer: string;
  jwksUrl: string;
  audience: string;
  claims: ClaimMapping;
  origins: string[];
};

export function createTokenVerifier(
  prisma: PrismaClient,
  http: OutboundHttp,
  options: { cacheSeconds: number; jwksCooldownSeconds: number },
) {
  const providersByIssuer =
    options.cacheSeconds > 0 ? new LRUCache<string, Provider[]>({ max: 1000, ttl: options.cacheSeconds * 1000 }) : null;
  const keySets = new LRUCache<string, JWTVerifyGetKey>({ max: 1000 });

  const providersOf = async (issuer: string): Promise<Provider[]> => {
    const cached = providersByIssuer?.get(issuer);
    if (cached) return cached;
    const rows = await prisma.identityProvider.findMany({
      where: { issuer },
      include: { workspace: { select: { allowedOrigins: true } } },
    });
    const providers = rows.map((row) => ({
      ...row,
      claims: claimMapping(row.claims as Partial<ClaimMapping>),
      origins: row.workspace.allowedOrigins,
    }));
    providersByIssuer?.set(issuer, providers);
    return providers;
  };

  const keySetOf = (jwksUrl: string): JWTVerifyGetKey => {
    let keySet = keySets.get(jwksUrl);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(jwksUrl), {
        cooldownDuration: options.jwksCooldownSeconds * 1000,
        [customFetch]: async (url) => {
          const response = await http.send({ method: "GET", url, headers: { accept: "application/json" } });
          return new Response(response.text, { status: response.status, headers: { "content-type": "application/json" } });
        },
      });
      keySets.set(jwksUrl, keySet);
    }
    return keySet;
  };

  /** The caller a token stands for; throws TokenRefused with the reason. */
  return async function verifyToken(token: string): Promise<Caller> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new TokenRefused("The bearer token is neither an API key nor a well-formed JWT.");
    }
    if (typeof unverified.iss !== "string") throw new TokenRefused("The token names no issuer (iss).");
    const audiences = typeof unverified.aud === "string" ? [unverified.aud] : (unverified.aud ?? []);
    const candidates = await providersOf(unverified.iss);
    if (candidates.length === 0) throw new TokenRefused(`No workspace trusts the issuer ${unverified.iss}.`);
    const provider = candidates.find((candidate) => audiences.includes(candidate.audience));
    if (!provider) throw new TokenRefused(`The token's audience (aud) is not one the issuer ${unverified.iss} is trusted for.`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySetOf(provider.jwksUrl), {
        issuer: provider.issuer,
        audience: provider.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ["exp", "sub"],
        clockTolerance: 5,
      }));
    } catch (error) {
      throw new TokenRefused(reasonOf(error));
    }
    const access = accessOfClaims(payload, provider.claims);
    if (!access.ok) throw new TokenRefused(access.message);
    return {
      workspaceId: provider.workspaceId,
      scope: access.scope,
      keyId: `${provider.id}:${payload.sub}`,
      prefix: `token of ${payload.sub}`,
      allowedOrigins: provider.origins,
      ...(access.scope === "CUSTOMER" ? { customerEmail: access.email } : {}),
    };
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return `The token expired (exp ${new Date(Number(error.payload.exp) * 1000).toISOString()}).`;
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's "${error.claim}" claim is not accepted: ${error.reason}.`;
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return `The token's signature algorithm (alg) is not accepted; accepted: ${ALGORITHMS.join(", ")}.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The token's signature does not verify with the issuer's keys.";
  if (error instanceof errors.JWKSNoMatchingKey) return "None of the issuer's keys matches the token's key id (kid).";
  if (error instanceof errors.JOSEError) return `The token cannot be verified: ${error.message}`;
  if (error instanceof Error) return `The issuer's keys could not be fetched: ${error.message}`;
  return "The token cannot be verified.";
}
