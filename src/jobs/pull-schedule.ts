// Scheduled pulls: every few seconds, each instance looks for connections
// whose interval has passed since their last pull ended and pulls them. The
// lease taken by pullSource decides which instance does it.
import type { Logger } from "pino";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { ImportSource } from "../services/imports.js";

export type PullScheduler = { stop(): Promise<void> };

export function schedulePulls(
  prisma: PrismaClient,
  everySeconds: number,
  pull: (workspaceId: string, source: ImportSource) => Promise<unknown>,
  logger: Logger,
): PullScheduler {
  let running: Promise<void> | null = null;
  const tick = async () => {
    const due = await prisma.$queryRaw<Array<{ workspace_id: string; source: ImportSource }>>`
      SELECT workspace_id, source FROM source_connection
      WHERE enabled AND pull_interval_seconds IS NOT NULL
        AND coalesce(pull_lease_until, '-infinity') + make_interval(secs => pull_interval_seconds) <= now()
      ORDER BY pull_lease_until NULLS FIRST LIMIT 10`;
    for (const connection of due) await pull(connection.workspace_id, connection.source);
  };
  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .catch((error) => logger.error({ err: error }, "scheduled pull failed"))
      .finally(() => (running = null));
  }, everySeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
