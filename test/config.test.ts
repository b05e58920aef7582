import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

describe("configuration", () => {
  it("defaults to the embedded database, port 4000 and demo data", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, demoData: true, maxPageSize: 100, env: "development" });
    expect(config.database.kind).toBe("pglite");
    expect(config.database.kind === "pglite" && config.database.dataDir).toMatch(/\.data\/pglite$/);
  });

  it("uses PostgreSQL when DATABASE_URL is set", () => {
    expect(loadConfig({ DATABASE_URL: "postgresql://u@h:5432/db" }).database).toEqual({
      kind: "postgres",
      url: "postgresql://u@h:5432/db",
      poolSize: 10,
    });
    expect(loadConfig({ DATABASE_URL: "postgresql://u@h:5432/db", DATABASE_POOL_SIZE: "40" }).database).toMatchObject({ poolSize: 40 });
  });

  it("takes read replicas as a comma-separated list, only beside a primary", () => {
    expect(
      loadConfig({ DATABASE_URL: "postgresql://p/db", DATABASE_REPLICA_URLS: "postgresql://r1/db, postgresql://r2/db" }).database,
    ).toEqual({
      kind: "postgres",
      url: "postgresql://p/db",
      poolSize: 10,
      replicaUrls: ["postgresql://r1/db", "postgresql://r2/db"],
    });
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: "postgresql://r1/db" })).toThrow(/needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: "postgresql://p/db", DATABASE_REPLICA_URLS: "mysql://r" })).toThrow(/DATABASE_REPLICA_URLS/);
  });

  it("needs an encryption key for secrets at rest in production, and checks its size", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/ENCRYPTION_KEY is required in production/);
    expect(loadConfig({ NODE_ENV: "production", ENCRYPTION_KEY: "ab".repeat(32) }).outbound.encryptionKey).toHaveLength(32);
    expect(loadConfig({ ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") }).outbound.encryptionKey).toEqual(Buffer.alloc(32, 7));
    expect(() => loadConfig({ ENCRYPTION_KEY: "too-short" })).toThrow(/ENCRYPTION_KEY/);
    expect(loadConfig({}).outbound.encryptionKey).toHaveLength(32);
  });

  it("refuses private targets in production unless told otherwise", () => {
    const key = { ENCRYPTION_KEY: "ab".repeat(32) };
    expect(loadConfig({}).outbound.allowPrivateTargets).toBe(true);
    expect(loadConfig({ NODE_ENV: "production", ...key }).outbound.allowPrivateTargets).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", ALLOW_PRIVATE_TARGETS: "true", ...key }).outbound.allowPrivateTargets).toBe(true);
  });

  it("names every invalid variable", () => {
    expect(() => loadConfig({ PORT: "http", DEMO_DATA: "maybe", DATABASE_URL: "mysql://x" })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: "http", DEMO_DATA: "maybe", DATABASE_URL: "mysql://x" });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DEMO_DATA/);
      expect((error as Error).message).toMatch(/DATABASE_URL/);
    }
  });

  it("reads DEMO_DATA=false and treats empty variables as unset", () => {
    expect(loadConfig({ DEMO_DATA: "false", PORT: "" })).toMatchObject({ demoData: false, port: 4000 });
  });
});
