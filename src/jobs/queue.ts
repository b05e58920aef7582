// The durable job queue: pg-boss, in the same PostgreSQL (or PGlite) as the
// data, so a job is queued in the transaction that made the change and is
// never sent for one that rolled back. A job stuck active (a worker killed
// mid-delivery) is retried once it has run for longer than the job timeout.
import { fromPglite, fromPrisma, PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Database } from "../db/index.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Sql } from "../store/executor.js";

/** A transaction a job is queued in: the store's, or Prisma's for the workers' own tables. */
export type JobTransaction = Sql | Prisma.TransactionClient;

export const QUEUES = {
  /** One attempt to send a SourceWrite to its source. */
  sourceWrite: "source-write",
  /** A slice of work on a BulkOperation (export or import). */
  bulkOperation: "bulk-operation",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** The attempt a job stands for: a job whose attempt is already past is stale and skipped. */
export type AttemptJob = { id: string; attempt: number };

export type JobQueue = {
  /** Queues a job inside `tx`: it exists only if the transaction commits. */
  enqueue(tx: JobTransaction, queue: QueueName, job: AttemptJob, runAt?: Date): Promise<void>;
  work(queue: QueueName, concurrency: number, handler: (job: AttemptJob) => Promise<void>): Promise<void>;
  /** Tells this process's workers of `queue` to look for jobs now rather than at their next poll (after a commit that queued one). */
  wake(queue: QueueName): void;
  stop(): Promise<void>;
};

export function jobQueueOptions(db: Database, config: Pick<Config, "jobs">) {
  const connection =
    db.connection.kind === "pglite"
      ? { db: fromPglite(db.connection.pglite), backend: "pglite" as const }
      : { connectionString: db.connection.url, max: 4, application_name: "order-gateway jobs" };
  // Stuck jobs are expired by the monitor pass, which runs at most once per
  // monitor interval across all instances: it keeps pace with the timeout.
  const supervise = Math.min(60, Math.max(1, Math.floor(config.jobs.timeoutSeconds / 2)));
  return { ...connection, superviseIntervalSeconds: supervise, monitorIntervalSeconds: supervise, schedule: false };
}

export async function startJobQueue(db: Database, config: Pick<Config, "jobs">, logger: Logger): Promise<JobQueue> {
  const boss = new PgBoss(jobQueueOptions(db, config));
  boss.on("error", (error) => logger.error({ err: error }, "job queue error"));
  await boss.start();
  for (const name of Object.values(QUEUES)) {
    // The queue's own retries only recover from crashes and database errors;
    // attempts against the remote side are counted and spaced by the workers.
    await boss.createQueue(name, {
      retryLimit: 10,
      retryDelay: 2,
      retryBackoff: true,
      retryDelayMax: 300,
      expireInSeconds: config.jobs.timeoutSeconds,
      deleteAfterSeconds: 7 * 24 * 3600,
    });
  }
  let stopped = false;
  const workers = new Map<QueueName, string[]>();
  return {
    async enqueue(tx, queue, job, runAt) {
      const db =
        typeof tx === "function"
          ? { executeSql: async (text: string, values?: unknown[]) => ({ rows: await tx(text, values) }) }
          : fromPrisma(tx);
      await boss.send(queue, job, { db, ...(runAt ? { startAfter: runAt } : {}) });
    },
    async work(queue, concurrency, handler) {
      // Each poller is a query every pollSeconds: PGlite has one connection
      // for everything, so it gets one poller per queue; a batch runs side by side.
      const pollers = db.connection.kind === "pglite" ? 1 : 2;
      const workerId = await boss.work<AttemptJob>(
        queue,
        {
          pollingIntervalSeconds: config.jobs.pollSeconds,
          localConcurrency: pollers,
          batchSize: Math.max(1, Math.ceil(concurrency / pollers)),
          // A full batch means more is waiting: fetch again at once instead of after the poll interval.
          burstWhenBatchFull: true,
        },
        async (jobs) => {
          const settled = await Promise.allSettled(jobs.map((job) => handler(job.data)));
          // The queue retries the batch; jobs already done are skipped by their attempt number.
          const failure = settled.find((result) => result.status === "rejected");
          if (failure) throw failure.reason;
        },
      );
      workers.set(queue, [...(workers.get(queue) ?? []), workerId]);
    },
    wake(queue) {
      if (!stopped) for (const id of workers.get(queue) ?? []) boss.notifyWorker(id);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await boss.stop({ graceful: true, timeout: 5_000 });
    },
  };
}
