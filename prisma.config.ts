// Prisma CLI configuration.
//
// Pinned combination (no engine download at install, generate or migrate):
// - prisma / @prisma/client 6.19.3 with `engine: "js"` and a driver adapter:
//   `migrate deploy` then runs on the wasm schema engine bundled in the npm
//   package. Prisma 7.x needs the native schema-engine binary for migrate.
// - The CLI connects through @prisma/adapter-pg 7.x (installed under the
//   alias prisma-adapter-pg-migrate): adapter-pg 6.19.3 fails in migrate
//   deploy with "Column type 'name' could not be deserialized".
// The embedded database is migrated the same way: the app serves its PGlite
// instance on a loopback socket while this CLI runs (see src/db/migrate.ts).
import { defineConfig } from "prisma/config";
import { PrismaPg } from "prisma-adapter-pg-migrate";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL must be set to run migrations");
    // One connection (the embedded database serves one at a time) and a short
    // idle timeout, so that the CLI exits as soon as it is done.
    return new PrismaPg({ connectionString, max: 1, idleTimeoutMillis: 100 });
  },
});
