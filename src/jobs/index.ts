// Everything that leaves the gateway: the outbox that records outbound work in
// the writing transaction, the workers that send it (source writes, partner
// webhooks), pulls from sources, and the schedule that starts them.
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { type BulkService, bulkService } from "../bulk/operations.js";
import { directoryStorage } from "../bulk/storage.js";
import { runBulkOperation } from "../bulk/worker.js";
import type { Config } from "../config.js";
import type { Database } from "../db/index.js";
import type { Result } from "../domain/user-error.js";
import { createOutboundHttp } from "../outbound/http.js";
import { createWebhookDispatcher, type WebhookDispatcher } from "../outbox/dispatcher.js";
import { createOutbox, type Outbox } from "../outbox/index.js";
import { noMetrics, outboundMetrics } from "../outbox/metrics.js";
import { sendSourceWrite } from "../outbox/source-writer.js";
import { bulkImportConcurrency, type ImportedOrder, type ImportResult, type ImportSource } from "../services/imports.js";
import { type PullSummary, pullSource } from "../services/pull.js";
import { schedulePulls } from "./pull-schedule.js";
import { QUEUES, startJobQueue } from "./queue.js";
import { pruneWebhookEvents } from "./retention.js";

export type Outbound = {
  outbox: Outbox;
  /** Sends partner webhooks (polling for due deliveries only where the workers run). */
  webhooks: WebhookDispatcher;
  /** Bulk exports and imports (files in BULK_DIR, work on the job queue). */
  bulk: BulkService;
  /** Pulls a source's orders now, for the caller's workspace. */
  pull(workspaceId: string, source: ImportSource): Promise<Result<PullSummary>>;
  stop(): Promise<void>;
};

export async function startOutbound(
  db: Database,
  config: Config,
  options: {
    logger: Logger;
    registry?: Registry;
    onImported?: (workspaceId: string, results: ReadonlyArray<ImportResult<ImportedOrder>>) => void;
  },
): Promise<Outbound> {
  const { logger } = options;
  const jobs = await startJobQueue(db, config, logger);
  const http = createOutboundHttp({ timeoutMs: config.outbound.timeoutMs, allowPrivateTargets: config.outbound.allowPrivateTargets });
  const outbox = createOutbox(jobs);
  const deps = {
    prisma: db.prisma,
    store: db.sql,
    http,
    jobs,
    config: config.outbound,
    metrics: options.registry ? outboundMetrics(options.registry, db.prisma) : noMetrics,
    logger,
  };
  const webhooks = createWebhookDispatcher({
    store: db.sql,
    http,
    outbox,
    config: config.outbound,
    metrics: deps.metrics,
    logger,
    // Four looks a second while deliveries come, so a change reaches partners well within a
    // second; idle, one every JOB_POLL_SECONDS.
    poll: config.jobs.enabled ? { activeMs: Math.min(250, config.jobs.pollSeconds * 1000), idleMs: config.jobs.pollSeconds * 1000 } : null,
  });
  const pull = (workspaceId: string, source: ImportSource) =>
    pullSource(
      {
        prisma: db.prisma,
        store: db.sql,
        http,
        outbox,
        config,
        onImported: options.onImported,
        concurrency: bulkImportConcurrency(db.kind),
      },
      workspaceId,
      source,
    );

  const storage = directoryStorage(config.bulk.dir);
  const bulk = bulkService(db.prisma, jobs, storage, config.bulk);
  let scheduler: { stop(): Promise<void> } | null = null;
  let sweeper: NodeJS.Timeout | null = null;
  if (config.jobs.enabled) {
    await jobs.work(QUEUES.sourceWrite, 4, (job) => sendSourceWrite(deps, job));
    const bulkDeps = {
      prisma: db.prisma,
      sql: db.sql,
      storage,
      jobs,
      outbox,
      config,
      logger,
      onImported: options.onImported,
      concurrency: bulkImportConcurrency(db.kind),
    };
    await jobs.work(QUEUES.bulkOperation, 2, (job) => runBulkOperation(bulkDeps, job));
    scheduler = schedulePulls(db.prisma, config.jobs.pullCheckSeconds, pull, logger);
    const sweep = () => {
      bulk.sweepExpired().catch((error) => logger.error({ err: error }, "bulk file sweep failed"));
      pruneWebhookEvents(db.sql, config.outbound.eventRetentionMs).catch((error) =>
        logger.error({ err: error }, "events feed prune failed"),
      );
    };
    sweeper = setInterval(sweep, 3_600_000).unref();
  }
  let stopping: Promise<void> | null = null;
  return {
    outbox,
    webhooks,
    bulk,
    pull,
    stop() {
      stopping ??= (async () => {
        if (sweeper) clearInterval(sweeper);
        await scheduler?.stop();
        await webhooks.stop();
        await jobs.stop();
        await http.close();
      })();
      return stopping;
    },
  };
}
