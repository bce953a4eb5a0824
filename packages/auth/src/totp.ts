import { createHmac, randomBytes } from "node:crypto";
import { safeEqual, sha256 } from "./secrets.ts";

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) as authenticator apps use them:
 * HMAC-SHA1, 6 digits, 30-second steps, a base32 secret of 160 bits.
 */
const STEP_SEC = 30;
const DIGITS = 6;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, "");
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error("not base32");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new shared secret (base32, as authenticator apps take it). */
export const generateTotpSecret = () => base32Encode(randomBytes(20));

/** The code of one time step (RFC 4226 dynamic truncation). */
export function totpCode(secret: string, step: number, digits = DIGITS): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 15;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(binary).padStart(digits, "0");
}

export const totpStepAt = (at: Date) => Math.floor(at.getTime() / 1000 / STEP_SEC);

/**
 * The time step a code belongs to, within ±`window` steps of `at` (clock drift), or undefined. The
 * caller refuses a step at or before the last one used, so a code is accepted once.
 */
export function matchTotp(secret: string, code: string, at: Date, window = 1): number | undefined {
  const digits = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(digits)) return undefined;
  const now = totpStepAt(at);
  let matched: number | undefined;
  // Every candidate is computed and compared in constant time, whichever matches.
  for (let step = now - window; step <= now + window; step++) if (safeEqual(totpCode(secret, step), digits) && matched === undefined) matched = step;
  return matched;
}

/** The `otpauth://` URI authenticator apps read (from a QR code or pasted). */
export function totpUri(secret: string, account: string, issuer: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({ secret, issuer, algorithm: "SHA1", digits: String(DIGITS), period: String(STEP_SEC) });
  return `otpauth://totp/${label}?${params}`;
}

// Recovery codes: 16 characters of a 31-letter alphabet without look-alikes (79 bits), shown as
// four groups. At that entropy a fast hash is enough at rest, like API keys.
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

export function generateRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    let raw = "";
    while (raw.length < 16) for (const b of randomBytes(32)) if (b < 248 && raw.length < 16) raw += RECOVERY_ALPHABET[b % 31];
    return raw.match(/.{4}/g)!.join("-");
  });
}

/** A recovery code as typed (any case, spaces or dashes) → its stored hash; undefined when it cannot be one. */
export function recoveryCodeHash(input: string): string | undefined {
  const raw = input.toLowerCase().replace(/[\s-]/g, "");
  return /^[a-z0-9]{16}$/.test(raw) ? sha256(`recovery:${raw}`) : undefined;
}
