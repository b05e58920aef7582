// Every environment variable the gateway reads is parsed and validated here.
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { z } from "zod";
import { parseRetrySchedule } from "./domain/delivery.js";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

/** Every variable, with what it means and its default: docs/configuration.md is printed from it (npm run docs). */
export const envSchema = z.object({
  NODE_ENV: z
    .enum(["development", "production", "test"])
    .default("development")
    .meta({ description: "`development`, `test` or `production`" }),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000).meta({ description: "HTTP port (`/graphql`, `/health`)" }),
  HOST: z.string().min(1).optional().meta({ description: "address to listen on", default: "all interfaces" }),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .meta({ description: "`postgresql://…`: use PostgreSQL; unset: the embedded PGlite" }),
  DATABASE_REPLICA_URLS: z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^postgres(ql)?:\/\//, "each must be a postgres:// or postgresql:// URL")))
    .optional()
    .meta({
      description:
        "comma-separated `postgresql://…` read replicas: reads go to them (round robin) until a request writes, then to the primary",
    }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10).meta({
    description:
      "connections each PostgreSQL pool (writes, reads, each replica) may hold; more than the database has cores to run them makes it slower, not faster",
  }),
  PGLITE_DIR: z
    .string()
    .min(1)
    .default(".data/pglite")
    .meta({ description: "data directory of the embedded database (one process at a time)" }),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional()
    .meta({ description: "`redis://…`: subscription events cross instances through Redis" }),
  DEMO_DATA: booleanFlag
    .optional()
    .meta({ description: "load the demo orders into an empty database on start", default: "`true` (`false` in production)" }),
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100).meta({ description: "largest `first`/`last` a connection accepts" }),
  INTROSPECTION: booleanFlag.optional().meta({ description: "allow schema introspection", default: "`true` (`false` in production)" }),
  MAX_DEPTH: z.coerce.number().int().min(1).max(100).default(12).meta({ description: "deepest query accepted" }),
  MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(15).meta({ description: "aliases in one query" }),
  MAX_TOKENS: z.coerce.number().int().min(100).max(100_000).default(3000).meta({ description: "tokens in one query document" }),
  MAX_DIRECTIVES: z.coerce.number().int().min(0).max(1000).default(10).meta({ description: "directives in one query" }),
  MAX_COST: z.coerce.number().int().min(1).default(500_000).meta({ description: "query cost limit (docs/partners.md, Limits)" }),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000).meta({ description: "largest request body, and WebSocket message" }),
  MAX_WEBHOOK_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024)
    .meta({ description: "largest `POST /webhooks/*` body" }),
  MAX_NODE_IDS: z.coerce.number().int().min(1).max(10_000).default(100).meta({ description: "ids in one `nodes(ids:)`" }),
  MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).default(10_000_000).meta({ description: "largest answer to one operation" }),
  MAX_SOCKETS_PER_KEY: z.coerce.number().int().min(1).default(50).meta({ description: "open WebSockets per API key" }),
  MAX_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).default(50).meta({ description: "open WebSockets per client address" }),
  HEADERS_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(600_000)
    .default(10_000)
    .meta({ description: "time to receive a request's headers" }),
  REQUEST_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(3_600_000)
    .default(30_000)
    .meta({ description: "time to receive a whole request" }),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(600_000)
    .default(5_000)
    .meta({ description: "how long an idle keep-alive connection stays open" }),
  MAX_BATCH: z.coerce
    .number()
    .int()
    .min(0)
    .max(100)
    .default(5)
    .meta({ description: "operations per batched request; `0` turns batching off" }),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .default(1200)
    .meta({ description: "requests per API key per minute, per server process; `0` turns it off" }),
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5).meta({
    description:
      "how long a verified key, and an issuer's identity provider settings, are trusted without a database check (a revocation takes this long); `0` checks every request",
  }),
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(30).meta({
    description:
      "requests per minute per client address with a publishable key (on top of the key's own limit), so guessing order numbers is slow; `0` turns it off",
  }),
  TRUST_PROXY: booleanFlag.default(false).meta({
    description:
      "take the client address from the last `X-Forwarded-For` entry (set it behind one reverse proxy or CDN, never when clients connect directly)",
  }),
  CORS_MAX_AGE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(600)
    .meta({ description: "how long browsers may cache a CORS preflight answer (`Access-Control-Max-Age`)" }),
  PUBLIC_CACHE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3600)
    .default(30)
    .meta({ description: "`Cache-Control: max-age` of the public lookups' answers, for browsers and CDNs" }),
  JWKS_COOLDOWN_SECONDS: z.coerce.number().min(0).max(3600).default(30).meta({
    description: "the shortest time between two fetches of an issuer's keys (a token with an unknown key id fetches them again)",
  }),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info")
    .meta({ description: "`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`" }),
  METRICS: booleanFlag.default(true).meta({ description: "serve Prometheus metrics at `/metrics`" }),
  METRICS_TOKEN: z
    .string()
    .min(16, "must be at least 16 characters")
    .optional()
    .meta({ description: "when set, `/metrics` needs `Authorization: Bearer <token>` (16 characters or more)" }),
  METRICS_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .meta({ description: "serve `/metrics` on this port only (same `HOST`), not on the API's" }),
  METRICS_MAX_OPERATIONS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(200)
    .meta({ description: "distinct operation names kept as metric labels; the rest count as `other`" }),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(600_000)
    .default(10_000)
    .meta({ description: "how long in-flight requests may run after SIGTERM" }),
  PERSISTED_OPERATIONS_FILE: z.string().min(1).optional().meta({ description: "allow-list of operations by hash" }),
  PERSISTED_OPERATIONS_ONLY: booleanFlag.default(false).meta({ description: "run only allow-listed operations" }),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, "must be 32 bytes as 64 hex digits or base64 (openssl rand -hex 32)")
    .optional()
    .meta({
      description:
        "32 bytes as 64 hex digits or base64 (`openssl rand -hex 32`): encrypts source tokens and webhook secrets at rest; elsewhere a fixed development key",
      default: "required in production",
    }),
  SOURCE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(120_000)
    .default(10_000)
    .meta({ description: "timeout of each call to a source or a webhook endpoint" }),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8).meta({ description: "attempts per source write" }),
  RETRY_BASE_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(600_000)
    .default(2_000)
    .meta({ description: "backoff base: base × 2^(attempt−1), half of it random, at most `RETRY_MAX_MS`" }),
  RETRY_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(900_000).meta({ description: "longest wait between attempts" }),
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(20)
    .meta({ description: "failed attempts in a row that disable a webhook endpoint" }),
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default("0, 5s, 5m, 30m, 2h, 5h, 10h, 10h")
    .transform((text, context) => {
      const schedule = parseRetrySchedule(text);
      if (Array.isArray(schedule)) return schedule;
      context.addIssue({ code: "custom", message: schedule.problem });
      return z.NEVER;
    })
    .meta({
      description: "waits before each attempt of a webhook delivery (ms, s, m, h, d), ±20 % jitter; its length is the number of attempts",
    }),
  WEBHOOK_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(200)
    .meta({ description: "webhook deliveries in flight at once in this process" }),
  WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .meta({ description: "deliveries in flight at once to one endpoint, so a slow partner never starves the others" }),
  WEBHOOK_EVENT_RETENTION_DAYS: z.coerce
    .number()
    .min(0.001)
    .max(3650)
    .default(30)
    .meta({ description: "how long the events feed (`webhookEvents`) keeps an event" }),
  ALLOW_PRIVATE_TARGETS: booleanFlag.optional().meta({
    description: "allow source and webhook URLs on loopback, private or link-local addresses",
    default: "`true` (`false` in production)",
  }),
  JOBS: booleanFlag.default(true).meta({ description: "run the delivery workers, bulk operations and scheduled pulls in this process" }),
  JOB_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1).meta({ description: "how often idle workers look for jobs" }),
  JOB_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(120)
    .meta({ description: "a job running longer (its process died) is retried" }),
  PULL_CHECK_SECONDS: z.coerce
    .number()
    .min(0.5)
    .max(3600)
    .default(15)
    .meta({ description: "how often the schedule looks for connections due a pull" }),
  PULL_PAGE_SIZE: z.coerce.number().int().min(1).max(250).default(50).meta({ description: "storefront page size when pulling" }),
  PULL_LEASE_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .max(3600)
    .default(120)
    .meta({ description: "how long a pull holds its connection without progress before another may take over" }),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional().meta({
    description:
      "send OpenTelemetry traces over OTLP/HTTP to this collector (the standard `OTEL_EXPORTER_OTLP_*` variables apply); unset: no tracing",
  }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional().meta({ description: "the same, for traces only (turns tracing on too)" }),
  OTEL_SERVICE_NAME: z.string().min(1).default("order-gateway").meta({ description: "the service name traces carry" }),
  BULK_DIR: z
    .string()
    .min(1)
    .default(".data/bulk")
    .meta({ description: "where bulk files live; every instance must share it (docs/bulk.md)" }),
  BULK_RETENTION_DAYS: z.coerce.number().min(0.001).max(365).default(7).meta({ description: "how long finished bulk files are kept" }),
  BULK_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 ** 3)
    .meta({ description: "largest bulk import upload, uncompressed" }),
  BULK_MAX_WORKSPACE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(50 * 1024 ** 3)
    .meta({ description: "what one workspace's bulk files may hold at once" }),
  BULK_EXPORTS_PER_WORKSPACE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(1)
    .meta({ description: "exports of one workspace that run at once; the rest wait" }),
  BULK_UPLOAD_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(86_400_000)
    .default(3_600_000)
    .meta({ description: "time to receive a whole POST /bulk/imports upload (every other request has REQUEST_TIMEOUT_MS)" }),
  BULK_SLICE_MS: z.coerce.number().int().min(0).max(600_000).optional().meta({
    description: "how long one job works on a bulk operation before recording its cursor and handing over",
    default: "a quarter of the job timeout, at most 10 s",
  }),
});

