import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { accessRule, PUBLIC_VIEW } from "../../src/auth/access.js";
import { originAllowed, parseOrigin, parseOrigins } from "../../src/domain/origins.js";
import { accessOfClaims, claimMapping } from "../../src/domain/token-claims.js";
import { sortedSchema } from "../../src/schema/index.js";

describe("parseOrigin", () => {
  it("keeps scheme, host and port, as browsers send them", () => {
    expect(parseOrigin("https://Shop.Example/")).toEqual({ ok: true, origin: "https://shop.example" });
    expect(parseOrigin("http://localhost:3000")).toEqual({ ok: true, origin: "http://localhost:3000" });
    expect(parseOrigin("https://shop.example:443")).toEqual({ ok: true, origin: "https://shop.example" });
  });

  it("refuses what is not an origin, saying why", () => {
    for (const text of [
      "shop.example",
      "ftp://shop.example",
      "https://shop.example/track",
      "https://a:b@shop.example",
      "https://shop.example?x=1",
    ]) {
      expect(parseOrigin(text).ok, text).toBe(false);
    }
    expect(parseOrigins(["https://a.example", "https://a.example/"])).toEqual({ ok: true, origins: ["https://a.example"] });
    expect(parseOrigins(Array.from({ length: 51 }, (_, i) => `https://s${i}.example`)).ok).toBe(false);
  });

  it("allows listed origins and the gateway's own host, whatever the scheme a proxy changed", () => {
    expect(originAllowed("https://shop.example", ["https://shop.example"], "api.example")).toBe(true);
    expect(originAllowed("https://api.example", [], "api.example")).toBe(true);
    expect(originAllowed("http://shop.example", ["https://shop.example"], "api.example")).toBe(false);
    expect(originAllowed("null", ["https://shop.example"], "api.example")).toBe(false);
  });
});

describe("accessOfClaims", () => {
  const mapping = claimMapping({ scopeClaim: "roles", read: ["support"], write: ["admin"] });

  it("fills in the defaults for what a provider leaves out", () => {
    expect(claimMapping(null)).toEqual({ scopeClaim: "scope", read: [], write: [], customer: null, emailClaim: "email" });
    expect(mapping).toEqual({ scopeClaim: "roles", read: ["support"], write: ["admin"], customer: null, emailClaim: "email" });
  });

  it("grants the widest scope the claim names, as a list or a space-separated string", () => {
    expect(accessOfClaims({ roles: ["support", "admin"] }, mapping)).toEqual({ ok: true, scope: "WRITE" });
    expect(accessOfClaims({ roles: "viewer support" }, mapping)).toEqual({ ok: true, scope: "READ" });
  });

  it("makes any other user a customer, by a verified email, lower-cased", () => {
    expect(accessOfClaims({ email: "Ann@Example.com", email_verified: true }, mapping)).toEqual({
      ok: true,
      scope: "CUSTOMER",
      email: "ann@example.com",
    });
    expect(accessOfClaims({ email: "ann@example.com", email_verified: "true" }, mapping).ok).toBe(false);
    expect(accessOfClaims({ email_verified: true }, mapping).ok).toBe(false);
  });

  it("with a customer list, refuses a token that names none of the scopes", () => {
    const strict = { ...mapping, customer: ["shopper"] };
    expect(accessOfClaims({ roles: ["shopper"], email: "a@b.example", email_verified: true }, strict).ok).toBe(true);
    expect(accessOfClaims({ roles: ["guest"], email: "a@b.example", email_verified: true }, strict)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/names no scope/),
    });
  });
});

describe("the public view", () => {
  it("names only fields the schema has", () => {
    for (const [type, fields] of Object.entries(PUBLIC_VIEW)) {
      const known = sortedSchema.getType(type);
      expect(known, type).toBeDefined();
      const own = Object.keys((known as unknown as { getFields(): object }).getFields());
      for (const field of fields) expect(own, `${type}.${field}`).toContain(field);
    }
  });

  it("refuses a document that reaches past it, field by field", () => {
    const schema = buildSchema("type Query { orderByNumber: Order orders: [Order] } type Order { number: String email: String }");
    const rule = accessRule("PUBLIC")!;
    expect(validate(schema, parse("{ orderByNumber { number __typename } }"), [rule])).toEqual([]);
    const errors = validate(schema, parse("{ orderByNumber { number email } orders { number } }"), [rule]);
    expect(errors.map((error) => error.message)).toEqual([
      "A publishable key may not read Order.email: it sees the public view of an order.",
      "A publishable key may only run the public lookups (orderByNumber, orderByTrackingCode), not orders.",
    ]);
    expect(accessRule("READ")).toBeNull();
  });
});
