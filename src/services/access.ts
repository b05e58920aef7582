// What frontends are let in with: the workspace's allowed origins,
// publishable keys for public pages, and the identity providers whose
// signed-in users' tokens the workspace trusts.
import { z } from "zod";
import { createApiKey } from "../auth/api-keys.js";
import { parseOrigins } from "../domain/origins.js";
import { claimMapping } from "../domain/token-claims.js";
import { fail, ok, type Result } from "../domain/user-error.js";
import type { ApiKey, IdentityProvider } from "../generated/prisma/client.js";
import { targetProblem } from "../outbound/http.js";
import { type Deps, issues } from "./connections.js";

/** The most live publishable keys, and identity providers, a workspace has (their lists are not paginated). */
export const MAX_PUBLISHABLE_KEYS = 50;
export const MAX_IDENTITY_PROVIDERS = 20;

/** Replaces the origins the workspace's API keys and signed-in users may call from in a browser. */
export async function setAllowedOrigins(deps: Deps, workspaceId: string, origins: string[]): Promise<Result<string[]>> {
  const parsed = parseOrigins(origins);
  if (!parsed.ok) return fail("VALIDATION", parsed.message, ["origins"]);
  const workspace = await deps.prisma.workspace.update({ where: { id: workspaceId }, data: { allowedOrigins: parsed.origins } });
  return ok(workspace.allowedOrigins);
}

/** A key for the public lookups, usable from these origins only; safe to ship in a page. */
export async function createPublishableKey(
  deps: Deps,
  workspaceId: string,
  args: { allowedOrigins: string[]; label?: string | null },
): Promise<Result<{ key: string; apiKey: ApiKey }>> {
  const parsed = parseOrigins(args.allowedOrigins);
  if (!parsed.ok) return fail("VALIDATION", parsed.message, ["allowedOrigins"]);
  if (parsed.origins.length === 0) return fail("VALIDATION", "Name at least one origin the key is used from.", ["allowedOrigins"]);
  if (args.label && args.label.length > 200) return fail("VALIDATION", "label must be at most 200 characters.", ["label"]);
  const live = await deps.prisma.apiKey.count({ where: { workspaceId, scope: "PUBLIC", revokedAt: null } });
  if (live >= MAX_PUBLISHABLE_KEYS) {
    return fail("VALIDATION", `A workspace may have at most ${MAX_PUBLISHABLE_KEYS} publishable keys; revoke one first.`, [
      "allowedOrigins",
    ]);
  }
  const { key, apiKey } = await createApiKey(deps.prisma, workspaceId, "PUBLIC", { label: args.label, allowedOrigins: parsed.origins });
  return ok({ key, apiKey });
}

/** Revokes one of the workspace's publishable keys by its prefix. */
export async function revokePublishableKey(deps: Deps, workspaceId: string, prefix: string): Promise<Result<ApiKey>> {
  const key = await deps.prisma.apiKey.findFirst({ where: { workspaceId, prefix, scope: "PUBLIC", revokedAt: null } });
  if (!key) return fail("NOT_FOUND", "No live publishable key with that prefix.", ["prefix"]);
  return ok(await deps.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } }));
}

const claimValues = z.array(z.string().trim().min(1).max(200)).max(50);
const providerInput = z.object({
  issuer: z.string().trim().min(1, "is required").max(500),
  jwksUrl: z.string().trim().min(1, "is required").max(2000),
  audience: z.string().trim().min(1, "is required").max(500),
  claims: z
    .object({
      scopeClaim: z.string().trim().min(1).max(200).nullish(),
      read: claimValues.nullish(),
      write: claimValues.nullish(),
      customer: claimValues.nullish(),
      emailClaim: z.string().trim().min(1).max(200).nullish(),
    })
    .nullish(),
});

/**
 * Trusts an issuer's tokens for this audience: creates the provider, or
 * changes the workspace's own one. An issuer and audience belong to one
 * workspace, since the token alone must say whose it is.
 */
export async function upsertIdentityProvider(
  deps: Deps,
  workspaceId: string,
  raw: z.input<typeof providerInput>,
): Promise<Result<IdentityProvider>> {
  const parsed = providerInput.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: issues(parsed.error, []) };
  const { issuer, jwksUrl, audience, claims } = parsed.data;
  const problem = await targetProblem(jwksUrl, deps.config.outbound.allowPrivateTargets);
  if (problem) return fail("VALIDATION", `jwksUrl ${problem}.`, ["jwksUrl"]);
  if (!jwksUrl.startsWith("https://") && !deps.config.outbound.allowPrivateTargets) {
    return fail("VALIDATION", "jwksUrl must be an https:// URL.", ["jwksUrl"]);
  }
  const mapping = claimMapping(claims);
  const existing = await deps.prisma.identityProvider.findUnique({ where: { issuer_audience: { issuer, audience } } });
  if (existing && existing.workspaceId !== workspaceId) {
    return fail("DUPLICATE", "Another workspace trusts this issuer for this audience; use an audience of your own.", ["audience"]);
  }
  if (!existing && (await deps.prisma.identityProvider.count({ where: { workspaceId } })) >= MAX_IDENTITY_PROVIDERS) {
    return fail("VALIDATION", `A workspace may trust at most ${MAX_IDENTITY_PROVIDERS} identity providers; delete one first.`, ["issuer"]);
  }
  const provider = existing
    ? await deps.prisma.identityProvider.update({ where: { id: existing.id }, data: { jwksUrl, claims: mapping } })
    : await deps.prisma.identityProvider.create({ data: { workspaceId, issuer, jwksUrl, audience, claims: mapping } });
  return ok(provider);
}

export async function deleteIdentityProvider(deps: Deps, workspaceId: string, id: string): Promise<Result<string>> {
  const { count } = await deps.prisma.identityProvider.deleteMany({ where: { id, workspaceId } });
  return count ? ok(id) : fail("NOT_FOUND", "No identity provider with that id.", ["id"]);
}
