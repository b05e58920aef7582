// Child processes for the servers under test, so that the load generator
// does not share their event loop.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../src/db/migrate.js";

/** What `npm run start:production` passes to Node.js (package.json). */
const PRODUCTION_FLAGS = ["--max-semi-space-size=16"];

export type Child = {
  name: string;
  url: string;
  process: ChildProcess;
  rssMb(): number;
  /** CPU time the process has used so far (user and system), in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
};

export async function startChild(
  name: string,
  script: string,
  port: number,
  env: Record<string, string>,
  readyPath = "/graphql",
): Promise<Child> {
  const profile =
    process.env.BENCH_PROFILE_DIR && name === "gateway" ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  // The gateway's sources through tsx; compiled JavaScript (dist/) with the
  // flags `npm run start:production` gives it; a script of type-annotated
  // JavaScript alone (PostGraphile's) by Node's own type stripping, so no
  // loader weighs on its memory.
  const flags = script.startsWith("dist/") ? PRODUCTION_FLAGS : script === "bench/postgraphile-server.ts" ? [] : ["--import", "tsx"];
  const child = spawn(process.execPath, [...profile, ...flags, join(projectRoot, script)], {
    cwd: projectRoot,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode != null) throw new Error(`${name} exited:\n${output}`);
    try {
      await fetch(base + readyPath, { method: "GET" });
      break;
    } catch {
      if (attempt > 300) throw new Error(`${name} did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    name,
    url: base,
    process: child,
    rssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    cpuSeconds: () => {
      // Fields 14 and 15 of /proc/<pid>/stat, after the command's closing parenthesis: utime and stime, in clock ticks.
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode != null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}
