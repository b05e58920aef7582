import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyPrefix, revokeApiKey } from "../src/auth/api-keys.js";
import { unsizedLists } from "../src/schema/cost.js";
import { schema } from "../src/schema/index.js";
import { busyOrder, numberedOrder } from "./factories.js";
import { createTestGateway, globalId, type TestGateway, testConfig } from "./helpers.js";

let gw: TestGateway;
let readKey: string;

beforeAll(async () => {
  gw = await createTestGateway();
  readKey = await gw.keyFor("demo", "READ");
});
afterAll(() => gw.close());

async function post(body: string | object, headers: Record<string, string> = {}, target = gw) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const response = await target.yoga.fetch("http://localhost/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
      authorization: `Bearer ${target.key}`,
      ...headers,
    },
    body: text,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe("authentication", () => {
  it("refuses requests without a valid key with 401 and says why", async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ authorization: "" }, /Send an API key/],
      [{ authorization: "Basic dXNlcjpwYXNz" }, /must read "Bearer <api key>"/],
      [{ authorization: "Bearer not-a-key" }, /unknown or was revoked/],
      [{ authorization: "Bearer ogk_AAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" }, /unknown or was revoked/],
    ];
    for (const [headers, message] of cases) {
      const response = await post({ query: "{ orders { totalCount } }" }, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const body = JSON.parse(response.text);
      expect(body.errors[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: "UNAUTHENTICATED" } });
    }
  });

  it("stops accepting a key once it is revoked", async () => {
    const key = await gw.keyFor("demo", "READ");
    expect((await gw.graphql("{ orders { totalCount } }", {}, key)).data).toBeDefined();
    expect(await revokeApiKey(gw.db.prisma, keyPrefix(key)!)).toBe(true);
    const after = await gw.graphql("{ orders { totalCount } }", {}, key);
    expect(after.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("trusts a verified key for API_KEY_CACHE_SECONDS, then sees its revocation", async () => {
    const cached = await createTestGateway(testConfig({ apiKeyCacheSeconds: 1 }));
    try {
      const ask = async () => (await post({ query: "{ __typename }" }, {}, cached)).status;
      expect(await ask()).toBe(200);
      await revokeApiKey(cached.db.prisma, keyPrefix(cached.key)!);
      expect(await ask()).toBe(200); // still within the second it is trusted
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await ask()).toBe(401);
    } finally {
      await cached.close();
    }
  });

  it("stores keys hashed, never in clear", async () => {
    const rows = await gw.db.prisma.apiKey.findMany();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(gw.key);
  });
});

