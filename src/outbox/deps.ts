import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { JobQueue } from "../jobs/queue.js";
import type { OutboundHttp } from "../outbound/http.js";
import type { OutboundMetrics } from "./metrics.js";

/** What the workers that send outbound need. */
export type OutboundDeps = {
  prisma: PrismaClient;
  http: OutboundHttp;
  jobs: JobQueue;
  config: Config["outbound"];
  metrics: OutboundMetrics;
  logger: Logger;
};
