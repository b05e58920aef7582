// The gateway as a value: a Yoga instance over a database, and an HTTP
// listener around it. Tests use the Yoga instance in-process (yoga.fetch).
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { useGraphQlJit } from "@envelop/graphql-jit";
import { useAPQ } from "@graphql-yoga/plugin-apq";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { type ExecutionArgs, GraphQLError, getOperationAST } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { createGraphQLError, createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import { WebSocketServer } from "ws";
import { accessRules } from "./auth/access.js";
import { createApiKey } from "./auth/api-keys.js";
import { createAuthenticator, createRateLimiter, RequestRefused } from "./auth/authenticate.js";
import type { Caller } from "./auth/caller.js";
import { cachedFor, corsPolicy } from "./auth/cors.js";
import { callerOf, clientAddressOf, frontDoor } from "./auth/door.js";
import { publicAnswerCaching } from "./auth/public-answers.js";
import { createTokenVerifier } from "./auth/tokens.js";
import { bulkRoutes, isUploadPath } from "./bulk/http.js";
import { directoryStorage } from "./bulk/storage.js";
import type { Config } from "./config.js";
import { type Context, createContext } from "./context.js";
import { type Database, openDatabase } from "./db/index.js";
import { DEMO_WORKSPACE, ensureWorkspace } from "./db/workspaces.js";
import { seedDemoData } from "./demo/seed.js";
import { originAllowed } from "./domain/origins.js";
import { createEvents, type Events, publishImported } from "./events.js";
import { type Outbound, startOutbound } from "./jobs/index.js";
import { limitPlugins } from "./limits.js";
import { createLogger, metrics, metricsRefusal, readiness, requestLog } from "./operations.js";
import { createOutboundHttp } from "./outbound/http.js";
import { schema } from "./schema/index.js";
import { allAllowedOrigins } from "./store/reads.js";
import { tracingPlugin } from "./tracing.js";
import { sourceWebhooks } from "./webhooks.js";

export type Gateway = {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  db: Database;
  events: Events;
  outbound: Outbound;
  /** Checks a request's API key (from its headers). */
  authenticate(request: Request): Promise<Caller>;
  /** Prometheus metrics, unless METRICS=false. */
  registry: Registry | undefined;
  /** The `demo` workspace, which holds the demo data. */
  demoWorkspaceId: string;
  /** Stops the background work (job workers, scheduled pulls) and the event bus; the database stays open. */
  close(): Promise<void>;
};

const EXAMPLE_QUERY = /* GraphQL */ `# The newest orders with their shipments and latest history.
query RecentOrders {
  orders(first: 10) {
    totalCount
    edges {
      cursor
      node {
        id
        source
        number
        status
        fulfillmentStatus
        total
        currency
        customer { firstName lastName email }
        shipments(first: 5) {
          carrier
          trackingCode
          status
          scanEvents(last: 5) { scannedAt status description }
        }
        events(last: 3) { nodes { type label occurredAt } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;

export async function createGateway(
  config: Config,
  db: Database,
  options: { graphiqlKey?: string; logger?: Logger } = {},
): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const events = createEvents(config.redisUrl);
  const demo = await ensureWorkspace(db.sql, DEMO_WORKSPACE, "Demo");
  if (config.demoData) await seedDemoData(db.sql, demo.id);
  const rateLimiter = createRateLimiter(config.limits.ratePerMinute, config.limits.publicRatePerMinute);
  // Identity providers' keys are fetched like any outbound call: never from a private address in production.
  const jwksHttp = createOutboundHttp({ timeoutMs: config.outbound.timeoutMs, allowPrivateTargets: config.outbound.allowPrivateTargets });
  const verifyToken = createTokenVerifier(db.prisma, jwksHttp, {
    cacheSeconds: config.apiKeyCacheSeconds,
    jwksCooldownSeconds: config.access.jwksCooldownSeconds,
  });
  const authenticate = createAuthenticator(db.sql, config.apiKeyCacheSeconds, verifyToken);
  const knownOrigins = cachedFor(
    config.apiKeyCacheSeconds * 1000,
    async () => new Set((await allAllowedOrigins(db.sql)).map((row) => row.origin)),
  );
  const registry = config.metrics.enabled ? new Registry() : undefined;
  const outbound = await startOutbound(db, config, {
    logger,
    registry,
    onImported: (workspaceId, results) => publishImported(events.pubsub, workspaceId, results),
  });
  // Every operation (each one of a batch, each subscription) takes a turn
  // of the caller's rate limit; the door has already authenticated them.
  const admit = async (request: Request, caller = callerOf(request)): Promise<Caller> => {
    if (!caller) throw new RequestRefused(401, "UNAUTHENTICATED", "Send an API key: Authorization: Bearer <api key>.");
    await rateLimiter.take(caller, clientAddressOf(request));
    return caller;
  };
  const yoga = createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    landingPage: false,
    // CORS is the gateway's own policy (auth/cors.ts): Yoga's default would answer every origin.
    cors: false,
    // GraphiQL's scripts and styles are served from this package, not a CDN,
    // so it works behind strict proxies and offline. Loaded on the first page
    // view: its bundle holds about 30 MB of strings that an API-only gateway
    // would otherwise keep for nothing.
    renderGraphiQL: async (options) => (await import("@graphql-yoga/render-graphiql")).renderGraphiQL(options),
    graphiql: {
      title: "Order gateway",
      defaultQuery: EXAMPLE_QUERY,
      ...(options.graphiqlKey ? { headers: JSON.stringify({ Authorization: `Bearer ${options.graphiqlKey}` }) } : {}),
    },
    // The front door (auth/door.ts) limits every body, GraphQL or not.
    maxRequestBodySize: false,
    batching: config.limits.batch > 0 ? { limit: config.limits.batch } : false,
    // Internal errors reach clients as "Unexpected error."; details only in development.
    maskedErrors: { isDev: config.env === "development" },
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(" ")),
      info: (...args) => logger.info(args.map(String).join(" ")),
      warn: (...args) => logger.warn(args.map(String).join(" ")),
      error: (...args) => logger.error({ err: args.find((arg) => arg instanceof Error) }, args.map(String).join(" ")),
    },
    context: async ({ request, caller }: { request: Request; caller?: Caller }) => {
      try {
        return createContext(db, await admit(request, caller), config, events.pubsub, outbound);
      } catch (error) {
        if (!(error instanceof RequestRefused)) throw error;
        throw createGraphQLError(error.message, {
          extensions: { code: error.code, http: { status: error.status, headers: error.headers } },
        });
      }
    },
    plugins: guardRoutes(logger, [
      ...(config.tracing.enabled ? [tracingPlugin()] : []),
      requestLog(logger),
      ...(registry ? [metrics(registry, metricsAccess(config, config.metrics.port === undefined))] : []),
      // Before CORS: a 304 it answers must get the CORS headers too.
      publicAnswerCaching(config.access.publicCacheSeconds),
      corsPolicy({ knownOrigins, maxAgeSeconds: config.access.corsMaxAgeSeconds }),
      frontDoor({
        authenticate,
        bodyLimit: (path) =>
          isUploadPath(path)
            ? config.bulk.maxFileBytes
            : path.startsWith("/webhooks/")
              ? config.limits.webhookBodyBytes
              : config.limits.bodyBytes,
        countedByRoute: isUploadPath,
        publicPaths: new Set(["/health", "/ready", "/metrics"]),
        trustProxy: config.access.trustProxy,
      }),
      readiness(db),
      sourceWebhooks({ store: db.sql, admit, pubsub: events.pubsub, outbox: outbound.outbox }),
      bulkRoutes({ admit, bulk: () => outbound.bulk, storage: directoryStorage(config.bulk.dir) }),
      // Browsers may send "simple" requests without a preflight: refuse them
      // unless they carry a header only a script can set.
      useCSRFPrevention({ requestHeaders: ["x-graphql-csrf", "apollo-require-preflight"] }),
      // Automatic persisted queries: a client may send a query's hash alone
      // (as GET, which a CDN can cache) once the query is known here. Not when
      // only the listed operations may run.
      ...(config.persistedOperations.only ? [] : [automaticPersistedQueries()]),
      accessRules(),
      ...limitPlugins(config),
      // Compiles each distinct query and mutation once into plain JavaScript.
      // Not subscriptions: graphql-jit hands their subscribe resolvers the
      // variables in place of the arguments.
      useGraphQlJit({}, { enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation !== "subscription" }),
    ]),
  });
  return {
    yoga,
    db,
    events,
    outbound,
    registry,
    authenticate,
    demoWorkspaceId: demo.id,
    async close() {
      await outbound.stop();
      await events.close();
      await jwksHttp.close();
    },
  };
}

/** Yoga's APQ plugin, asked only by requests that carry a persisted query's hash (its hook is async: a turn saved on every other request). */
function automaticPersistedQueries(): Plugin {
  const apq = useAPQ();
  return {
    onParams(payload) {
      if (payload.params.extensions?.persistedQuery) return apq.onParams?.(payload);
    },
  };
}

/**
 * An error thrown in a plugin's onRequest escapes Yoga, and its server would
 * answer with the stack trace: each such hook answers a masked 500 instead.
 */
// biome-ignore lint/suspicious/noExplicitAny: Yoga's plugins carry their own context types
function guardRoutes<T extends Plugin<any>>(logger: Logger, plugins: T[]): T[] {
  return plugins.map((plugin) => {
    const { onRequest } = plugin;
    if (!onRequest) return plugin;
    return {
      ...plugin,
      async onRequest(payload) {
        try {
          await onRequest(payload);
        } catch (error) {
          logger.error({ err: error }, "request failed");
          payload.endResponse(
            payload.fetchAPI.Response.json(
              { errors: [{ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] },
              { status: 500 },
            ),
          );
        }
      },
    };
  });
}

export type RunningServer = Gateway & {
  http: Server;
  url: string;
  /** Outside production: a fresh write key for the demo workspace, filled into GraphiQL. */
  demoKey: string | null;
  /** With METRICS_PORT: where the metrics are served. */
  metricsUrl: string | null;
  close(): Promise<void>;
};

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
}

function metricsAccess(config: Config, servedHere: boolean) {
  const onApiPort = config.metrics.port === undefined;
  return {
    maxOperations: config.metrics.maxOperations,
    token: config.metrics.token,
    servedHere,
    tokenRequired: onApiPort && config.env === "production",
  };
}

/** METRICS_PORT: /metrics alone, on a listener of its own. */
function metricsListener(registry: Registry, config: Config): Server {
  return createHttpServer(async (req, res) => {
    const refusal =
      new URL(req.url ?? "/", "http://localhost").pathname === "/metrics"
        ? metricsRefusal(req.headers.authorization, metricsAccess(config, true))
        : { status: 404, message: "Not found." };
    if (refusal) {
      res.writeHead(refusal.status, { "content-type": "application/json" }).end(JSON.stringify({ error: refusal.message }));
      return;
    }
    res.writeHead(200, { "content-type": registry.contentType }).end(await registry.metrics());
  });
}

const DEMO_KEY_LABEL = "development server";

/** Opens the configured database, builds the gateway and listens on config.port. */
export async function startServer(config: Config, db?: Database): Promise<RunningServer> {
  const database = db ?? (await openDatabase(config.database));
  let demoKey: string | null = null;
  if (config.env !== "production") {
    // One live development key at a time: the previous start's is revoked.
    const demo = await ensureWorkspace(database.sql, DEMO_WORKSPACE, "Demo");
    await database.prisma.apiKey.updateMany({
      where: { workspaceId: demo.id, label: DEMO_KEY_LABEL, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    demoKey = (await createApiKey(database.prisma, demo.id, "WRITE", { label: DEMO_KEY_LABEL })).key;
  }
  const gateway = await createGateway(config, database, { graphiqlKey: demoKey ?? undefined });
  // Node has one request timeout for the whole server: it is set to the
  // longest, an upload's, and every other request is cut off at its own.
  const arrivalMs = Math.max(config.timeouts.requestMs, config.bulk.uploadTimeoutMs);
  const http = createHttpServer(
    {
      headersTimeout: config.timeouts.headersMs,
      requestTimeout: arrivalMs,
      keepAliveTimeout: config.timeouts.keepAliveMs,
      // How often the two timeouts above are checked (Node's default: 30 s).
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      if (config.timeouts.requestMs < arrivalMs && !isUpload(req)) cutOffIfNotArrived(req, res, config.timeouts.requestMs);
      return gateway.yoga(req, res);
    },
  );
  http.on("connection", lingerOnClose);
  const websockets = serveWebSockets(http, gateway, config);
  await listen(http, config.port, config.host);
  const { port } = http.address() as AddressInfo;
  const metricsServer = gateway.registry && config.metrics.port !== undefined ? metricsListener(gateway.registry, config) : undefined;
  if (metricsServer) await listen(metricsServer, config.metrics.port!, config.host);
  return {
    ...gateway,
    http,
    url: `http://localhost:${port}/graphql`,
    demoKey,
    // Stops accepting, lets in-flight requests finish (for at most
    // shutdownTimeoutMs), then closes the database.
    metricsUrl: metricsServer ? `http://localhost:${(metricsServer.address() as AddressInfo).port}/metrics` : null,
    async close() {
      metricsServer?.close();
      await websockets.dispose();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      const deadline = setTimeout(() => http.closeAllConnections(), config.shutdownTimeoutMs);
      await closed;
      clearTimeout(deadline);
      await gateway.close();
      await database.close();
    },
  };
}

