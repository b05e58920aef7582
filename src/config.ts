// Every environment variable the gateway reads is parsed and validated here.
import { resolve } from "node:path";
import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATABASE_REPLICA_URLS: z
    .string()
    .transform((value) => value.split(",").map((url) => url.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^postgres(ql)?:\/\//, "each must be a postgres:// or postgresql:// URL")))
    .optional(),
  PGLITE_DIR: z.string().min(1).default(".data/pglite"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL").optional(),
  DEMO_DATA: booleanFlag.optional(),
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  INTROSPECTION: booleanFlag.optional(),
  MAX_DEPTH: z.coerce.number().int().min(1).max(100).default(12),
  MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(15),
  MAX_TOKENS: z.coerce.number().int().min(100).max(100_000).default(3000),
  MAX_DIRECTIVES: z.coerce.number().int().min(0).max(1000).default(10),
  MAX_COST: z.coerce.number().int().min(1).default(50_000),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  MAX_BATCH: z.coerce.number().int().min(0).max(100).default(5),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  METRICS: booleanFlag.default(true),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  PERSISTED_OPERATIONS_FILE: z.string().min(1).optional(),
  PERSISTED_OPERATIONS_ONLY: booleanFlag.default(false),
});

export type Config = {
  env: "development" | "production" | "test";
  port: number;
  host: string | undefined;
  /** PostgreSQL, with read replicas for reads outside writes; or PGlite in a data directory. */
  database: { kind: "postgres"; url: string; replicaUrls?: string[] } | { kind: "pglite"; dataDir: string };
  /** Where subscription events cross instances; unset: within this process only. */
  redisUrl: string | undefined;
  demoData: boolean;
  maxPageSize: number;
  /** Whether clients may introspect the schema (default: not in production). */
  introspection: boolean;
  limits: {
    depth: number;
    aliases: number;
    tokens: number;
    directives: number;
    /** Query cost, where page sizes multiply (see src/schema/builder.ts). */
    cost: number;
    bodyBytes: number;
    /** Operations in one batched request; 0 turns batching off. */
    batch: number;
    /** Requests per minute per API key; 0 turns rate limiting off. */
    ratePerMinute: number;
  };
  /** How long a verified API key is trusted without asking the database (so a revocation takes this long). */
  apiKeyCacheSeconds: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Serve Prometheus metrics at /metrics. */
  metrics: boolean;
  /** On SIGTERM, how long in-flight requests may take before their connections are closed. */
  shutdownTimeoutMs: number;
  persistedOperations: { file: string | undefined; only: boolean };
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const e = parsed.data;
  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL, ...(e.DATABASE_REPLICA_URLS?.length ? { replicaUrls: e.DATABASE_REPLICA_URLS } : {}) }
      : { kind: "pglite", dataDir: resolve(e.PGLITE_DIR) },
    redisUrl: e.REDIS_URL,
    demoData: e.DEMO_DATA ?? e.NODE_ENV !== "production",
    maxPageSize: e.MAX_PAGE_SIZE,
    introspection: e.INTROSPECTION ?? e.NODE_ENV !== "production",
    limits: {
      depth: e.MAX_DEPTH,
      aliases: e.MAX_ALIASES,
      tokens: e.MAX_TOKENS,
      directives: e.MAX_DIRECTIVES,
      cost: e.MAX_COST,
      bodyBytes: e.MAX_BODY_BYTES,
      batch: e.MAX_BATCH,
      ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
    },
    persistedOperations: { file: e.PERSISTED_OPERATIONS_FILE, only: e.PERSISTED_OPERATIONS_ONLY },
    apiKeyCacheSeconds: e.API_KEY_CACHE_SECONDS,
    logLevel: e.LOG_LEVEL,
    metrics: e.METRICS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
  if (e.DATABASE_REPLICA_URLS?.length && !e.DATABASE_URL) {
    throw new ConfigError("Invalid configuration:\n  DATABASE_REPLICA_URLS needs DATABASE_URL (the primary)");
  }
  if (config.persistedOperations.only && !config.persistedOperations.file) {
    throw new ConfigError("Invalid configuration:\n  PERSISTED_OPERATIONS_ONLY needs PERSISTED_OPERATIONS_FILE");
  }
  return config;
}

// An empty variable (`PORT=`) means "not set", as in most shells' intent.
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
}
