import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The first-party cookie a referral click sets (`/r/:code`) and signup reads. */
export const REFERRAL_COOKIE = "orbis_ref";

/** One click on a link, as the cookie remembers it. `at` is epoch milliseconds. */
export interface ReferralTouch {
  linkId: string;
  clickId: string;
  at: number;
}

/** What the cookie holds: the browser's visitor id and its first and latest referral clicks. */
export interface ReferralCookie {
  visitorId: string;
  first: ReferralTouch;
  last: ReferralTouch;
}

const mac = (secret: string, body: string) => createHmac("sha256", `orbis-referral-cookie:${secret}`).update(body).digest("base64url");

/** The cookie's value: the fields as a compact JSON array, base64url, then `.` and its HMAC-SHA256 (the secret never leaves the server). */
export function signReferralCookie(secret: string, value: ReferralCookie): string {
  const { visitorId, first, last } = value;
  const body = Buffer.from(JSON.stringify([visitorId, first.linkId, first.clickId, first.at, last.linkId, last.clickId, last.at])).toString("base64url");
  return `${body}.${mac(secret, body)}`;
}

const isId = (v: unknown): v is string => typeof v === "string" && /^[a-z]{2,5}_[0-9a-z]{8,40}$/.test(v);
const isTime = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v > 0;

/** The cookie's content when it is genuine and well formed; undefined for anything else (forged, truncated, another secret's). */
export function verifyReferralCookie(secret: string, token: string | undefined): ReferralCookie | undefined {
  if (!token || token.length > 1024) return undefined;
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined) return undefined;
  const want = Buffer.from(mac(secret, body));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 7) return undefined;
  const [visitorId, firstLink, firstClick, firstAt, lastLink, lastClick, lastAt] = parsed as unknown[];
  if (typeof visitorId !== "string" || !/^[0-9a-z_]{8,60}$/.test(visitorId)) return undefined;
  if (!isId(firstLink) || !isId(firstClick) || !isTime(firstAt) || !isId(lastLink) || !isId(lastClick) || !isTime(lastAt)) return undefined;
  return { visitorId, first: { linkId: firstLink, clickId: firstClick, at: firstAt }, last: { linkId: lastLink, clickId: lastClick, at: lastAt } };
}

/**
 * The cookie after a click: a browser keeps its visitor id and first touch while the first touch is
 * within the window; once it has aged out, this click starts over as the first touch.
 */
export function withTouch(previous: ReferralCookie | undefined, visitorId: string, touch: ReferralTouch, windowMs: number): ReferralCookie {
  if (!previous) return { visitorId, first: touch, last: touch };
  const firstExpired = touch.at - previous.first.at > windowMs;
  return { visitorId: previous.visitorId, first: firstExpired ? touch : previous.first, last: touch };
}

/** A new browser's visitor id: 96 random bits, hex. */
export const newVisitorId = (): string => randomBytes(12).toString("hex");
