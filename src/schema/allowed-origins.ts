// The browser origins a workspace's API keys and signed-in users may call
// from (CORS). Publishable keys carry their own.

import type { UserError } from "../domain/user-error.js";
import * as access from "../services/access.js";
import { builder } from "./builder.js";
import { UserErrorRef } from "./user-error.js";

const AllowedOriginsPayload = builder
  .objectRef<{ allowedOrigins: string[] | null; errors: UserError[] }>("AllowedOriginsPayload")
  .implement({
    fields: (t) => ({
      allowedOrigins: t.exposeStringList("allowedOrigins", { nullable: true }),
      errors: t.field({ type: [UserErrorRef], resolve: (p) => p.errors }),
    }),
  });

builder.queryField("allowedOrigins", (t) =>
  t.stringList({
    description: "Origins (https://app.example) whose pages may call the API with the workspace's API keys or its users' tokens.",
    resolve: async (_root, _args, ctx) =>
      (await ctx.prisma.workspace.findUniqueOrThrow({ where: { id: ctx.workspaceId }, select: { allowedOrigins: true } })).allowedOrigins,
  }),
);

builder.mutationField("setAllowedOrigins", (t) =>
  t.field({
    type: AllowedOriginsPayload,
    description: "Replaces the workspace's allowed origins (scheme, host and port each; at most 50).",
    args: { origins: t.arg.stringList({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const result = await access.setAllowedOrigins(ctx, ctx.workspaceId, args.origins);
      return result.ok ? { allowedOrigins: result.value, errors: [] } : { allowedOrigins: null, errors: result.errors };
    },
  }),
);
