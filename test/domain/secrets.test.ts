import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "../../src/outbound/secrets.js";

describe("secrets at rest", () => {
  const key = randomBytes(32);

  it("round-trips, with a fresh nonce each time", () => {
    const a = encryptSecret(key, "sk_live_123");
    const b = encryptSecret(key, "sk_live_123");
    expect(a).not.toBe(b);
    expect(a).not.toContain("sk_live_123");
    expect(decryptSecret(key, a)).toBe("sk_live_123");
  });

  it("refuses a tampered value or another key", () => {
    const stored = encryptSecret(key, "sk_live_123");
    const [version, nonce, tag, ciphertext] = stored.split(".");
    const flipped = Buffer.from(ciphertext!, "base64url");
    flipped[0]! ^= 1;
    expect(() => decryptSecret(key, [version, nonce, tag, flipped.toString("base64url")].join("."))).toThrow();
    expect(() => decryptSecret(randomBytes(32), stored)).toThrow();
    expect(() => decryptSecret(key, "plain")).toThrow(/Unreadable/);
  });
});