export type Config = {
  env: "development" | "production" | "test";
  port: number;
  host: string | undefined;
  /** PostgreSQL, with read replicas for reads outside writes; or PGlite in a data directory. */
  database: { kind: "postgres"; url: string; replicaUrls?: string[]; poolSize?: number } | { kind: "pglite"; dataDir: string };
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
    /** Request bodies: GraphQL, and POST /webhooks/{source}. */
    bodyBytes: number;
    webhookBodyBytes: number;
    /** Ids in one nodes(ids:) call. */
    nodeIds: number;
    /** The serialised result of one operation. */
    responseBytes: number;
    /** Open WebSockets per API key and per client address. */
    socketsPerKey: number;
    socketsPerAddress: number;
    /** Operations in one batched request; 0 turns batching off. */
    batch: number;
    /** Requests per minute per API key; 0 turns rate limiting off. */
    ratePerMinute: number;
    /** Requests per minute per client address with a publishable key; 0 turns it off. */
    publicRatePerMinute: number;
  };
  /** Browsers and signed-in users: CORS, the client address, public answers' caching, identity providers' keys. */
  access: { trustProxy: boolean; corsMaxAgeSeconds: number; publicCacheSeconds: number; jwksCooldownSeconds: number };
  /** How long a verified API key is trusted without asking the database (so a revocation takes this long). */
  apiKeyCacheSeconds: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** HTTP server timeouts: headers, the whole request, idle keep-alive connections. */
  timeouts: { headersMs: number; requestMs: number; keepAliveMs: number };
  /**
   * Prometheus metrics at /metrics: on `port` if set (main port: 404), else on
   * the main port. With a token, only `Authorization: Bearer <token>` may read
   * them; without one, production serves them on a metrics port only.
   */
  metrics: { enabled: boolean; token: string | undefined; port: number | undefined; maxOperations: number };
  /** On SIGTERM, how long in-flight requests may take before their connections are closed. */
  shutdownTimeoutMs: number;
  persistedOperations: { file: string | undefined; only: boolean };
  /** Calls to sources (write-through, pull) and to partners' webhook endpoints. */
  outbound: {
    /** AES-256-GCM key for source tokens and webhook secrets at rest. */
    encryptionKey: Buffer;
    timeoutMs: number;
    /** Attempts per source write before it is FAILED. */
    maxAttempts: number;
    /** Exponential backoff: base * 2^(attempt-1), with jitter, at most max. */
    retryBaseMs: number;
    retryMaxMs: number;
    /** Consecutive failed attempts after which a webhook endpoint is disabled. */
    webhookDisableAfter: number;
    /** Waits before each attempt of a webhook delivery; its length is the number of attempts. */
    webhookSchedule: number[];
    /** Deliveries in flight in this process, and to one endpoint. */
    webhookConcurrency: number;
    webhookEndpointConcurrency: number;
    /** How long the events feed keeps an event. */
    eventRetentionMs: number;
    /** Whether targets may resolve to loopback, private or link-local addresses (not in production). */
    allowPrivateTargets: boolean;
  };
  /** The job queue (pg-boss) workers and the pull schedule in this process. */
  jobs: {
    enabled: boolean;
    pollSeconds: number;
    /** A job running longer (a crashed worker) is retried. */
    timeoutSeconds: number;
    pullCheckSeconds: number;
    pullPageSize: number;
    pullLeaseSeconds: number;
  };
  /** OpenTelemetry traces: on when an OTLP endpoint is configured. */
  tracing: { enabled: boolean; serviceName: string };
  /** Bulk exports and imports: where their files live and how much they may take. */
  bulk: {
    /** A directory every instance shares (a volume or network mount when there are several). */
    dir: string;
    retentionMs: number;
    /** Largest uploaded import, before decompression. */
    maxFileBytes: number;
    /** The bulk files one workspace may hold at once. */
    maxWorkspaceBytes: number;
    /** Exports of one workspace that run at once; the rest wait. */
    exportsPerWorkspace: number;
    /** Time to receive a whole upload (REQUEST_TIMEOUT_MS is every other request's). */
    uploadTimeoutMs: number;
    /** How long one job works on an operation before recording its cursor and queuing the next (default: a quarter of the job timeout, at most 10 s). */
    sliceMs: number;
  };
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const e = parsed.data;
  // A job may take at least as long as one outbound call.
  const jobTimeoutSeconds = Math.max(e.JOB_TIMEOUT_SECONDS, Math.ceil(e.SOURCE_TIMEOUT_MS / 1000) + 1);
  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? {
          kind: "postgres",
          url: e.DATABASE_URL,
          poolSize: e.DATABASE_POOL_SIZE,
          ...(e.DATABASE_REPLICA_URLS?.length ? { replicaUrls: e.DATABASE_REPLICA_URLS } : {}),
        }
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
      webhookBodyBytes: e.MAX_WEBHOOK_BODY_BYTES,
      nodeIds: e.MAX_NODE_IDS,
      responseBytes: e.MAX_RESPONSE_BYTES,
      socketsPerKey: e.MAX_SOCKETS_PER_KEY,
      socketsPerAddress: e.MAX_SOCKETS_PER_ADDRESS,
      batch: e.MAX_BATCH,
      ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
      publicRatePerMinute: e.PUBLIC_RATE_LIMIT_PER_MINUTE,
    },
    access: {
      trustProxy: e.TRUST_PROXY,
      corsMaxAgeSeconds: e.CORS_MAX_AGE_SECONDS,
      publicCacheSeconds: e.PUBLIC_CACHE_SECONDS,
      jwksCooldownSeconds: e.JWKS_COOLDOWN_SECONDS,
    },
    persistedOperations: { file: e.PERSISTED_OPERATIONS_FILE, only: e.PERSISTED_OPERATIONS_ONLY },
    apiKeyCacheSeconds: e.API_KEY_CACHE_SECONDS,
    logLevel: e.LOG_LEVEL,
    timeouts: { headersMs: e.HEADERS_TIMEOUT_MS, requestMs: e.REQUEST_TIMEOUT_MS, keepAliveMs: e.KEEP_ALIVE_TIMEOUT_MS },
    metrics: { enabled: e.METRICS, token: e.METRICS_TOKEN, port: e.METRICS_PORT, maxOperations: e.METRICS_MAX_OPERATIONS },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    outbound: {
      encryptionKey: encryptionKey(e.ENCRYPTION_KEY, e.NODE_ENV),
      timeoutMs: e.SOURCE_TIMEOUT_MS,
      maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
      retryBaseMs: e.RETRY_BASE_MS,
      retryMaxMs: e.RETRY_MAX_MS,
      webhookDisableAfter: e.WEBHOOK_DISABLE_AFTER_FAILURES,
      webhookSchedule: e.WEBHOOK_RETRY_SCHEDULE,
      webhookConcurrency: e.WEBHOOK_CONCURRENCY,
      webhookEndpointConcurrency: e.WEBHOOK_ENDPOINT_CONCURRENCY,
      eventRetentionMs: e.WEBHOOK_EVENT_RETENTION_DAYS * 86_400_000,
      allowPrivateTargets: e.ALLOW_PRIVATE_TARGETS ?? e.NODE_ENV !== "production",
    },
    jobs: {
      enabled: e.JOBS,
      pollSeconds: e.JOB_POLL_SECONDS,
      timeoutSeconds: jobTimeoutSeconds,
      pullCheckSeconds: e.PULL_CHECK_SECONDS,
      pullPageSize: e.PULL_PAGE_SIZE,
      pullLeaseSeconds: e.PULL_LEASE_SECONDS,
    },
    tracing: {
      enabled: Boolean(e.OTEL_EXPORTER_OTLP_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
      serviceName: e.OTEL_SERVICE_NAME,
    },
    bulk: {
      dir: resolve(e.BULK_DIR),
      retentionMs: e.BULK_RETENTION_DAYS * 86_400_000,
      maxFileBytes: e.BULK_MAX_FILE_BYTES,
      maxWorkspaceBytes: e.BULK_MAX_WORKSPACE_BYTES,
      exportsPerWorkspace: e.BULK_EXPORTS_PER_WORKSPACE,
      uploadTimeoutMs: e.BULK_UPLOAD_TIMEOUT_MS,
      sliceMs: e.BULK_SLICE_MS ?? Math.min(10_000, jobTimeoutSeconds * 250),
    },
  };
  if (e.DATABASE_REPLICA_URLS?.length && !e.DATABASE_URL) {
    throw new ConfigError("Invalid configuration:\n  DATABASE_REPLICA_URLS needs DATABASE_URL (the primary)");
  }
  if (config.persistedOperations.only && !config.persistedOperations.file) {
    throw new ConfigError("Invalid configuration:\n  PERSISTED_OPERATIONS_ONLY needs PERSISTED_OPERATIONS_FILE");
  }
  return config;
}

/**
 * The key for secrets at rest. Production refuses to start without one;
 * elsewhere a fixed development key keeps local data readable across restarts.
 */
function encryptionKey(value: string | undefined, env: Config["env"]): Buffer {
  if (value) return Buffer.from(value, value.length === 64 ? "hex" : "base64");
  if (env === "production") {
    throw new ConfigError("Invalid configuration:\n  ENCRYPTION_KEY is required in production (openssl rand -hex 32)");
  }
  return createHash("sha256").update("order-gateway development key").digest();
}

// An empty variable (`PORT=`) means "not set", as in most shells' intent.
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
}
