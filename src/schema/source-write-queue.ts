// How a connection's write-through is doing: what waits, what last went
// through, what last failed, and when the next attempt is due.
import type { SourceConnection } from "../generated/prisma/client.js";
import { builder } from "./builder.js";
import { SourceConnectionRef } from "./source-connection.js";

type WriteQueue = {
  depth: number;
  lastSucceededAt: Date | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  throttledUntil: Date | null;
};

const SourceWriteQueueRef = builder.objectRef<WriteQueue>("SourceWriteQueue").implement({
  description: "The changes waiting to be written to the source, and how the last ones went.",
  fields: (t) => ({
    depth: t.exposeInt("depth", { description: "Writes waiting to be sent or retried." }),
    lastSucceededAt: t.expose("lastSucceededAt", { type: "DateTime", nullable: true }),
    lastError: t.exposeString("lastError", { nullable: true, description: "Why the most recent failed attempt failed." }),
    nextAttemptAt: t.expose("nextAttemptAt", { type: "DateTime", nullable: true, description: "The earliest retry due." }),
    throttledUntil: t.expose("throttledUntil", {
      type: "DateTime",
      nullable: true,
      description: "The source asked to wait (429 or 503 with Retry-After): its writes pause until then.",
    }),
  }),
});

builder.objectField(SourceConnectionRef, "writeQueue", (t) =>
  t.field({
    type: SourceWriteQueueRef,
    resolve: async (connection: SourceConnection, _args, ctx) => {
      const [waiting, succeeded, failed] = await Promise.all([
        ctx.prisma.sourceWrite.aggregate({
          where: { connectionId: connection.id, state: "PENDING" },
          _count: { _all: true },
          _min: { nextAttemptAt: true },
        }),
        ctx.prisma.sourceWrite.findFirst({
          where: { connectionId: connection.id, state: "SYNCED" },
          orderBy: { completedAt: "desc" },
          select: { completedAt: true },
        }),
        ctx.prisma.sourceWrite.findFirst({
          where: { connectionId: connection.id, lastError: { not: null } },
          orderBy: { createdAt: "desc" },
          select: { lastError: true },
        }),
      ]);
      const throttled = connection.throttledUntil && connection.throttledUntil > new Date() ? connection.throttledUntil : null;
      return {
        depth: waiting._count._all,
        lastSucceededAt: succeeded?.completedAt ?? null,
        lastError: failed?.lastError ?? null,
        nextAttemptAt: waiting._min.nextAttemptAt,
        throttledUntil: throttled,
      };
    },
  }),
);
