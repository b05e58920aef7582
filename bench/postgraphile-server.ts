// PostGraphile 5 over the same database, as users would otherwise run it:
// the Amber preset, schema "public", no plugins. Started by the benchmark.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const connectionString = process.env.DATABASE_URL!;
const port = Number(process.env.PORT ?? 5678);

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString, schemas: ["public"] })],
  grafserv: { port, graphqlPath: "/graphql", graphiql: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const server = createServer();
await serv.addTo(server);
server.listen(port, "127.0.0.1", () => console.log(`postgraphile on ${port}`));
process.on("SIGTERM", () => {
  server.close();
  void Promise.resolve(pgl.release()).then(() => process.exit(0));
});
