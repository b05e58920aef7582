// The gateway as a value: a Yoga instance over a database, and an HTTP
// listener around it. Tests use the Yoga instance in-process (yoga.fetch).
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { useGraphQlJit } from "@envelop/graphql-jit";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { createGraphQLError, createYoga, type YogaServerInstance } from "graphql-yoga";
import { getOperationAST, type ExecutionArgs, type GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { createApiKey, type Caller } from "./auth/api-keys.js";
import { createAuthenticator, createRateLimiter, RequestRefused } from "./auth/authenticate.js";
import type { Config } from "./config.js";
import { createContext, type Context } from "./context.js";
import { openDatabase, type Database } from "./db/index.js";
import { createEvents, publishImported, type Events } from "./events.js";
import { DEMO_WORKSPACE, ensureWorkspace } from "./db/workspaces.js";
import { seedDemoData } from "./demo/seed.js";
import { limitPlugins } from "./limits.js";
import { createLogger, metrics, readiness, requestLog } from "./operations.js";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import { startOutbound, type Outbound } from "./jobs/index.js";
import { schema } from "./schema/index.js";
import { sourceWebhooks } from "./webhooks.js";

export type Gateway = {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  db: Database;
  events: Events;
  outbound: Outbound;
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
        shipments {
          carrier
          trackingCode
          status
          scanEvents { scannedAt status description }
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
  const demo = await ensureWorkspace(db.prisma, DEMO_WORKSPACE, "Demo");
  if (config.demoData) await seedDemoData(db.prisma, demo.id);
  const rateLimiter = createRateLimiter(config.limits.ratePerMinute);
  const authenticate = createAuthenticator(db.sql, config.apiKeyCacheSeconds);
  const registry = config.metrics ? new Registry() : undefined;
  const outbound = await startOutbound(db, config, {
    logger,
    registry,
    onImported: (workspaceId, results) => publishImported(events.pubsub, workspaceId, results),
  });
  const admit = async (request: Request): Promise<Caller> => {
    const caller = await authenticate(request);
    await rateLimiter.take(caller);
    return caller;
  };
  const yoga = createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    landingPage: false,
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
    // bodySizeLimit (limits.ts) refuses a body over the limit by its
    // Content-Length, which Node's HTTP parser never reads past: Yoga's own
    // check would only stream every body through a second counter.
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
    context: async ({ request }) => {
      try {
        return createContext(db, await admit(request), config, events.pubsub, outbound);
      } catch (error) {
        if (!(error instanceof RequestRefused)) throw error;
        throw createGraphQLError(error.message, {
          extensions: { code: error.code, http: { status: error.status, headers: error.headers } },
        });
      }
    },
    plugins: [
      requestLog(logger),
      readiness(db),
      ...(registry ? [metrics(registry)] : []),
      sourceWebhooks({ prisma: db.prisma, admit, pubsub: events.pubsub, outbox: outbound.outbox }),
      // Browsers may send "simple" requests without a preflight: refuse them
      // unless they carry a header only a script can set.
      useCSRFPrevention({ requestHeaders: ["x-graphql-csrf", "apollo-require-preflight"] }),
      ...limitPlugins(config),
      // Compiles each distinct query and mutation once into plain JavaScript.
      // Not subscriptions: graphql-jit hands their subscribe resolvers the
      // variables in place of the arguments.
      useGraphQlJit({}, { enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation !== "subscription" }),
    ],
  });
  return {
    yoga,
    db,
    events,
    outbound,
    demoWorkspaceId: demo.id,
    async close() {
      await outbound.stop();
      await events.close();
    },
  };
}

export type RunningServer = Gateway & {
  http: Server;
  url: string;
  /** Outside production: a fresh write key for the demo workspace, filled into GraphiQL. */
  demoKey: string | null;
  close(): Promise<void>;
};

const DEMO_KEY_LABEL = "development server";

/** Opens the configured database, builds the gateway and listens on config.port. */
export async function startServer(config: Config, db?: Database): Promise<RunningServer> {
  const database = db ?? (await openDatabase(config.database));
  let demoKey: string | null = null;
  if (config.env !== "production") {
    // One live development key at a time: the previous start's is revoked.
    const demo = await ensureWorkspace(database.prisma, DEMO_WORKSPACE, "Demo");
    await database.prisma.apiKey.updateMany({
      where: { workspaceId: demo.id, label: DEMO_KEY_LABEL, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    demoKey = (await createApiKey(database.prisma, demo.id, "WRITE", DEMO_KEY_LABEL)).key;
  }
  const gateway = await createGateway(config, database, { graphiqlKey: demoKey ?? undefined });
  const http = createHttpServer(gateway.yoga);
  const websockets = serveWebSockets(http, gateway.yoga);
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.port, config.host, resolve);
  });
  const { port } = http.address() as AddressInfo;
  return {
    ...gateway,
    http,
    url: `http://localhost:${port}/graphql`,
    demoKey,
    // Stops accepting, lets in-flight requests finish (for at most
    // shutdownTimeoutMs), then closes the database.
    async close() {
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

/**
 * GraphQL over WebSocket (graphql-ws) on /graphql. Browsers cannot set
 * headers on a WebSocket, so the API key comes in the connection parameters:
 * { "authorization": "Bearer <api key>" }.
 */
function serveWebSockets(http: Server, yoga: Gateway["yoga"]) {
  const wss = new WebSocketServer({ server: http, path: "/graphql" });
  const server = useServer(
    {
      // onSubscribe hands over Yoga's enveloped execute/subscribe as the root value.
      execute: (args) => (args.rootValue as EnvelopedExecution).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedExecution).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const authorization = String((ctx.connectionParams as Record<string, unknown> | undefined)?.authorization ?? "");
        const request = new Request("http://localhost/graphql", { headers: authorization ? { authorization } : {} });
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ request, params });
        const document = parse(params.query);
        const errors = validate(schema, document);
        if (errors.length) return errors;
        try {
          return {
            schema,
            document,
            operationName: params.operationName,
            variableValues: params.variables,
            contextValue: await contextFactory(),
            rootValue: { execute, subscribe },
          };
        } catch (error) {
          return [error as GraphQLError];
        }
      },
    },
    wss,
  );
  return { dispose: async () => server.dispose() };
}

type EnvelopedExecution = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };
