import { z } from "zod";
import type { Config } from "../config.js";
import { connectors, sourceLabel } from "../connectors/index.js";
import { fail, MAX_USER_ERRORS, ok, type Result, type UserError } from "../domain/user-error.js";
import type { OrderSource, PrismaClient, SourceConnection } from "../generated/prisma/client.js";
import { targetProblem } from "../outbound/http.js";
import { encryptSecret } from "../outbound/secrets.js";
import type { TransactionalSql } from "../store/executor.js";
import { abandonPendingSync } from "../store/orders.js";
import { first, q, run } from "../store/schema.js";

export const MIN_PULL_INTERVAL_SECONDS = 60;

export type Deps = { prisma: PrismaClient; store: TransactionalSql; config: Pick<Config, "outbound"> };

const connectionInput = z.object({
  source: z.string(),
  baseUrl: z.string().trim().min(1, "is required").max(2000, "must be at most 2000 characters"),
  apiToken: z
    .string()
    .min(1, "is required")
    .max(4096, "must be at most 4096 characters")
    .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces"),
  pullIntervalSeconds: z
    .number()
    .int()
    .min(MIN_PULL_INTERVAL_SECONDS, `must be at least ${MIN_PULL_INTERVAL_SECONDS} seconds`)
    .max(7 * 24 * 3600, "must be at most a week")
    .nullish(),
  enabled: z.boolean().nullish(),
});

export type SourceConnectionInput = z.input<typeof connectionInput>;

export function issues(error: z.ZodError, prefix: string[]): UserError[] {
  return error.issues.slice(0, MAX_USER_ERRORS).map((issue) => ({
    code: "VALIDATION",
    message: `${issue.path.join(".")} ${issue.message}`,
    path: [...prefix, ...issue.path.map(String)],
  }));
}

export async function upsertSourceConnection(
  deps: Deps,
  workspaceId: string,
  raw: SourceConnectionInput,
): Promise<Result<SourceConnection>> {
  const parsed = connectionInput.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: issues(parsed.error, ["input"]) };
  const input = parsed.data;
  if (!(input.source in connectors))
    return fail("VALIDATION", `${input.source} is not a source the gateway connects to.`, ["input", "source"]);
  const source = input.source as keyof typeof connectors;
  if (input.pullIntervalSeconds != null && !connectors[source].pull) {
    return fail("VALIDATION", `${sourceLabel(source)}'s API has no order list to pull from: leave pullIntervalSeconds null.`, [
      "input",
      "pullIntervalSeconds",
    ]);
  }
  const problem = await targetProblem(input.baseUrl, deps.config.outbound.allowPrivateTargets);
  if (problem) return fail("VALIDATION", `baseUrl ${problem}.`, ["input", "baseUrl"]);
  const fields = {
    baseUrl: input.baseUrl,
    apiTokenEncrypted: encryptSecret(deps.config.outbound.encryptionKey, input.apiToken),
    pullIntervalSeconds: input.pullIntervalSeconds ?? null,
    enabled: input.enabled ?? true,
    lastError: null,
  };
  return ok(
    await deps.prisma.sourceConnection.upsert({
      where: { workspaceId_source: { workspaceId, source: source as OrderSource } },
      create: { workspaceId, source: source as OrderSource, ...fields },
      update: fields,
    }),
  );
}

export async function deleteSourceConnection(deps: Deps, workspaceId: string, id: string): Promise<Result<string>> {
  return deps.store.transaction(async (tx) => {
    const connection = await first(
      tx,
      q.selectFrom("sourceConnection").select("id").where("id", "=", id).where("workspaceId", "=", workspaceId),
    );
    if (!connection) return fail("NOT_FOUND", "No source connection with that id.", ["id"]);
    // Writes still waiting go with the connection: their orders are local only again.
    await abandonPendingSync(tx, id, "The source connection was deleted before this change was sent.");
    await run(tx, q.deleteFrom("sourceConnection").where("id", "=", id));
    return ok(id);
  });
}
