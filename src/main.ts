// Entry point: reads the environment, starts the server, stops on SIGTERM.
import { ConfigError, loadConfig } from "./config.js";
import { startServer } from "./server.js";
import { startTracing } from "./tracing.js";

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  console.log(`order gateway on Node.js ${process.version}`);
  console.log(
    config.database.kind === "postgres"
      ? "database: PostgreSQL (DATABASE_URL)"
      : `database: embedded PostgreSQL (PGlite) in ${config.database.dataDir}`,
  );
  const tracing = config.tracing.enabled ? startTracing({ serviceName: config.tracing.serviceName }) : null;
  if (tracing) console.log("tracing: OpenTelemetry over OTLP/HTTP");
  const server = await startServer(config);

  // Handlers first: whoever reads the address below may signal at once.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await server.close();
    await tracing?.shutdown(); // sends the spans still batched
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  console.log(`GraphQL and GraphiQL at ${server.url}`);
  if (server.demoKey) console.log(`demo API key: ${server.demoKey}`);
}

await main();
