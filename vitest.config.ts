import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql ships both ESM and CommonJS builds; Yoga and Pothos must share one
  // copy, or schema objects from one are foreign to the other.
  resolve: { alias: { graphql: require.resolve("graphql") } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Each file gets its own database copy; PGlite start-up and the
    // PostgreSQL template copy take a few seconds under load.
    hookTimeout: 60_000,
    testTimeout: 30_000,
    pool: "forks",
  },
});