const LINGER_MS = 2_000;

const isUpload = (req: IncomingMessage) => req.method === "POST" && isUploadPath((req.url ?? "").split("?")[0]!);

const REQUEST_TIMEOUT_ANSWER = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n";

/**
 * Answers 408 and closes the connection if the request's body has not all
 * arrived `ms` after its headers, as Node's own request timeout does: the
 * answer is written only while nothing of the response has been.
 */
function cutOffIfNotArrived(req: IncomingMessage, res: ServerResponse, ms: number) {
  // Without a body, the request arrived with its headers.
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) return;
  const timer = setTimeout(() => {
    if (req.complete) return;
    const socket = req.socket;
    if (socket.writable && !res.headersSent) socket.write(REQUEST_TIMEOUT_ANSWER);
    socket.destroy();
  }, ms).unref();
  res.once("close", () => clearTimeout(timer));
}

/**
 * A connection the server closes while the client is still sending (a 401 or
 * 413 answered before the body was read) is half-closed, and what the client
 * still sends is read and dropped until it stops or LINGER_MS pass. Closing
 * at once would make the client's kernel answer its next write with a reset,
 * which can discard the answer before the client reads it.
 */
function lingerOnClose(socket: Socket) {
  socket.destroySoon = function lingeringClose(this: Socket) {
    if (this.destroyed) return;
    const timer = setTimeout(() => this.destroy(), LINGER_MS).unref();
    this.once("close", () => clearTimeout(timer));
    this.once("end", () => this.destroy());
    this.end();
    this.resume();
  };
}

