// The bulk routes:
//   GET  /bulk/{id}                   downloads an operation's file (Range supported)
//   POST /bulk/imports?source=malomo  uploads NDJSON (gzip or not) and starts its import
// Both take the workspace's API key like the API; another workspace's
// operation is answered as unknown.
import { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { Plugin } from "graphql-yoga";
import type { Caller } from "../auth/caller.js";
import { parseRange } from "../domain/byte-range.js";
import type { OrderSource } from "../generated/prisma/client.js";
import { admitCaller, jsonReply } from "../json-route.js";
import { parseGlobalId } from "../schema/global-id.js";
import { SOURCE_NAMES, sourceNamed } from "../sources/index.js";
import { type BulkService, EmptyUpload, UploadTooLarge } from "./operations.js";
import type { BulkStorage } from "./storage.js";
import { bulkOperationDocument } from "./worker.js";

/** The upload route's path, with or without a trailing slash. */
export const isUploadPath = (path: string) => path === "/bulk/imports" || path === "/bulk/imports/";

export function bulkRoutes(options: {
  admit: (request: Request) => Promise<Caller>;
  bulk: () => BulkService;
  storage: BulkStorage;
}): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (!url.pathname.startsWith("/bulk/")) return;
      const reply = jsonReply(endResponse, fetchAPI);
      const caller = await admitCaller(options.admit, request, reply);
      if (!caller) return;

      if (isUploadPath(url.pathname)) {
        if (request.method !== "POST") return reply(405, { error: "Upload an import with POST." }, { allow: "POST" });
        if (caller.scope !== "WRITE") return reply(403, { error: "This API key may only read; imports need a key with the write scope." });
        const source = sourceNamed(url.searchParams.get("source") ?? "");
        if (!source) return reply(400, { error: `Name the payloads' source: ?source=${SOURCE_NAMES.join("|")}.` });
        if (request.headers.has("content-encoding")) {
          return reply(415, {
            error: "Send a gzip file as the body itself, without Content-Encoding: it is recognised by its first bytes.",
          });
        }
        try {
          const operation = await options.bulk().startImport(caller.workspaceId, source, uploadOf(request, serverContext));
          return reply(202, { bulkOperation: { ...bulkOperationDocument(operation), source: operation.source as OrderSource } });
        } catch (error) {
          if (error instanceof UploadTooLarge) return reply(413, { error: error.message }, { connection: "close" });
          if (error instanceof EmptyUpload) return reply(400, { error: error.message });
          if ((error as NodeJS.ErrnoException).code === "Z_DATA_ERROR") return reply(400, { error: "The body is not valid gzip." });
          throw error;
        }
      }

      if (request.method !== "GET" && request.method !== "HEAD") return reply(405, { error: "Download with GET." }, { allow: "GET, HEAD" });
      const id = parseGlobalId(decodeURIComponent(url.pathname.slice("/bulk/".length)));
      const operation = id?.typename === "BulkOperation" ? await options.bulk().find(caller.workspaceId, id.id) : null;
      if (!operation) return reply(404, { error: "No bulk operation with that id." });
      const size = operation.status === "COMPLETED" && operation.resultKey ? await options.storage.size(operation.resultKey) : null;
      if (size == null)
        return reply(404, {
          error:
            operation.status === "COMPLETED" ? "The file has expired." : `The operation is ${operation.status}: its file is not ready.`,
        });
      const name = operation.kind === "EXPORT" ? `orders-${operation.id}.jsonl.gz` : `import-${operation.id}-failed-lines.jsonl`;
      const headers: Record<string, string> = {
        "content-type": operation.kind === "EXPORT" ? "application/gzip" : "application/x-ndjson",
        "content-disposition": `attachment; filename="${name}"`,
        "accept-ranges": "bytes",
        "cache-control": "private, no-store",
      };
      const range = parseRange(request.headers.get("range"), size);
      if (range === "unsatisfiable")
        return endResponse(new fetchAPI.Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${size}` } }));
      const { start, end } = range ?? { start: 0, end: size - 1 };
      const length = size === 0 ? 0 : end - start + 1;
      const body =
        request.method === "HEAD" || length === 0
          ? null
          : (Readable.toWeb(options.storage.read(operation.resultKey!, { start, end })) as ReadableStream);
      return endResponse(
        new fetchAPI.Response(body, {
          status: range ? 206 : 200,
          headers: { ...headers, "content-length": String(length), ...(range ? { "content-range": `bytes ${start}-${end}/${size}` } : {}) },
        }),
      );
    },
  };
}

/**
 * The upload's bytes. Under Node's HTTP server, its own request, read as a
 * Node stream: through the web stream that wraps it, an upload took about a
 * tenth more of the server's CPU. (The door leaves this path's body for the
 * route to count.)
 */
function uploadOf(request: Request, serverContext: unknown): Readable {
  const nodeRequest = (serverContext as { req?: unknown } | undefined)?.req;
  if (nodeRequest instanceof IncomingMessage) return nodeRequest;
  return Readable.from(request.body ? chunksOf(request.body) : [], { objectMode: false });
}

/** A web stream's chunks (the server's own stream class, which Readable.fromWeb does not take). */
async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Buffer> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  } finally {
    reader.releaseLock();
  }
}
