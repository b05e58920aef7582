// Where bulk files live: a directory that every instance of the gateway
// shares (BULK_DIR: a volume or network mount when several run). A file is
// written under a temporary name, in parts that a worker may continue after
// a crash from the last size it recorded, and renamed into place only when
// complete: a reader never sees half a file.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

export type BulkStorage = {
  /**
   * Appends to `key`'s unfinished file from byte `offset` (what was written
   * after it, by a worker that died, is dropped). `close` resolves once the
   * part is on disk, with the file's size.
   */
  append(key: string, offset: number): Promise<Writable>;
  /** The unfinished file's size. */
  partialSize(key: string): Promise<number>;
  /** Makes the unfinished file `key` whole and readable; returns its size. */
  publish(key: string): Promise<number>;
  /** The file's bytes from `start` to `end` (inclusive), or all of it; from `start` on with only `start`. */
  read(key: string, range?: { start: number; end?: number }): Readable;
  /** The finished file's size, or null when there is none. */
  size(key: string): Promise<number | null>;
  /** Removes the file, finished or not. */
  remove(key: string): Promise<void>;
};

const KEY = /^[a-z0-9-]+(\.[a-z0-9]+)*$/;

export function directoryStorage(dir: string): BulkStorage {
  const path = (key: string) => {
    // Keys are made by the gateway; anything else is a bug, never a path to follow.
    if (!KEY.test(key)) throw new Error(`Invalid bulk storage key: ${key}`);
    return join(dir, key);
  };
  const partial = (key: string) => `${path(key)}.partial`;
  return {
    async append(key, offset) {
      await mkdir(dir, { recursive: true });
      const file = await open(partial(key), "a+");
      await file.truncate(offset);
      await file.close();
      return createWriteStream(partial(key), { flags: "r+", start: offset });
    },
    partialSize: async (key) => (await stat(partial(key))).size,
    async publish(key) {
      await rename(partial(key), path(key));
      return (await stat(path(key))).size;
    },
    read: (key, range) =>
      createReadStream(path(key), range ? { start: range.start, ...(range.end !== undefined ? { end: range.end } : {}) } : {}),
    async size(key) {
      try {
        return (await stat(path(key))).size;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async remove(key) {
      await rm(path(key), { force: true });
      await rm(partial(key), { force: true });
    },
  };
}