/**
 * GraphQL over WebSocket (graphql-ws) on /graphql, for subscriptions. Browsers
 * cannot set headers on a WebSocket, so the API key comes in the connection
 * parameters: { "authorization": "Bearer <api key>" }, checked before the
 * connection is acknowledged (4403 otherwise), as is a browser's origin. Messages are limited to the
 * HTTP body limit, and sockets are counted per client address and per key.
 */
function serveWebSockets(http: Server, gateway: Gateway, config: Config) {
  const { socketsPerAddress, socketsPerKey, bodyBytes } = config.limits;
  const perAddress = new Map<string, number>();
  const perKey = new Map<string, number>();
  const wss = new WebSocketServer({
    server: http,
    path: "/graphql",
    maxPayload: bodyBytes,
    verifyClient: ({ req }, done) => {
      const open = perAddress.get(req.socket.remoteAddress ?? "") ?? 0;
      if (open >= socketsPerAddress) done(false, 429, `At most ${socketsPerAddress} WebSockets per client address.`);
      else done(true);
    },
  });
  wss.on("connection", (socket, req) => {
    const address = req.socket.remoteAddress ?? "";
    count(perAddress, address, +1);
    socket.once("close", () => count(perAddress, address, -1));
  });
  const server = useServer<Record<string, unknown> | undefined, { caller?: Caller }>(
    {
      // onSubscribe hands over Yoga's enveloped execute/subscribe as the root value.
      execute: (args) => (args.rootValue as EnvelopedExecution).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedExecution).subscribe(args) as never,
      onConnect: async (ctx) => {
        const authorization = String(ctx.connectionParams?.authorization ?? "");
        let caller: Caller;
        try {
          caller = await gateway.authenticate(new Request("http://localhost/graphql", { headers: authorization ? { authorization } : {} }));
        } catch (error) {
          if (!(error instanceof RequestRefused)) throw error;
          ctx.extra.socket.close(4403, error.message.slice(0, 120));
          return false;
        }
        const { origin, host } = ctx.extra.request.headers;
        if (origin && !originAllowed(origin, caller.allowedOrigins, host ?? "")) {
          ctx.extra.socket.close(4403, `Connections from ${origin} are not allowed with this credential.`.slice(0, 120));
          return false;
        }
        if ((perKey.get(caller.keyId) ?? 0) >= socketsPerKey) {
          ctx.extra.socket.close(4429, `At most ${socketsPerKey} WebSockets per API key.`);
          return false;
        }
        count(perKey, caller.keyId, +1);
        ctx.extra.socket.once("close", () => count(perKey, caller.keyId, -1));
        ctx.extra.caller = caller;
        return true;
      },
      onSubscribe: async (ctx, _id, params) => {
        const request = new Request("http://localhost/graphql", { method: "POST" });
        const { schema, execute, subscribe, contextFactory, parse, validate } = gateway.yoga.getEnveloped({
          request,
          params,
          caller: ctx.extra.caller,
        });
        try {
          const document = parse(params.query);
          if (getOperationAST(document, params.operationName)?.operation !== "subscription") {
            return [
              createGraphQLError("Send queries and mutations over HTTP: the WebSocket carries subscriptions.", {
                extensions: { code: "BAD_REQUEST" },
              }),
            ];
          }
          const errors = validate(schema, document);
          if (errors.length) return errors;
          return {
            schema,
            document,
            operationName: params.operationName,
            variableValues: params.variables,
            contextValue: await contextFactory(),
            rootValue: { execute, subscribe },
          };
        } catch (error) {
          // A bad operation is answered on its own id; the socket and its other subscriptions stay.
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      },
    },
    wss,
  );
  return { dispose: async () => server.dispose() };
}

function count(counts: Map<string, number>, key: string, change: number) {
  const next = (counts.get(key) ?? 0) + change;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}

type EnvelopedExecution = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };
