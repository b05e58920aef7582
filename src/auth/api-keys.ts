// Partner API keys: "ogk_<10-char id>_<32-char secret>". The id part is the
// key's prefix, stored in clear to find the row and to name the key to
// people; only a SHA-256 of the whole key is stored. Keys carry 190 bits of
// randomness, so a fast hash is enough, and comparison is constant-time.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiKey, ApiKeyScope, PrismaClient } from "../generated/prisma/client.js";
import type { Sql } from "../store/executor.js";
import { apiKeyByPrefix } from "../store/reads.js";
import type { Caller } from "./caller.js";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KEY_FORMAT = /^(ogk_[0-9A-Za-z]{10})_[0-9A-Za-z]{32}$/;

function randomText(length: number): string {
  // Rejection sampling keeps every character equally likely.
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** The key's prefix, or null when it is not shaped like a key this API issues. */
export function keyPrefix(key: string): string | null {
  return KEY_FORMAT.exec(key)?.[1] ?? null;
}

export async function createApiKey(
  prisma: PrismaClient,
  workspaceId: string,
  scope: ApiKeyScope,
  options: { label?: string | null; allowedOrigins?: string[] } = {},
): Promise<{ key: string; prefix: string; apiKey: ApiKey }> {
  const prefix = `ogk_${randomText(10)}`;
  const key = `${prefix}_${randomText(32)}`;
  const apiKey = await prisma.apiKey.create({
    data: {
      workspaceId,
      prefix,
      secretHash: hashKey(key),
      scope,
      label: options.label ?? null,
      allowedOrigins: options.allowedOrigins ?? [],
    },
  });
  return { key, prefix, apiKey };
}

const DUMMY_HASH = Buffer.from(hashKey("ogk_0000000000_00000000000000000000000000000000"), "hex");

/** The caller a presented key stands for, or null for a malformed, unknown or revoked key. */
export async function verifyApiKey(sql: Sql, presented: string): Promise<Caller | null> {
  const prefix = keyPrefix(presented);
  const row = prefix ? await apiKeyByPrefix(sql, prefix) : null;
  const presentedHash = Buffer.from(hashKey(presented), "hex");
  // Compare even when there is no row, so that unknown and wrong keys take alike.
  const matches = timingSafeEqual(presentedHash, row ? Buffer.from(row.secretHash, "hex") : DUMMY_HASH) && row != null;
  if (!row || !matches || row.revokedAt) return null;
  // A publishable key is used from its own origins; the others from the workspace's.
  const allowedOrigins = row.scope === "PUBLIC" ? row.allowedOrigins : row.workspaceOrigins;
  return { workspaceId: row.workspaceId, scope: row.scope, keyId: row.id, prefix: row.prefix, allowedOrigins };
}

/** Revokes the key with this prefix; false when there is none. */
export async function revokeApiKey(prisma: PrismaClient, prefix: string): Promise<boolean> {
  const { count } = await prisma.apiKey.updateMany({ where: { prefix, revokedAt: null }, data: { revokedAt: new Date() } });
  return count > 0;
}
