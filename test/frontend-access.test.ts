// Frontend access: publishable keys on public pages, signed-in users'
// tokens, CORS and the cacheable public lookups.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { busyOrder } from "./factories.js";
import { createTestGateway, globalId, type TestGateway, testConfig } from "./helpers.js";

const SHOP = "https://shop.example";
const ISSUER = "https://id.example";
const AUDIENCE = "orders-app";

let gw: TestGateway;
let publishable: string;
let aliceOrders: string[];
let bobOrder: string;

/** The identity provider's JWKS, served on loopback; `keys` can be swapped to rotate. */
let jwks: Server;
let jwksUrl: string;
let served: { keys: JWK[] } = { keys: [] };
let signingKey: CryptoKey;
let signingKid = "key-1";

beforeAll(async () => {
  const config = testConfig();
  gw = await createTestGateway({
    ...config,
    access: { ...config.access, trustProxy: true, jwksCooldownSeconds: 0 },
    limits: { ...config.limits, publicRatePerMinute: 5 },
  });
  const alice = (i: number) => busyOrder(i, 1, 2);
  aliceOrders = await gw.seed([
    {
      ...alice(1),
      email: "Alice@Example.com",
      customer: { email: "alice@example.com", firstName: "Alice" },
      phone: "+1 555 0100",
      meta: { vip: true },
    },
    { ...alice(2), email: "alice@example.com", customer: { email: "alice@example.com", firstName: "Alice" } },
  ]);
  bobOrder = (await gw.seed([{ ...busyOrder(3, 1, 2), email: "bob@example.com", customer: { email: "bob@example.com" } }]))[0]!;

  const created = await gw.graphql(
    `mutation($origins: [String!]!) { createPublishableKey(allowedOrigins: $origins, label: "tracking page") {
      key publishableKey { prefix allowedOrigins label } errors { code message } } }`,
    { origins: [`${SHOP}/`] },
  );
  expect(created.data.createPublishableKey.errors).toEqual([]);
  expect(created.data.createPublishableKey.publishableKey).toMatchObject({ allowedOrigins: [SHOP], label: "tracking page" });
  publishable = created.data.createPublishableKey.key;

  const pair = await generateKeyPair("RS256");
  signingKey = pair.privateKey;
  served = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: signingKid, alg: "RS256" }] };
  jwks = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(served)));
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  const provider = await gw.graphql(
    `mutation($jwksUrl: String!) { upsertIdentityProvider(issuer: "${ISSUER}", jwksUrl: $jwksUrl, audience: "${AUDIENCE}",
      claims: { scopeClaim: "roles", read: ["support"], write: ["admin"] }) { identityProvider { issuer claims { scopeClaim read customer } } errors { message } } }`,
    { jwksUrl },
  );
  expect(provider.data.upsertIdentityProvider).toMatchObject({
    identityProvider: { issuer: ISSUER, claims: { scopeClaim: "roles", read: ["support"], customer: null } },
    errors: [],
  });
});
afterAll(async () => {
  await gw.close();
  await new Promise((resolve) => jwks.close(resolve));
});

type Answer = { status: number; headers: Headers; body: any };

async function ask(query: string, variables: object, headers: Record<string, string>): Promise<Answer> {
  const text = JSON.stringify({ query, variables });
  const response = await gw.yoga.fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers },
    body: text,
  });
  const body = await response.text();
  return { status: response.status, headers: response.headers, body: body ? JSON.parse(body) : null };
}

let visitors = 0;
/** A visitor of the shop's page: each from an address of its own, unless told. */
const fromShop = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${publishable}`,
  origin: SHOP,
  "x-forwarded-for": `203.0.113.${++visitors}`,
  ...extra,
});

const TRACKING = `query Track($number: String!, $email: String!) {
  orderByNumber(number: $number, customerEmail: $email) {
    number status fulfillmentStatus
    shippingAddress { city countryCode }
    lineItems { name quantity }
    shipments { carrier trackingCode status scanEvents { status scannedAt location { city } } }
  }
}`;

describe("publishable keys", () => {
  it("answer the public view of an order, from an allowed origin, with CORS headers", async () => {
    const answer = await ask(TRACKING, { number: "1001", email: "ALICE@example.com" }, fromShop());
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe(SHOP);
    const order = answer.body.data.orderByNumber;
    expect(order).toMatchObject({ number: "1001", shippingAddress: { city: "Springfield", countryCode: "US" } });
    expect(order.shipments[0]).toMatchObject({ carrier: "ups", trackingCode: "1Z1X0" });
    expect(order.shipments[0].scanEvents).toHaveLength(3);
    const byCode = await ask(`{ orderByTrackingCode(trackingCode: "1Z3X0") { number shipments { status } } }`, {}, fromShop());
    expect(byCode.body.data.orderByTrackingCode.number).toBe("1003");
  });

  it("never answer personal data, payment or meta, other queries, introspection or mutations", async () => {
    const refused = [
      `{ orderByNumber(number: "1001", customerEmail: "alice@example.com") { email } }`,
      `{ orderByNumber(number: "1001", customerEmail: "alice@example.com") { phone customer { email } } }`,
      `{ orderByNumber(number: "1001", customerEmail: "alice@example.com") { total paymentStatus meta } }`,
      `{ orderByNumber(number: "1001", customerEmail: "alice@example.com") { shippingAddress { line1: name postalCode phone } } }`,
      `{ orderByNumber(number: "1001", customerEmail: "alice@example.com") { shipments { signedBy labelUrl } } }`,
      `{ orders(first: 5) { totalCount } }`,
      `{ order(id: "${globalId("Order", aliceOrders[0]!)}") { number } }`,
      `{ node(id: "${globalId("Order", aliceOrders[0]!)}") { id } }`,
      `{ __schema { types { name } } }`,
      `mutation { deleteOrder(id: "${globalId("Order", bobOrder)}") { deletedId } }`,
    ];
    for (const query of refused) {
      const answer = await ask(query, {}, fromShop());
      expect(answer.body.data, query).toBeUndefined();
      expect(answer.body.errors[0].extensions.code, query).toBe("FORBIDDEN");
    }
    expect((await gw.graphql(`{ node(id: "${globalId("Order", bobOrder)}") { id } }`)).data.node).not.toBeNull();
  });

  it("find nothing for a wrong email", async () => {
    const answer = await ask(TRACKING, { number: "1001", email: "bob@example.com" }, fromShop());
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual({ orderByNumber: null });
  });

  it("are refused from another origin, or without one, with no CORS headers", async () => {
    for (const headers of [fromShop({ origin: "https://evil.example" }), { ...fromShop(), origin: "" }]) {
      const answer = await ask(TRACKING, { number: "1001", email: "alice@example.com" }, headers);
      expect(answer.status).toBe(403);
      expect(answer.headers.get("access-control-allow-origin")).toBeNull();
      expect(answer.body.errors[0].extensions.code).toBe("FORBIDDEN");
    }
  });

  it("may not reach the bulk or source webhook routes", async () => {
    const response = await gw.yoga.fetch("http://localhost/bulk/imports?source=malomo", {
      method: "POST",
      headers: { ...fromShop(), "content-type": "application/x-ndjson", "content-length": "2" },
      body: "{}",
    });
    expect(response.status).toBe(403);
  });

  it("are limited per client address as well as per key", async () => {
    const address = { "x-forwarded-for": "198.51.100.7" };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await ask(TRACKING, { number: "1001", email: "x@example.com" }, fromShop(address))).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses[5]).toBe(429);
    expect((await ask(TRACKING, { number: "1001", email: "x@example.com" }, fromShop({ "x-forwarded-for": "198.51.100.8" }))).status).toBe(
      200,
    );
  });

  it("answer with an ETag and a short public Cache-Control, and 304 when it still matches", async () => {
    const first = await ask(TRACKING, { number: "1001", email: "alice@example.com" }, fromShop());
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=30");
    const again = await ask(TRACKING, { number: "1001", email: "alice@example.com" }, fromShop({ "if-none-match": etag! }));
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
    expect(again.headers.get("access-control-allow-origin")).toBe(SHOP);
    await gw.graphql(`mutation($id: ID!) { updateOrder(id: $id, input: { shipMethod: "express" }) { errors { message } } }`, {
      id: globalId("Order", aliceOrders[0]!),
    });
    const changed = await ask(
      `{ orderByNumber(number: "1001", customerEmail: "alice@example.com") { shipMethod } }`,
      {},
      fromShop({ "if-none-match": etag! }),
    );
    expect(changed.status).toBe(200);
    expect(changed.body.data.orderByNumber.shipMethod).toBe("express");
  });

  it("may send queries as GET with automatic persisted queries; mutations are never accepted over GET", async () => {
    const query = `{ orderByTrackingCode(trackingCode: "1Z3X0") { number } }`;
    const hash = createHash("sha256").update(query).digest("hex");
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
    const get = (url: string) => gw.yoga.fetch(url, { headers: { ...fromShop(), "x-graphql-csrf": "1", accept: "application/json" } });
    const unknown = await get(`http://localhost/graphql?extensions=${extensions}`);
    expect((await unknown.json()).errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    const registered = await get(`http://localhost/graphql?query=${encodeURIComponent(query)}&extensions=${extensions}`);
    expect((await registered.json()).data.orderByTrackingCode.number).toBe("1003");
    const byHash = await get(`http://localhost/graphql?extensions=${extensions}`);
    expect(byHash.status).toBe(200);
    expect(byHash.headers.get("etag")).toBeTruthy();
    expect((await byHash.json()).data.orderByTrackingCode.number).toBe("1003");

    const mutation = encodeURIComponent(`mutation { deleteOrder(id: "${globalId("Order", bobOrder)}") { deletedId } }`);
    const viaGet = await gw.yoga.fetch(`http://localhost/graphql?query=${mutation}`, {
      headers: { authorization: `Bearer ${gw.key}`, "x-graphql-csrf": "1", accept: "application/json" },
    });
    expect(viaGet.status).toBe(405);
    expect((await gw.graphql(`{ node(id: "${globalId("Order", bobOrder)}") { id } }`)).data.node).not.toBeNull();
  });

  it("can be listed and revoked by a write key", async () => {
    const created = await gw.graphql(
      `mutation { createPublishableKey(allowedOrigins: ["https://other.example"]) { key publishableKey { prefix } } }`,
    );
    const { key, publishableKey } = created.data.createPublishableKey;
    const listed = await gw.graphql("{ publishableKeys { prefix allowedOrigins } }");
    expect(listed.data.publishableKeys).toContainEqual({ prefix: publishableKey.prefix, allowedOrigins: ["https://other.example"] });
    await gw.graphql(`mutation { revokePublishableKey(prefix: "${publishableKey.prefix}") { errors { code } } }`);
    const after = await ask(
      TRACKING,
      { number: "1001", email: "alice@example.com" },
      { authorization: `Bearer ${key}`, origin: "https://other.example" },
    );
    expect(after.status).toBe(401);
    const bad = await gw.graphql(
      `mutation { createPublishableKey(allowedOrigins: ["https://shop.example/path"]) { key errors { code path } } }`,
    );
    expect(bad.data.createPublishableKey).toEqual({ key: null, errors: [{ code: "VALIDATION", path: ["allowedOrigins"] }] });
  });
});

