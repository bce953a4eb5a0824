import { createHmac, hkdfSync, randomInt } from "node:crypto";

/**
 * Practice by phone (docs/practice.md, "By phone"): the rep dials the workspace's practice line and keys
 * a one-use code that names their session. Codes are six digits, usable once for ten minutes, stored
 * only as an HMAC (a stolen row cannot be replayed by trying the million codes against a bare hash).
 */
export const PHONE_CODE_DIGITS = 6;
/** How long a dial-in code can be used. */
export const PHONE_CODE_TTL_SEC = 600;
/**
 * Codes usable at once in a workspace: with at most this many among a million, a guess hits one with a
 * chance of 1 in 50 000, and the line locks after a few wrong guesses (`PHONE_LINE_LOCK`).
 */
export const MAX_LIVE_PHONE_CODES = 20;
/** Wrong codes keyed on one practice line within `windowSec` that lock it until the window passes. */
export const PHONE_LINE_LOCK = { wrongCodes: 5, windowSec: 600 } as const;
/** Tries one call gets before it is told goodbye. */
export const PHONE_CODE_TRIES_PER_CALL = 3;

export const isPhoneCode = (digits: string): boolean => /^\d{6}$/.test(digits);

/** A fresh code, uniformly random, leading zeros kept. */
export function newPhoneCode(): string {
  return String(randomInt(0, 10 ** PHONE_CODE_DIGITS)).padStart(PHONE_CODE_DIGITS, "0");
}

/**
 * The code's stored form: HMAC-SHA256 with a key derived from JWT_SECRET (HKDF, its own label), bound to
 * the workspace, so the api that makes a code and the gateway that checks it agree without a new secret
 * and the same digits are different codes in two workspaces.
 */
export function phoneCodeHasher(secret: string): (workspaceId: string, code: string) => string {
  const key = Buffer.from(hkdfSync("sha256", secret, "orbis", "practice-phone-code", 32));
  return (workspaceId, code) => createHmac("sha256", key).update(`${workspaceId}:${code}`).digest("hex");
}

/** A new code whose hash is none of `taken` (the workspace's live codes). */
export function uniquePhoneCode(hash: (code: string) => string, taken: ReadonlySet<string>): { code: string; hash: string } {
  for (;;) {
    const code = newPhoneCode();
    const h = hash(code);
    if (!taken.has(h)) return { code, hash: h };
  }
}