describe("scopes", () => {
  it("lets a read key query but not mutate", async () => {
    expect((await gw.graphql("{ orders { totalCount } }", {}, readKey)).errors).toBeUndefined();
    const mutation = await gw.graphql(`mutation { createOrder(input: { number: "x" }) { order { id } errors { code } } }`, {}, readKey);
    expect(mutation.data).toBeNull();
    expect(mutation.errors?.[0]).toMatchObject({ extensions: { code: "FORBIDDEN" }, message: expect.stringMatching(/write scope/) });
    expect(await gw.db.prisma.order.count({ where: { number: "x" } })).toBe(0);
  });

  it("refuses webhooks from a read key", async () => {
    const response = await gw.yoga.fetch("http://localhost/webhooks/malomo", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${readKey}` },
      body: "{}",
    });
    expect(response.status).toBe(403);
  });
});

describe("workspace isolation", () => {
  let otherKey: string;
  let theirs: { id: string; shipmentId: string; lineItemId: string };

  beforeAll(async () => {
    otherKey = await gw.keyFor("other-tenant");
    const [id] = await gw.seed([
      numberedOrder(1, {
        externalId: "secret-ext",
        number: "S-1",
        email: "secret@example.com",
        processingError: { message: "boom", retriable: true },
        shipments: [{ carrier: "ups", trackingCode: "SECRET-TRK" }],
      }),
    ]);
    const shipment = await gw.db.prisma.shipment.findFirstOrThrow({ where: { orderId: id! } });
    const lineItem = await gw.db.prisma.lineItem.findFirstOrThrow({ where: { orderId: id! } });
    theirs = { id: globalId("Order", id!), shipmentId: globalId("Shipment", shipment.id), lineItemId: globalId("LineItem", lineItem.id) };
  });

  it("hides another workspace's orders from every query, as if they did not exist", async () => {
    const asOther = (query: string, variables = {}) => gw.graphql(query, variables, otherKey);
    const unknownId = globalId("Order", "00000000-0000-7000-8000-00000000abcd");
    for (const [query, variables] of [
      [`query($id: ID!) { order(id: $id) { id } }`, { id: theirs.id }],
      [`query($id: ID!) { node(id: $id) { id } }`, { id: theirs.id }],
      [`query($id: ID!) { node(id: $id) { id } }`, { id: theirs.shipmentId }],
      [`query($id: ID!) { node(id: $id) { id } }`, { id: theirs.lineItemId }],
      [`{ orderByExternalId(source: MALOMO, externalId: "secret-ext") { id } }`, {}],
      [`{ orderByTrackingCode(trackingCode: "SECRET-TRK") { id } }`, {}],
      [`{ orderByNumber(number: "S-1", customerEmail: "secret@example.com") { id } }`, {}],
    ] as const) {
      const result = await asOther(query, variables);
      expect(result.errors).toBeUndefined();
      expect(Object.values(result.data)).toEqual([null]);
    }
    for (const filter of [{ q: "S-1" }, { customerEmail: "secret@example.com" }, { q: "secret" }]) {
      const result = await asOther(`query($f: OrderFilter) { orders(filter: $f) { totalCount nodes { id } } }`, { f: filter });
      expect(result.data.orders).toEqual({ totalCount: 0, nodes: [] });
    }
    // The same answers as for an id that never existed.
    const foreign = await asOther(`query($id: ID!) { order(id: $id) { id } }`, { id: theirs.id });
    const unknown = await asOther(`query($id: ID!) { order(id: $id) { id } }`, { id: unknownId });
    expect(foreign).toEqual(unknown);
  });

  it("refuses every mutation on another workspace's order with the not-found answer", async () => {
    const mutations: Array<[string, Record<string, unknown>]> = [
      [`mutation($id: ID!) { r: updateOrder(id: $id, input: { number: "hacked" }) { errors { code path } } }`, { id: theirs.id }],
      [`mutation($id: ID!) { r: deleteOrder(id: $id) { errors { code path } } }`, { id: theirs.id }],
      [`mutation($id: ID!) { r: cancelOrder(id: $id, reason: FRAUD) { errors { code path } } }`, { id: theirs.id }],
      [`mutation($id: ID!) { r: retryOrder(id: $id) { errors { code path } } }`, { id: theirs.id }],
      [`mutation($id: ID!) { r: createOrderEvent(orderId: $id, input: { type: "x" }) { errors { code path } } }`, { id: theirs.id }],
      [
        `mutation { r: recordScanEvents(carrier: "ups", trackingCode: "SECRET-TRK", events: [{ scannedAt: "2026-01-01T00:00:00Z", status: DELIVERED }]) { errors { code path } } }`,
        {},
      ],
    ];
    for (const [mutation, variables] of mutations) {
      const result = await gw.graphql(mutation, variables, otherKey);
      expect(result.data.r.errors[0].code).toBe("NOT_FOUND");
    }
    const order = await gw.db.prisma.order.findFirstOrThrow({ where: { externalId: "secret-ext" } });
    expect(order).toMatchObject({ number: "S-1", status: "OPEN", version: 1, processingErrorMessage: "boom" });
    expect(await gw.db.prisma.scanEvent.count({ where: { shipment: { trackingCode: "SECRET-TRK" } } })).toBe(0);
  });

  it("keeps imports and webhooks in the caller's own workspace", async () => {
    const native = { id: "m-1", alternate_id: "secret-ext", email: "mine@example.com", shipments: [] };
    const viaGraphQL = await gw.graphql(
      `mutation($p: [JSON!]!) { importOrders(source: MALOMO, payloads: $p) { results { outcome } } }`,
      { p: [native] },
      otherKey,
    );
    expect(viaGraphQL.data.importOrders.results[0].outcome).toBe("CREATED");
    const viaWebhook = await gw.yoga.fetch("http://localhost/webhooks/malomo", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${otherKey}` },
      body: JSON.stringify({ ...native, email: "again@example.com" }),
    });
    expect((await viaWebhook.json()).results[0].outcome).toBe("UPDATED");
    const original = await gw.db.prisma.order.findFirstOrThrow({ where: { id: Buffer.from(theirs.id, "base64").toString().slice(6) } });
    expect(original).toMatchObject({ email: "secret@example.com", version: 1 });
  });
});

describe("hostile requests", () => {
  it("refuses deep nesting, alias floods, token floods and directive floods before running them", async () => {
    let deep = "id";
    for (let i = 0; i < 10; i++) deep = `shipments { order { ${deep} } }`;
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: orders { totalCount }`).join(" ");
    const tokens = `{ orders { ${"totalCount ".repeat(4000)} } }`;
    const directives = `{ orders { totalCount ${"@include(if: true) ".repeat(50)} } }`;
    for (const [query, message] of [
      [`{ orders { nodes { ${deep} } } }`, /depth/i],
      [`{ ${aliases} }`, /aliases/i],
      [tokens, /token/i],
      [directives, /directives/i],
    ] as const) {
      const started = performance.now();
      const response = await post({ query });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(response.text).toMatch(message);
      expect(JSON.parse(response.text).data).toBeUndefined();
    }
  });

  it("costs unsized lists at the most they can hold, so a query that could answer 150,000 scans is refused", async () => {
    // 100 orders x 100 shipments x 1,000 scans: refused before it runs.
    const unsized = await post({
      query: "{ orders(first: 100) { nodes { shipments { scanEvents { status statusDetail description message } } } } }",
    });
    const refused = JSON.parse(unsized.text);
    expect(refused.errors[0]).toMatchObject({
      extensions: { code: "VALIDATION" },
      message: expect.stringMatching(/costs 40010101, more than the limit of 500000/),
    });
    expect(refused.data).toBeUndefined();
    // Sized, the same shape runs and says what it cost.
    const sized = JSON.parse(
      (await post({ query: "{ orders(first: 100) { nodes { shipments(first: 5) { scanEvents(last: 10) { status } } } } }" })).text,
    );
    expect(sized.errors).toBeUndefined();
    expect(sized.extensions.cost).toEqual({ requested: 5601, actual: expect.any(Number), limit: 500_000 });
    expect(sized.extensions.cost.actual).toBeLessThanOrEqual(sized.extensions.cost.requested);
  });

  it("costs one document anew for each size its variables ask for", async () => {
    const query = "query($n: Int, $m: Int) { orders(first: $n) { nodes { shipments(first: $m) { trackingCode } } } }";
    const costOf = async (variables: Record<string, unknown>) =>
      JSON.parse((await post({ query, variables })).text).extensions.cost.requested;
    expect(await costOf({ n: 10, m: 2 })).toBe(31);
    expect(await costOf({ n: 100, m: 2 })).toBe(301);
    expect(await costOf({ n: 10, m: 5 })).toBe(61);
    expect(await costOf({ n: 10, m: 2 })).toBe(31);
  });

  it("keeps every list of objects in the schema sized", () => {
    expect(unsizedLists(schema)).toEqual([]);
  });

  it("answers first and last on bounded lists, and refuses sizes past their cap", async () => {
    const [id] = await gw.seed([busyOrder(9001, 3)]);
    const query = `query($id: ID!) { order(id: $id) { shipments(first: 2) { trackingCode scanEvents(last: 2) { status } } lineItems(first: 1) { sku } } }`;
    const { data } = await gw.graphql(query, { id: globalId("Order", id!) });
    expect(data.order.shipments).toHaveLength(2);
    expect(data.order.shipments[0].scanEvents).toEqual([{ status: "IN_TRANSIT" }, { status: "OUT_FOR_DELIVERY" }]);
    expect(data.order.lineItems).toEqual([{ sku: "SKU-9001-A" }]);
    const tooMany = await gw.graphql(`query($id: ID!) { order(id: $id) { shipments { scanEvents(first: 5000) { status } } } }`, {
      id: globalId("Order", id!),
    });
    expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: "VALIDATION" }, message: expect.stringMatching(/between 0 and 1000/) });
  });

  it("caps nodes(ids:) and costs it by the ids asked for", async () => {
    const ids = (n: number) =>
      Array.from({ length: n }, (_, i) => globalId("Order", `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`));
    const fine = await gw.graphql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids: ids(100) });
    expect(fine.errors).toBeUndefined();
    expect(fine.data.nodes).toHaveLength(100);
    const many = await gw.graphql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids: ids(101) });
    expect(many.errors?.[0]).toMatchObject({ extensions: { code: "VALIDATION" }, message: "Ask for at most 100 ids at a time; got 101." });
  });

  it("refuses an answer larger than MAX_RESPONSE_BYTES", async () => {
    const small = await createTestGateway(testConfig({ limits: { ...testConfig().limits, responseBytes: 2048 } }));
    try {
      await small.seed(Array.from({ length: 30 }, (_, i) => numberedOrder(i)));
      const answer = JSON.parse((await post({ query: "{ orders(first: 30) { nodes { id number email } } }" }, {}, small)).text);
      expect(answer.data).toBeUndefined();
      expect(answer.errors[0]).toMatchObject({
        extensions: { code: "VALIDATION" },
        message: expect.stringMatching(/more than the limit of 2048: ask for smaller pages/),
      });
      expect((await small.graphql("{ orders(first: 2) { nodes { id } } }")).errors).toBeUndefined();
    } finally {
      await small.close();
    }
  });

  it("refuses huge pages, big bodies (with or without a length), malformed JSON and large batches", async () => {
    const page = JSON.parse((await post({ query: "{ orders(first: 100000) { totalCount } }" })).text);
    expect(page.errors[0].extensions.code).toBe("VALIDATION");

    const big = await post({ query: "{ orders { totalCount } }", variables: { pad: "x".repeat(1_100_000) } });
    expect(big.status).toBe(413);

    // Without a Content-Length the body is counted as it streams.
    const chunked = (text: string) =>
      gw.yoga.fetch("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${gw.key}` },
        body: new ReadableStream({
          start: (c) => {
            c.enqueue(new TextEncoder().encode(text));
            c.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
    expect((await chunked('{"query":"{ __typename }"}')).status).toBe(200);
    const chunkedBig = await chunked(JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(1_100_000) } }));
    expect(chunkedBig.status).toBe(413);

    const malformed = await post('{"query": "{ orders { totalCount } }"');
    expect(malformed.status).toBe(400);

    const batch = await post(Array.from({ length: 6 }, () => ({ query: "{ __typename }" })));
    expect(batch.status).toBe(413);
    expect(batch.text).toMatch(/Batching is limited to 5 operations/);
    const allowed = JSON.parse((await post(Array.from({ length: 5 }, () => ({ query: "{ __typename }" })))).text);
    expect(allowed).toHaveLength(5);
  });

  it("keeps serving after hostile requests", async () => {
    const result = await gw.graphql("{ orders { totalCount } }");
    expect(result.errors).toBeUndefined();
  });

  it("refuses browser requests that skip the CORS preflight", async () => {
    const get = await gw.yoga.fetch("http://localhost/graphql?query=%7B__typename%7D", {
      headers: { accept: "application/json", authorization: `Bearer ${gw.key}` },
    });
    expect(get.status).toBe(403);
    const withHeader = await gw.yoga.fetch("http://localhost/graphql?query=%7B__typename%7D", {
      headers: { accept: "application/json", authorization: `Bearer ${gw.key}`, "x-graphql-csrf": "1" },
    });
    expect(withHeader.status).toBe(200);
    const form = await post("query={__typename}", { "content-type": "text/plain" });
    expect(form.status).toBe(403);
  });
});

describe("hostile input", () => {
  // As text: JSON.stringify itself would overflow on such a value.
  const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

  it("refuses JSON nested 10,000 levels deep with VALIDATION (GraphQL) or 400 (webhooks), and keeps serving", async () => {
    const before = await gw.graphql("{ orders { totalCount } }");
    const importQuery = JSON.stringify("mutation($p: [JSON!]!) { importOrders(source: MALOMO, payloads: $p) { results { outcome } } }");
    const imported = JSON.parse((await post(`{"query":${importQuery},"variables":{"p":[${deep(10_000)}]}}`)).text);
    expect(imported.errors[0]).toMatchObject({
      extensions: { code: "VALIDATION" },
      message: expect.stringMatching(/nested deeper than 64 levels/),
    });
    const meta = JSON.parse(
      (
        await post({
          query: 'mutation($m: JSON) { createOrder(input: { number: "deep", meta: $m }) { order { id } } }',
          variables: { m: { a: JSON.parse(deep(100)) } },
        })
      ).text,
    );
    expect(meta.errors[0].extensions.code).toBe("VALIDATION");
    const body = deep(10_000);
    const webhook = await gw.yoga.fetch("http://localhost/webhooks/malomo", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(body.length), authorization: `Bearer ${gw.key}` },
      body,
    });
    expect(webhook.status).toBe(400);
    expect(await webhook.text()).toMatch(/nested deeper than 64 levels/);
    // Refused whole even when an earlier order holds a NUL (which fails that order alone).
    const afterNul = `[{"id":"a\\u0000"},${deep(10_000)}]`;
    const refused = await gw.yoga.fetch("http://localhost/webhooks/malomo", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(afterNul.length), authorization: `Bearer ${gw.key}` },
      body: afterNul,
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/nested deeper than 64 levels/);
    expect(await gw.graphql("{ orders { totalCount } }")).toEqual(before);
  });

  it("refuses NUL characters wherever strings enter, before they reach the database", async () => {
    const nul = "a\u0000b";
    const asVariables = [
      ["query($v: String!) { orderByTrackingCode(trackingCode: $v) { id } }", { v: nul }],
      ['query($v: String!) { orderByNumber(number: $v, customerEmail: "a@b.c") { id } }', { v: nul }],
      ["query($v: String!) { orders(filter: { q: $v }) { totalCount } }", { v: nul }],
      ["query($v: String!) { orders(filter: { customerEmail: $v }) { totalCount } }", { v: nul }],
      ["query($v: String!) { orders(filter: { paymentStatus: $v }) { totalCount } }", { v: nul }],
      [
        'mutation($v: String!) { recordScanEvents(carrier: $v, trackingCode: "T", events: [{ scannedAt: "2026-01-01T00:00:00Z", status: IN_TRANSIT }]) { errors { code } } }',
        { v: nul },
      ],
      ['mutation($v: String!) { createOrder(idempotencyKey: $v, input: { number: "nul" }) { order { id } } }', { v: nul }],
    ] as const;
    for (const [query, variables] of asVariables) {
      const result = JSON.parse((await post({ query, variables })).text);
      expect(result.errors?.[0], query).toMatchObject({
        extensions: { code: "VALIDATION" },
        message: expect.stringMatching(/variables\.v must not contain NUL/),
      });
    }
    // The same strings written into the document.
    const literal = JSON.parse((await post({ query: '{ orderByTrackingCode(trackingCode: "a\\u0000b") { id } }' })).text);
    expect(literal.errors[0]).toMatchObject({ extensions: { code: "VALIDATION" }, message: expect.stringMatching(/NUL/) });
  });

  it("never answers a route's internal error with a stack trace", async () => {
    const prod = await createTestGateway(testConfig({ env: "production", introspection: false }));
    try {
      await prod.db.prisma.$executeRawUnsafe(`
        CREATE OR REPLACE FUNCTION refuse_all_orders() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'internal detail: relation secret_table'; END $$ LANGUAGE plpgsql`);
      await prod.db.prisma.$executeRawUnsafe(
        `CREATE TRIGGER refuse_all_orders BEFORE INSERT ON "order" FOR EACH ROW EXECUTE FUNCTION refuse_all_orders()`,
      );
      const body = JSON.stringify({ id: "ord_1", number: "1" });
      const response = await prod.yoga.fetch("http://localhost/webhooks/malomo", {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(body.length), authorization: `Bearer ${prod.key}` },
        body,
      });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ errors: [{ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
      expect(text).not.toMatch(/secret_table|at |\.ts/);
    } finally {
      await prod.close();
    }
  });
});

