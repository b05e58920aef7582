// npm run apikey -- create --workspace <slug> [--scope read|write|public] [--origin <origin>]... [--label <text>]
// npm run apikey -- revoke <key-prefix>
// npm run apikey -- list --workspace <slug>
import { createApiKey, revokeApiKey } from "../auth/api-keys.js";
import { ensureWorkspace } from "../db/workspaces.js";
import { parseOrigins } from "../domain/origins.js";
import { fail, openCliDatabase, parseCommandLine } from "./common.js";

const USAGE = `usage:
  npm run apikey -- create --workspace <slug> [--scope read|write] [--label <text>]
  npm run apikey -- create --workspace <slug> --scope public --origin <https://shop.example> [--origin ...] [--label <text>]
  npm run apikey -- revoke <key-prefix>
  npm run apikey -- list --workspace <slug>`;

async function main() {
  const args = parseCommandLine(
    { workspace: { type: "string" }, scope: { type: "string" }, label: { type: "string" }, origin: { type: "string", multiple: true } },
    USAGE,
  );
  const [command, ...rest] = args.positionals;
  const slug = args.values.workspace;
  if (command === "create" || command === "list") {
    if (!slug || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug))
      fail(`--workspace must be a slug of lower-case letters, digits and dashes\n${USAGE}`);
  }
  const scope = (args.values.scope ?? "read").toUpperCase();
  if (command === "create" && scope !== "READ" && scope !== "WRITE" && scope !== "PUBLIC")
    fail(`--scope must be read, write or public\n${USAGE}`);
  const origins = parseOrigins(args.values.origin ?? []);
  if (!origins.ok) fail(origins.message);
  if (command === "create" && scope === "PUBLIC" && origins.origins.length === 0) {
    fail(`a publishable key needs the origins of the pages that use it: --origin https://shop.example\n${USAGE}`);
  }
  if (command === "create" && scope !== "PUBLIC" && origins.origins.length > 0) {
    fail("--origin is for publishable keys (--scope public); a read or write key is used from the workspace's allowed origins");
  }
  if (command === "revoke" && rest.length !== 1) fail(USAGE);
  if (!["create", "revoke", "list"].includes(command ?? "")) fail(USAGE);

  const db = await openCliDatabase();
  try {
    if (command === "create") {
      const workspace = await ensureWorkspace(db.sql, slug!);
      const { key, prefix } = await createApiKey(db.prisma, workspace.id, scope as "READ" | "WRITE" | "PUBLIC", {
        label: args.values.label,
        allowedOrigins: origins.origins,
      });
      if (scope === "PUBLIC") {
        console.log(`created publishable key ${prefix} for workspace ${workspace.slug}, usable from ${origins.origins.join(", ")}:`);
      } else {
        console.log(`created ${scope.toLowerCase()} key ${prefix} for workspace ${workspace.slug}; it is shown once, keep it secret:`);
      }
      console.log(key);
    } else if (command === "revoke") {
      if (!(await revokeApiKey(db.prisma, rest[0]!))) fail(`no active key with prefix ${rest[0]}`);
      console.log(`revoked ${rest[0]}`);
    } else {
      const workspace = await db.prisma.workspace.findUnique({ where: { slug: slug! } });
      if (!workspace) fail(`no workspace ${slug}`);
      const keys = await db.prisma.apiKey.findMany({ where: { workspaceId: workspace.id }, orderBy: { createdAt: "asc" } });
      for (const key of keys) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
        const origins = key.allowedOrigins.length ? `  ${key.allowedOrigins.join(" ")}` : "";
        console.log(
          `${key.prefix}  ${key.scope.toLowerCase().padEnd(6)}  ${key.createdAt.toISOString()}  ${state}  ${key.label ?? ""}${origins}`,
        );
      }
    }
  } finally {
    await db.close();
  }
}

await main();
