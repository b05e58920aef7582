// Reads go to a replica until the request writes; then the primary answers,
// so a mutation's payload shows what it wrote. Two databases stand in for
// primary and replica, with different data, so that each answer tells which
// one served it.
import { expect, it } from "vitest";
import { createApiKey } from "../src/auth/api-keys.js";
import { openPostgres } from "../src/db/index.js";
import { createGateway } from "../src/server.js";
import { insertOrder } from "../src/store/orders.js";
import { numberedOrder } from "./factories.js";
import { createPostgresTestDatabase, testConfig } from "./helpers.js";

it.skipIf(!process.env.DATABASE_URL)("reads from the replica, and from the primary once the request has written", async () => {
  const [primary, replica] = await Promise.all([createPostgresTestDatabase(), createPostgresTestDatabase()]);
  const db = await openPostgres(primary.url, { migrate: false, replicaUrls: [replica.url] });
  const replicaDb = await openPostgres(replica.url, { migrate: false });
  let gateway: Awaited<ReturnType<typeof createGateway>> | undefined;
  try {
    gateway = await createGateway(testConfig(), db);
    const { key } = await createApiKey(db.prisma, gateway!.demoWorkspaceId, "WRITE");
    await replicaDb.prisma.workspace.create({ data: { id: gateway!.demoWorkspaceId, slug: "demo", name: "Demo" } });
    await replicaDb.sql.transaction((tx) => insertOrder(tx, gateway!.demoWorkspaceId, numberedOrder(1, { number: "on-the-replica" })));
    const ask = async (query: string) => {
      const body = JSON.stringify({ query });
      const response = await gateway!.yoga.fetch("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(body.length), authorization: `Bearer ${key}` },
        body,
      });
      return response.json();
    };

    expect((await ask("{ orders { nodes { number } } }")).data.orders.nodes).toEqual([{ number: "on-the-replica" }]);

    const created =
      await ask(`mutation { createOrder(input: { number: "on-the-primary", shipments: [{ carrier: "ups", trackingCode: "RP1" }] }) {
      order { number shipments { trackingCode } } errors { code } } }`);
    expect(created.data.createOrder).toEqual({ order: { number: "on-the-primary", shipments: [{ trackingCode: "RP1" }] }, errors: [] });
  } finally {
    await gateway?.close();
    await replicaDb.close();
    await db.close();
    await Promise.all([primary.drop(), replica.drop()]);
  }
});