describe("rate limiting", () => {
  it("answers 429 with Retry-After once a key is over its limit, and only for that key", async () => {
    const limited = await createTestGateway(testConfig({ limits: { ...testConfig().limits, ratePerMinute: 3 } }));
    try {
      const other = await limited.keyFor("demo");
      for (let i = 0; i < 3; i++) expect((await post({ query: "{ __typename }" }, {}, limited)).status).toBe(200);
      const refused = await post({ query: "{ __typename }" }, {}, limited);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(JSON.parse(refused.text).errors[0].extensions.code).toBe("RATE_LIMITED");
      expect((await post({ query: "{ __typename }" }, { authorization: `Bearer ${other}` }, limited)).status).toBe(200);
      // A batch whose every operation is limited is a 429 too; one with room answers 200.
      const batch = await post([{ query: "{ __typename }" }, { query: "{ __typename }" }], {}, limited);
      expect(batch.status).toBe(429);
      expect(Number(batch.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(JSON.parse(batch.text).map((item: any) => item.errors[0].extensions.code)).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
      const third = await limited.keyFor("demo");
      const mixed = await post([{ query: "{ __typename }" }, { query: "{ __typename }" }], { authorization: `Bearer ${third}` }, limited);
      expect(mixed.status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe("production mode", () => {
  let prod: TestGateway;
  beforeAll(async () => {
    prod = await createTestGateway(testConfig({ env: "production", introspection: false }));
  });
  afterAll(() => prod.close());

  it("refuses introspection and suggests no field names", async () => {
    const introspection = await prod.graphql("{ __schema { types { name } } }");
    expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await prod.graphql("{ orderz { totalCount } }");
    expect(JSON.stringify(typo)).not.toMatch(/Did you mean/);
    const dev = await gw.graphql("{ orderz { totalCount } }");
    expect(JSON.stringify(dev)).toMatch(/Did you mean/);
    // Enum values, in the document or in variables.
    const literal = await prod.graphql("{ orders(filter: { status: [OPENN] }) { totalCount } }");
    const variable = await prod.graphql("query($s: [OrderStatus!]) { orders(filter: { status: $s }) { totalCount } }", { s: ["OPENN"] });
    for (const answer of [literal, variable]) {
      expect(answer.errors?.[0]?.message).toMatch(/OPENN/);
      expect(JSON.stringify(answer)).not.toMatch(/Did you mean|"OPEN"/);
    }
  });

  it("authenticates before anything reads the query: no key learns nothing of the schema", async () => {
    for (const query of [
      "{ orderz { totalCount } }",
      "{ orders(filter: { status: [OPENN] }) { totalCount } }",
      "{ __schema { types { name } } }",
    ]) {
      const answer = await post({ query }, { authorization: "" }, prod);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual({
        errors: [{ message: expect.stringMatching(/API key/), extensions: { code: "UNAUTHENTICATED" } }],
      });
    }
  });

  it("masks internal errors: no message, stack, SQL or driver detail reaches the client", async () => {
    await prod.db.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION refuse_all_orders() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'internal detail: relation secret_table'; END $$ LANGUAGE plpgsql`);
    await prod.db.prisma.$executeRawUnsafe(
      `CREATE TRIGGER refuse_all_orders BEFORE INSERT ON "order" FOR EACH ROW EXECUTE FUNCTION refuse_all_orders()`,
    );
    const response = await post({ query: `mutation { createOrder(input: { number: "1" }) { order { id } errors { code } } }` }, {}, prod);
    const body = JSON.parse(response.text);
    expect(body.errors[0].message).toBe("Unexpected error.");
    expect(response.text).not.toMatch(/secret_table|internal detail|stack|prisma|INSERT|DriverAdapter|\.ts:/i);
  });
});

describe("persisted operations", () => {
  it("runs allow-listed operations by hash and, when enforced, nothing else", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gateway-persisted-"));
    const query = "{ orders { totalCount } }";
    const hash = createHash("sha256").update(query).digest("hex");
    const file = join(dir, "operations.json");
    await writeFile(file, JSON.stringify({ [hash]: query }));
    const strict = await createTestGateway(testConfig({ persistedOperations: { file, only: true } }));
    try {
      const known = JSON.parse((await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, {}, strict)).text);
      expect(known.data.orders.totalCount).toBeGreaterThanOrEqual(0);
      const arbitrary = JSON.parse((await post({ query }, {}, strict)).text);
      expect(arbitrary.errors[0].message).toMatch(/PersistedQueryOnly/);
      const unknown = JSON.parse(
        (await post({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }, {}, strict)).text,
      );
      expect(unknown.errors[0].message).toMatch(/PersistedQueryNotFound/);
    } finally {
      await strict.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
