// The gateway as a value: a Yoga instance over a database, and an HTTP
// listener around it. Tests use the Yoga instance in-process (yoga.fetch).
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import type { Config } from "./config.js";
import { createContext, type Context } from "./context.js";
import { openDatabase, type Database } from "./db/index.js";
import { DEMO_WORKSPACE, ensureWorkspace } from "./db/workspaces.js";
import { seedDemoData } from "./demo/seed.js";
import { schema } from "./schema/index.js";
import { sourceWebhooks } from "./webhooks.js";

export type Gateway = {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  db: Database;
  workspaceId: string;
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

export async function createGateway(config: Config, db: Database): Promise<Gateway> {
  const workspace = await ensureWorkspace(db.prisma, DEMO_WORKSPACE, "Demo");
  if (config.demoData) await seedDemoData(db.prisma, workspace.id);
  const yoga = createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    landingPage: false,
    graphiql: { title: "Order gateway", defaultQuery: EXAMPLE_QUERY },
    context: () => createContext(db.prisma, workspace.id, config),
    plugins: [sourceWebhooks({ prisma: db.prisma, workspaceId: workspace.id })],
  });
  return { yoga, db, workspaceId: workspace.id };
}

export type RunningServer = Gateway & { http: Server; url: string; close(): Promise<void> };

/** Opens the configured database, builds the gateway and listens on config.port. */
export async function startServer(config: Config, db?: Database): Promise<RunningServer> {
  const database = db ?? (await openDatabase(config.database));
  const gateway = await createGateway(config, database);
  const http = createHttpServer(gateway.yoga);
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.port, config.host, resolve);
  });
  const { port } = http.address() as AddressInfo;
  return {
    ...gateway,
    http,
    url: `http://localhost:${port}/graphql`,
    async close() {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeIdleConnections();
      });
      await database.close();
    },
  };
}
