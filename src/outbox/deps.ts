import type { Logger } from "pino";
import type { Config } from "../config.js";
import { retryDelayMs } from "../domain/delivery.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { JobQueue } from "../jobs/queue.js";
import type { OutboundHttp } from "../outbound/http.js";
import type { TransactionalSql } from "../store/executor.js";
import type { OutboundMetrics } from "./metrics.js";

/** What the workers that send outbound need. */
export type OutboundDeps = {
  prisma: PrismaClient;
  /** The order store: the orders' sync state and history move with each attempt. */
  store: TransactionalSql;
  http: OutboundHttp;
  jobs: JobQueue;
  config: Config["outbound"];
  metrics: OutboundMetrics;
  logger: Logger;
};

/** Milliseconds before attempt `attempt + 1`, by the configured backoff and the remote's answer. */
export function nextAttemptDelayMs(
  config: Config["outbound"],
  attempt: number,
  answer: { status?: number; retryAfter?: string | null },
): number {
  return retryDelayMs(attempt, { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs }, answer);
}
