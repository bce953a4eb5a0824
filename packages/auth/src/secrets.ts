import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomToken(length = 32): string {
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) if (b < 248 && out.length < length) out += BASE62[b % 62];
  }
  return out;
}

/** API keys and invitation tokens carry ≥ 190 bits of entropy, so a fast hash is enough at rest. */
export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export type ApiKeyKind = "publishable" | "secret";

export function generateApiKey(kind: ApiKeyKind) {
  const key = `${kind === "publishable" ? "pk" : "sk"}_${randomToken(40)}`;
  return { key, prefix: `${key.slice(0, 11)}…`, hash: sha256(key) };
}

export function apiKeyKindOf(token: string): ApiKeyKind | undefined {
  if (/^pk_[0-9A-Za-z]{40}$/.test(token)) return "publishable";
  if (/^sk_[0-9A-Za-z]{40}$/.test(token)) return "secret";
  return undefined;
}
