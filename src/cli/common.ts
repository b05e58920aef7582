// What the command-line tools share: configuration and the database, with
// failures said plainly on stderr.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { type Database, openDatabase } from "../db/index.js";

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** The command line's options and positionals; bad usage is said with `usage`, and the process exits 1. */
export function parseCommandLine<const T extends NonNullable<ParseArgsConfig["options"]>>(options: T, usage: string) {
  try {
    return parseArgs({ options, allowPositionals: true });
  } catch (error) {
    fail(`${(error as Error).message}\n${usage}`);
  }
}

/** The database the environment names (as the server would open it). */
export async function openCliDatabase(): Promise<Database> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  return openDatabase(config.database).catch((error: Error) => fail(error.message));
}
