// Gateways in their own processes, for tests of several instances and of
// crashes. One Node.js process each (tsx as a loader, not a wrapper process),
// so a signal reaches the server itself.
import { type ChildProcess, spawn } from "node:child_process";
import { projectRoot } from "../src/db/migrate.js";

export type ServerProcess = { base: string; child: ChildProcess; output(): string };

export type StartCommand = "node" | "npm start" | "npm run start:production";

/**
 * A server started as `node --import tsx src/main.ts`, or as a user would
 * start it: `npm start` (the sources), `npm run start:production` (dist/).
 */
export function startServerProcess(env: Record<string, string>, how: StartCommand = "node"): Promise<ServerProcess> {
  const { DATABASE_URL: _, ...inherited } = process.env;
  const [command, args] =
    how === "node"
      ? [process.execPath, ["--import", "tsx", "src/main.ts"]]
      : ["npm", how === "npm start" ? ["start", "--silent"] : ["run", "start:production", "--silent"]];
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: { ...inherited, PORT: "0", DEMO_DATA: "false", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const match = /GraphQL and GraphiQL at (http:\/\/localhost:\d+)\/graphql/.exec(output);
      if (match) resolve({ base: match[1]!, child, output: () => output });
    });
    child.stderr!.on("data", (chunk) => (output += chunk));
    child.once("exit", () => reject(new Error(output)));
  });
}

/** Stops a server process and waits for it to be gone. */
export async function stopServerProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}
