// The events feed and the delivery log keep WEBHOOK_EVENT_RETENTION_DAYS:
// older rows are deleted in small batches, each its own short statement, so
// pruning never holds long locks or one long transaction.
import type { Sql } from "../store/executor.js";
import { pruneBefore } from "../store/webhooks.js";

const BATCH = 1000;

/** Deletes events and finished deliveries older than the retention; returns how many rows went. */
export async function pruneWebhookEvents(sql: Sql, retentionMs: number, now: Date = new Date()): Promise<number> {
  const before = new Date(now.getTime() - retentionMs);
  let total = 0;
  for (;;) {
    const deleted = await pruneBefore(sql, before, BATCH);
    total += deleted;
    if (deleted === 0) return total;
  }
}