describe("CORS", () => {
  const preflight = (origin: string) =>
    gw.yoga.fetch("http://localhost/graphql", {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });

  it("answers a preflight from an allowed origin with the methods, headers and a max age, and any other with none", async () => {
    const allowed = await preflight(SHOP);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
    expect(allowed.headers.get("access-control-allow-headers")).toContain("Authorization");
    expect(allowed.headers.get("access-control-max-age")).toBe("600");
    const other = await preflight("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("access-control-allow-methods")).toBeNull();
  });

  it("lets the workspace's keys be used only from its allowed origins, and from the gateway's own pages", async () => {
    const admin = "https://admin.example";
    const query = "{ orders(first: 1) { totalCount } }";
    const refused = await ask(query, {}, { authorization: `Bearer ${gw.key}`, origin: admin });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].message).toContain(admin);
    const sameOrigin = await ask(query, {}, { authorization: `Bearer ${gw.key}`, origin: "http://localhost" });
    expect(sameOrigin.status).toBe(200);
    const set = await gw.graphql(`mutation { setAllowedOrigins(origins: ["${admin}"]) { allowedOrigins errors { message } } }`);
    expect(set.data.setAllowedOrigins).toEqual({ allowedOrigins: [admin], errors: [] });
    const allowed = await ask(query, {}, { authorization: `Bearer ${gw.key}`, origin: admin });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(admin);
    expect((await preflight(admin)).headers.get("access-control-allow-origin")).toBe(admin);
    // The publishable key's origins are its own.
    expect((await ask(TRACKING, { number: "1001", email: "alice@example.com" }, fromShop({ origin: admin }))).status).toBe(403);
    const bad = await gw.graphql(`mutation { setAllowedOrigins(origins: ["not an origin"]) { allowedOrigins errors { code } } }`);
    expect(bad.data.setAllowedOrigins).toEqual({ allowedOrigins: null, errors: [{ code: "VALIDATION" }] });
    await gw.graphql(`mutation { setAllowedOrigins(origins: []) { errors { code } } }`);
  });
});

