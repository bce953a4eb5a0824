import { randomBytes } from "node:crypto";
import { referralCodeSchema } from "@orbis/contracts";

/** Lowercase base32 (RFC 4648 letters and 2–7): no 0/1/8/9, so a code read aloud or retyped is not mistaken. */
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
/** The random part of a code: 6 base32 characters ≈ 30 bits, one in a billion to guess a given link. */
export const CODE_RANDOM_LENGTH = 6;
/** The readable part is cut short so the whole code stays well within `referralCodeSchema`'s 40. */
const SLUG_MAX = 24;

/** The readable part of a code: the referrer's name as lowercase ASCII words joined by `-`, or "" when nothing is left. */
export function codeSlug(name: string | null | undefined): string {
  return (
    (name ?? "")
      .normalize("NFKD")
      // Accents come apart from their letters under NFKD: drop the marks, keep the letters.
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+/, "")
      .slice(0, SLUG_MAX)
      .replace(/-+$/, "")
  );
}

/** `length` random base32 characters (32 divides 256, so `byte & 31` is uniform). */
export function randomCodeSuffix(length = CODE_RANDOM_LENGTH): string {
  let out = "";
  for (const byte of randomBytes(length)) out += BASE32[byte & 31];
  return out;
}

/**
 * A new link code: `jane-doe-k3m7qz` — readable (whose link it is) and not guessable from the name.
 * Collisions are possible (the random part is short), so the repository retries with another.
 */
export function newReferralCode(name: string | null | undefined, random: () => string = randomCodeSuffix): string {
  const slug = codeSlug(name);
  const code = slug ? `${slug}-${random()}` : `ref-${random()}`;
  return referralCodeSchema.parse(code);
}

/** Whether a string could be a link code at all: anything else never reaches the database. */
export const isReferralCode = (code: string): boolean => referralCodeSchema.safeParse(code).success;

const LANDING_MAX = 500;

/**
 * Where a click lands: a same-site relative path (`/pricing?plan=pro`), else `/`. A single leading `/`,
 * no `//` or `\` (browsers read `/\evil.com` as another host), no scheme, no control characters: the
 * link must never become an open redirect.
 */
export function safeLandingPath(to: unknown): string {
  if (typeof to !== "string" || to.length === 0 || to.length > LANDING_MAX) return "/";
  if (!to.startsWith("/") || to.startsWith("//") || to.includes("\\")) return "/";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(to)) return "/";
  const base = "http://landing.invalid";
  let url: URL;
  try {
    url = new URL(to, base);
  } catch {
    return "/";
  }
  if (url.origin !== base) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
