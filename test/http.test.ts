import { afterAll, beforeAll, expect, it } from "vitest";
import { type RunningServer, startServer } from "../src/server.js";
import { openTestDatabase, testConfig } from "./helpers.js";

let server: RunningServer;

beforeAll(async () => {
  server = await startServer(testConfig({ port: 0, demoData: true }), await openTestDatabase());
});
afterAll(() => server.close());

it("answers /health", async () => {
  const response = await fetch(new URL("/health", server.url));
  expect(response.status).toBe(200);
});

it("serves GraphiQL to browsers, with an example query over the demo data", async () => {
  const response = await fetch(server.url, { headers: { accept: "text/html" } });
  expect(response.status).toBe(200);
  const html = await response.text();
  expect(html).toContain("Order gateway");
  expect(html).toContain("RecentOrders");
  // Outside production, GraphiQL opens with the demo key filled in.
  expect(html).toContain(server.demoKey!);
});

it("serves GraphQL over HTTP and reports malformed JSON as a client error", async () => {
  const ok = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${server.demoKey}` },
    body: JSON.stringify({ query: "{ orders { totalCount } }" }),
  });
  // Every answer reports its cost, so clients can budget.
  expect(await ok.json()).toEqual({
    data: { orders: { totalCount: 305 } },
    extensions: { cost: { requested: 21, actual: 2, limit: 500_000 } },
  });

  const bad = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${server.demoKey}` },
    body: "{ nope",
  });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(await bad.json())).toMatch(/POST body sent invalid JSON/);
});
