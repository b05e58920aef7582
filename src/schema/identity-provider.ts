// Identity providers a workspace trusts: their users' bearer JWTs are
// accepted in place of an API key, with a scope their claims map to.
import { type ClaimMapping, claimMapping } from "../domain/token-claims.js";
import type { IdentityProvider } from "../generated/prisma/client.js";
import { inOrderOf } from "../loaders/index.js";
import * as access from "../services/access.js";
import { builder } from "./builder.js";
import { DeletePayload, deletion, payload, toPayload } from "./payloads.js";

export const IdentityProviderRef = builder.objectRef<IdentityProvider>("IdentityProvider");
const ClaimMappingRef = builder.objectRef<ClaimMapping>("IdentityProviderClaims");

ClaimMappingRef.implement({
  description: "How a token's claims map to a scope: the widest that matches wins (write, then read, then customer).",
  fields: (t) => ({
    scopeClaim: t.exposeString("scopeClaim", {
      description: "The claim listing the user's scopes or roles (a space-separated string or an array).",
    }),
    write: t.exposeStringList("write", { description: "Values of that claim that grant reading and writing the workspace." }),
    read: t.exposeStringList("read", { description: "Values that grant reading the whole workspace." }),
    customer: t.exposeStringList("customer", {
      nullable: true,
      description:
        "Values that make a customer's token, which sees only its own orders; null: every token that names no read or write value.",
    }),
    emailClaim: t.exposeString("emailClaim", {
      description: "The claim with a customer's email; it counts only beside email_verified: true.",
    }),
  }),
});

const ClaimMappingInput = builder.inputType("IdentityProviderClaimsInput", {
  fields: (t) => ({
    scopeClaim: t.string({ required: false, description: 'Default "scope".' }),
    write: t.stringList({ required: false }),
    read: t.stringList({ required: false }),
    customer: t.stringList({ required: false, description: "Leave out to make every other signed-in user a customer." }),
    emailClaim: t.string({ required: false, description: 'Default "email".' }),
  }),
});

builder.node(IdentityProviderRef, {
  description:
    "An OpenID Connect or OAuth issuer whose tokens (RS/PS/ES/EdDSA signatures, checked against its JWKS) stand in for API keys.",
  id: { resolve: (provider) => provider.id },
  loadMany: async (ids, ctx) =>
    inOrderOf(ids, await ctx.prisma.identityProvider.findMany({ where: { id: { in: [...ids] }, workspaceId: ctx.workspaceId } })),
  fields: (t) => ({
    issuer: t.exposeString("issuer", { description: "The tokens' iss." }),
    jwksUrl: t.exposeString("jwksUrl"),
    audience: t.exposeString("audience", { description: "The tokens' aud must name it." }),
    claims: t.field({
      type: ClaimMappingRef,
      resolve: (provider) => claimMapping(provider.claims as Partial<ClaimMapping>),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const IdentityProviderPayload = payload<"identityProvider", IdentityProvider>(
  "IdentityProviderPayload",
  "identityProvider",
  IdentityProviderRef,
);

builder.queryField("identityProviders", (t) =>
  t.field({
    type: [IdentityProviderRef],
    description: "The identity providers the workspace trusts.",
    resolve: (_root, _args, ctx) =>
      ctx.prisma.identityProvider.findMany({ where: { workspaceId: ctx.workspaceId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
  }),
);

builder.mutationFields((t) => ({
  upsertIdentityProvider: t.field({
    type: IdentityProviderPayload,
    description:
      "Trusts an issuer's tokens for an audience (the pair belongs to one workspace); changes the JWKS URL and claims of one already trusted.",
    args: {
      issuer: t.arg.string({ required: true }),
      jwksUrl: t.arg.string({ required: true }),
      audience: t.arg.string({ required: true }),
      claims: t.arg({ type: ClaimMappingInput, required: false }),
    },
    resolve: async (_root, args, ctx) => toPayload("identityProvider", await access.upsertIdentityProvider(ctx, ctx.workspaceId, args)),
  }),

  deleteIdentityProvider: t.field({
    type: DeletePayload,
    description: "Stops trusting the provider's tokens.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => deletion("IdentityProvider", args.id, (id) => access.deleteIdentityProvider(ctx, ctx.workspaceId, id)),
  }),
}));