describe("signed-in users", () => {
  const sign = (
    claims: Record<string, unknown>,
    options: { key?: CryptoKey; kid?: string; expires?: string; audience?: string; issuer?: string } = {},
  ) =>
    new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "RS256", kid: options.kid ?? signingKid })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setSubject(String(claims.sub ?? "user-1"))
      .setIssuedAt()
      .setExpirationTime(options.expires ?? "5m")
      .sign(options.key ?? signingKey);
  const alice = () => sign({ sub: "alice", email: "alice@example.com", email_verified: true });
  const as = async (token: string, query: string, variables: object = {}) => ask(query, variables, { authorization: `Bearer ${token}` });

  it("a customer's token sees exactly its own orders, through every entry point", async () => {
    const token = await alice();
    const list = await as(token, "{ orders(first: 10) { totalCount nodes { id email } } }");
    expect(list.body.data.orders.totalCount).toBe(2);
    expect(list.body.data.orders.nodes.map((order: { id: string }) => order.id).sort()).toEqual(
      aliceOrders.map((id) => globalId("Order", id)).sort(),
    );
    const filtered = await as(token, `{ orders(first: 10, filter: { customerEmail: "bob@example.com" }) { totalCount } }`);
    expect(filtered.body.data.orders.totalCount).toBe(0);

    const bob = globalId("Order", bobOrder);
    const mine = globalId("Order", aliceOrders[0]!);
    const lookups = await as(
      token,
      `query($bob: ID!, $mine: ID!) {
        bobById: order(id: $bob) { id }
        bobNode: node(id: $bob) { id }
        bobNodes: nodes(ids: [$bob, $mine]) { id }
        bobByNumber: orderByNumber(number: "1003", customerEmail: "bob@example.com") { id }
        bobByCode: orderByTrackingCode(trackingCode: "1Z3X0") { id }
        bobByExternalId: orderByExternalId(source: TRACKMAGE, externalId: "ext-3") { id }
        mineById: order(id: $mine) { id shipments { id } }
        mineByCode: orderByTrackingCode(trackingCode: "1Z1X0") { id }
      }`,
      { bob, mine },
    );
    expect(lookups.body.errors).toBeUndefined();
    expect(lookups.body.data).toMatchObject({
      bobById: null,
      bobNode: null,
      bobNodes: [null, { id: mine }],
      bobByNumber: null,
      bobByCode: null,
      bobByExternalId: null,
      mineById: { id: mine },
      mineByCode: { id: mine },
    });
    // Other objects are reached through the customer's orders, not by id.
    const shipmentId = lookups.body.data.mineById.shipments[0].id;
    expect((await as(token, `{ node(id: "${shipmentId}") { id } }`)).body.data.node).toBeNull();
    expect((await gw.graphql(`{ node(id: "${shipmentId}") { id } }`)).data.node).toEqual({ id: shipmentId });
  });

  it("a customer's subscription to another customer's order is refused as unknown", async () => {
    const token = await alice();
    const response = await gw.yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: `subscription { orderUpdated(id: "${globalId("Order", bobOrder)}") { id } }` }),
    });
    expect(await response.text()).toContain("NOT_FOUND");
  });

  it("a customer's token reads nothing else and writes nothing", async () => {
    const token = await alice();
    for (const query of [
      "{ webhookEndpoints { url } }",
      "{ identityProviders { issuer } }",
      `{ orders(first: 1) { nodes { ownerNote } } }`,
      `mutation { cancelOrder(id: "${globalId("Order", aliceOrders[0]!)}", reason: CUSTOMER) { errors { code } } }`,
    ]) {
      expect((await as(token, query)).body.errors[0].extensions.code, query).toBe("FORBIDDEN");
    }
  });

  it("claims map to the read and write scopes", async () => {
    const support = await sign({ sub: "agent", roles: ["support"] });
    expect((await as(support, "{ orders(first: 1) { totalCount } }")).body.data.orders.totalCount).toBe(3);
    const write = `mutation { createOrderEvent(orderId: "${globalId("Order", bobOrder)}", input: { type: "note", label: "called" }) { errors { code } } }`;
    expect((await as(support, write)).body.errors[0].extensions.code).toBe("FORBIDDEN");
    const admin = await sign({ sub: "boss", roles: "admin other" });
    expect((await as(admin, write)).body.data.createOrderEvent.errors).toEqual([]);
  });

  it("refuses tokens that are expired, forged, for another audience or issuer, unsigned or without a verified email, saying why", async () => {
    const forger = await generateKeyPair("RS256");
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const payload = Buffer.from(
      JSON.stringify({
        iss: ISSUER,
        aud: AUDIENCE,
        sub: "x",
        email: "alice@example.com",
        email_verified: true,
        exp: Math.floor(Date.now() / 1000) + 300,
      }),
    ).toString("base64url");
    const cases: Array<[string, RegExp]> = [
      [await sign({ email: "alice@example.com", email_verified: true }, { expires: "-10m" }), /expired/],
      [await sign({ email: "alice@example.com", email_verified: true }, { key: forger.privateKey }), /signature does not verify/],
      [await sign({ email: "alice@example.com", email_verified: true }, { audience: "another-app" }), /audience/],
      [await sign({ email: "alice@example.com", email_verified: true }, { issuer: "https://evil.example" }), /No workspace trusts/],
      [`${header}.${payload}.`, /algorithm/],
      [await sign({ email: "alice@example.com" }), /verified email/],
    ];
    for (const [token, reason] of cases) {
      const answer = await as(token, "{ orders(first: 1) { totalCount } }");
      expect(answer.status, String(reason)).toBe(401);
      expect(answer.body.errors[0], String(reason)).toMatchObject({
        message: expect.stringMatching(reason),
        extensions: { code: "UNAUTHENTICATED" },
      });
    }
  });

  it("picks up a rotation of the issuer's keys without a restart", async () => {
    expect((await as(await alice(), "{ orders(first: 1) { totalCount } }")).status).toBe(200);
    const next = await generateKeyPair("RS256");
    served = { keys: [{ ...(await exportJWK(next.publicKey)), kid: "key-2", alg: "RS256" }] };
    signingKey = next.privateKey;
    signingKid = "key-2";
    const answer = await as(await alice(), "{ orders(first: 1) { totalCount } }");
    expect(answer.status).toBe(200);
    expect(answer.body.data.orders.totalCount).toBe(2);
  });

  it("stops trusting a provider once it is deleted", async () => {
    const { data } = await gw.graphql("{ identityProviders { id issuer } }");
    const [provider] = data.identityProviders;
    expect(provider.issuer).toBe(ISSUER);
    const wrongType = await gw.graphql(
      `mutation { deleteIdentityProvider(id: "${globalId("Order", aliceOrders[0]!)}") { deletedId errors { code } } }`,
    );
    expect(wrongType.data.deleteIdentityProvider).toEqual({ deletedId: null, errors: [{ code: "VALIDATION" }] });
    const deleted = await gw.graphql(`mutation { deleteIdentityProvider(id: "${provider.id}") { deletedId errors { code } } }`);
    expect(deleted.data.deleteIdentityProvider).toEqual({ deletedId: provider.id, errors: [] });
    const again = await gw.graphql(`mutation { deleteIdentityProvider(id: "${provider.id}") { deletedId errors { code } } }`);
    expect(again.data.deleteIdentityProvider).toEqual({ deletedId: null, errors: [{ code: "NOT_FOUND" }] });
    const answer = await as(await alice(), "{ orders(first: 1) { totalCount } }");
    expect(answer.status).toBe(401);
    expect(answer.body.errors[0].message).toMatch(/No workspace trusts/);
  });

  it("refuses an identity provider whose keys are on a private address in production", async () => {
    const production = loadConfig({ NODE_ENV: "production", ENCRYPTION_KEY: "a".repeat(64), DATABASE_URL: "postgresql://x@127.0.0.1/x" });
    expect(production.outbound.allowPrivateTargets).toBe(false);
    const { upsertIdentityProvider } = await import("../src/services/access.js");
    const result = await upsertIdentityProvider({ prisma: gw.db.prisma, store: gw.db.sql, config: production }, gw.workspaceId, {
      issuer: "https://inside.example",
      jwksUrl: "https://127.0.0.1/jwks.json",
      audience: "x",
    });
    expect(result).toMatchObject({ ok: false, errors: [{ code: "VALIDATION", path: ["jwksUrl"] }] });
  });
});
