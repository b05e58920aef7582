// Starting, cancelling and finding bulk operations: what the GraphQL fields
// and the HTTP routes call. The work itself is the worker's (worker.ts).
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { Config } from "../config.js";
import { checkOrderFilter, type OrderFilter } from "../domain/order-filter.js";
import { fail, ok, type Result } from "../domain/user-error.js";
import type { BulkOperation, Prisma, PrismaClient } from "../generated/prisma/client.js";
import { type JobQueue, QUEUES } from "../jobs/queue.js";
import type { ImportSource } from "../services/imports.js";
import { newId } from "../store/ids.js";
import type { BulkStorage } from "./storage.js";
import { EXPORT_RELATIONS, type ExportRelation, importKey } from "./worker.js";

export type BulkService = ReturnType<typeof bulkService>;

export class UploadTooLarge extends Error {}
export class EmptyUpload extends Error {}

/** A stage that passes bytes on until more than `limit` went through, then fails with UploadTooLarge(`message`). */
function byteLimit(limit: number, message: string) {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(size > limit ? new UploadTooLarge(message) : null, chunk);
    },
  });
  return { counter, size: () => size };
}

/** The stream's first bytes, left in it to be read again (empty when it has none). */
async function firstChunk(stream: Readable): Promise<Buffer> {
  for await (const chunk of stream.iterator({ destroyOnReturn: false })) {
    stream.unshift(chunk);
    return chunk as Buffer;
  }
  return Buffer.alloc(0);
}

export function bulkService(prisma: PrismaClient, jobs: JobQueue, storage: BulkStorage, config: Config["bulk"]) {
  /** Bytes the workspace's bulk files hold now (finished or being written). */
  const held = async (workspaceId: string) => {
    const sum = await prisma.bulkOperation.aggregate({
      where: { workspaceId, fileSize: { not: null }, resultKey: { not: null } },
      _sum: { fileSize: true },
    });
    return Number(sum._sum.fileSize ?? 0n);
  };

  /** An operation with its first job, in one transaction: none is left without its work. */
  const createQueued = async (data: Prisma.BulkOperationUncheckedCreateInput) => {
    const operation = await prisma.$transaction(async (tx) => {
      const created = await tx.bulkOperation.create({ data });
      await jobs.enqueue(tx, QUEUES.bulkOperation, { id: created.id, attempt: 0 });
      return created;
    });
    jobs.wake(QUEUES.bulkOperation);
    return operation;
  };

  return {
    async startExport(
      workspaceId: string,
      filter: OrderFilter | null,
      include: readonly ExportRelation[] | null,
    ): Promise<Result<BulkOperation>> {
      try {
        // The filter's own rules, checked now rather than in the worker.
        checkOrderFilter(filter);
      } catch (error) {
        return fail("VALIDATION", (error as Error).message, ["filter"]);
      }
      if ((await held(workspaceId)) >= config.maxWorkspaceBytes) {
        return fail(
          "LIMIT_EXCEEDED",
          `The workspace's bulk files take ${config.maxWorkspaceBytes} bytes or more; cancel or wait for older ones to expire.`,
          [],
        );
      }
      return ok(
        await createQueued({
          id: newId(),
          workspaceId,
          kind: "EXPORT",
          filter: filter ? JSON.parse(JSON.stringify(filter)) : undefined,
          include: [...new Set(include ?? EXPORT_RELATIONS)],
        }),
      );
    },

    /**
     * Streams an NDJSON upload (gzip or not, told by its first bytes) to storage, never holding it in
     * memory, and queues its import. Throws UploadTooLarge past the limit, EmptyUpload when there is nothing.
     */
    async startImport(workspaceId: string, source: ImportSource, body: Readable): Promise<BulkOperation> {
      const available = Math.min(config.maxFileBytes, config.maxWorkspaceBytes - (await held(workspaceId)));
      if (available <= 0) throw new UploadTooLarge("The workspace's bulk files are at their limit; wait for older ones to expire.");
      const id = newId();
      const key = importKey(id);
      const file = byteLimit(available, `The file is larger than ${available} bytes (uncompressed).`);
      try {
        // Gzip is told by its magic bytes (a Content-Encoding: gzip body may arrive decoded already).
        const head = await firstChunk(body);
        const gzipped = head[0] === 0x1f && head[1] === 0x8b;
        const output = await storage.append(key, 0);
        if (gzipped) {
          // Limited as it arrives too, not only once inflated.
          const upload = byteLimit(config.maxFileBytes, `The upload is larger than ${config.maxFileBytes} bytes.`);
          await pipeline(body, upload.counter, createGunzip(), file.counter, output);
        } else await pipeline(body, file.counter, output);
        if (!file.size()) throw new EmptyUpload("The body is empty: send NDJSON, one native order per line.");
        await storage.publish(key);
      } catch (error) {
        await storage.remove(key);
        throw error;
      }
      return createQueued({ id, workspaceId, kind: "IMPORT", source, inputKey: key, fileSize: BigInt(file.size()) });
    },

    /** The workspace's operation, or null (another workspace's behaves as unknown). */
    find: (workspaceId: string, id: string) => prisma.bulkOperation.findFirst({ where: { id, workspaceId } }),

    async cancel(workspaceId: string, id: string, canWrite: boolean): Promise<Result<BulkOperation>> {
      const operation = await prisma.bulkOperation.findFirst({ where: { id, workspaceId } });
      if (!operation) return fail("NOT_FOUND", "No bulk operation with that id.", ["id"]);
      if (operation.kind === "IMPORT" && !canWrite)
        return fail("FORBIDDEN", "Cancelling an import needs a key with the write scope.", ["id"]);
      const cancelled = await prisma.bulkOperation.updateMany({
        where: { id, status: { in: ["CREATED", "RUNNING"] } },
        data: { status: "CANCELLED", completedAt: new Date() },
      });
      if (!cancelled.count) return fail("NOT_CANCELLABLE", `The operation is ${operation.status} already.`, ["id"]);
      return ok((await prisma.bulkOperation.findUnique({ where: { id } }))!);
    },

    /** Removes the files of operations past their retention; the operations stay, without a url. */
    async sweepExpired(now = new Date()) {
      const expired = await prisma.bulkOperation.findMany({ where: { expiresAt: { lt: now }, resultKey: { not: null } }, take: 500 });
      for (const operation of expired) {
        await storage.remove(operation.resultKey!);
        await prisma.bulkOperation.update({ where: { id: operation.id }, data: { resultKey: null } });
      }
      // Inputs of imports that have ended (a completed one removes its own, unless it died first).
      const ended = await prisma.bulkOperation.findMany({
        where: { kind: "IMPORT", status: { in: ["COMPLETED", "CANCELLED", "FAILED"] }, inputKey: { not: null } },
        take: 500,
      });
      for (const operation of ended) {
        await storage.remove(operation.inputKey!);
        await prisma.bulkOperation.update({ where: { id: operation.id }, data: { inputKey: null } });
      }
    },
  };
}
