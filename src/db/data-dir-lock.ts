// PGlite has no lock of its own: two processes on one data directory would
// corrupt it. A lock file beside the directory names the process holding it.
import { readFile, rm, writeFile } from "node:fs/promises";

export class DataDirInUseError extends Error {}

const heldHere = new Set<string>();

export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = `${dataDir}.lock`;
  if (heldHere.has(lockPath)) throw inUse(dataDir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath, String(process.pid), { flag: "wx" });
      heldHere.add(lockPath);
      return async () => {
        heldHere.delete(lockPath);
        await rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
      // Our own pid in the file is a leftover of an earlier run (a container
      // restarted with the same pid): locks held here are in heldHere.
      if (holder && holder !== process.pid && isAlive(holder)) throw inUse(dataDir, holder);
      await rm(lockPath, { force: true });
    }
  }
  throw new DataDirInUseError(`Could not lock ${dataDir}.`);
}

function inUse(dataDir: string, pid: number): DataDirInUseError {
  return new DataDirInUseError(
    `The embedded database in ${dataDir} is in use by process ${pid}. Stop it, or set PGLITE_DIR to another directory.`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
