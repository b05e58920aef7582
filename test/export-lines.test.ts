// The export's line writer: COPY's chunks go to the file in larger pieces
// whose buffers are reused, so a piece must not be refilled before the
// stream has finished with it.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { type ExportBatch, lineWriter } from "../src/bulk/worker.js";

/** A stream that takes its time: it reads each piece only when it gets to it, a turn of the event loop later. */
function slowStream() {
  const received: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, done) {
      setImmediate(() => {
        received.push(Buffer.from(chunk));
        done();
      });
    },
  });
  return { stream, received };
}

/** Lines of the given sizes, cut into chunks that do not end where lines do. */
function batchOf(lineSizes: number[], chunkSizes: number[], first: number): { batch: ExportBatch; bytes: Buffer } {
  const bytes = Buffer.from(lineSizes.map((size, i) => `${`{"n":${first + i}}`.padEnd(size - 1, " ")}\n`).join(""));
  const lines: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = chunkSizes[i % chunkSizes.length]!;
    lines.push(bytes.subarray(at, at + size));
    at += size;
  }
  return { batch: { lastId: String(first), full: true, lines, count: lineSizes.length }, bytes };
}

describe("export line writer", () => {
  it("writes every byte in order across batches, however COPY cut the chunks", async () => {
    const { stream, received } = slowStream();
    const write = lineWriter(stream);
    const batches = [
      batchOf(
        Array.from({ length: 500 }, (_, i) => 200 + ((i * 997) % 5000)),
        [11_000, 12_500, 9_000, 10_500],
        0,
      ),
      batchOf([300_000, 40, 7_000], [1, 299_999, 5_000, 2_040], 500),
      batchOf(
        Array.from({ length: 3 }, () => 100),
        [300],
        503,
      ),
    ];
    for (const { batch } of batches) await write(batch);
    stream.end();
    await new Promise((resolve) => stream.on("finish", resolve));

    const written = Buffer.concat(received);
    expect(written.equals(Buffer.concat(batches.map(({ bytes }) => bytes)))).toBe(true);
    expect(
      written
        .toString()
        .split("\n")
        .slice(0, -1)
        .map((line) => JSON.parse(line).n),
    ).toEqual(Array.from({ length: 506 }, (_, i) => i));
    // Pieces of 128 KB, each batch's last one shorter.
    const fullPieces = batches.reduce((sum, { bytes }) => sum + Math.floor(bytes.length / (128 * 1024)), 0);
    expect(received.filter((piece) => piece.length === 128 * 1024)).toHaveLength(fullPieces);
    expect(received.length).toBeLessThanOrEqual(fullPieces + batches.length);
    expect(Math.max(...received.map((piece) => piece.length))).toBe(128 * 1024);
  });
});
