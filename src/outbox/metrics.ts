// Outbound work in /metrics: attempts by outcome, and how many writes and
// deliveries are waiting (read from the database when scraped).
import { Counter, Gauge, type Registry } from "prom-client";
import type { PrismaClient } from "../generated/prisma/client.js";

export type OutboundOutcome = "succeeded" | "retrying" | "failed";
export type OutboundMetrics = { attempt(queue: string, outcome: OutboundOutcome): void };

export const noMetrics: OutboundMetrics = { attempt() {} };

export function outboundMetrics(registry: Registry, prisma: PrismaClient): OutboundMetrics {
  const attempts = new Counter({
    name: "gateway_outbound_attempts_total",
    help: "Attempts to send a source write or a partner webhook, by queue and outcome.",
    labelNames: ["queue", "outcome"],
    registers: [registry],
  });
  new Gauge({
    name: "gateway_outbound_queue_depth",
    help: "Source writes and webhook deliveries waiting to be sent.",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      const rows = await prisma.$queryRaw<Array<{ queue: string; depth: number }>>`
        SELECT 'source-write' AS queue, count(*)::int AS depth FROM source_write WHERE state = 'PENDING'
        UNION ALL SELECT 'webhook-delivery', count(*)::int FROM webhook_delivery WHERE status = 'PENDING'`;
      for (const row of rows) this.set({ queue: row.queue }, row.depth);
    },
  });
  return { attempt: (queue, outcome) => attempts.inc({ queue, outcome }) };
}
