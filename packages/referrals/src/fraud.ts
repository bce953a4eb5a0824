import { createHmac } from "node:crypto";

/**
 * Fraud checks of referrals (docs/referrals.md): pure rules over what the repository counted. A flag
 * does not stop anything a visitor does — the click still redirects, the signup still succeeds — it
 * keeps the click out of the funnels and holds the attribution's commissions for review.
 */
export type ClickFlag = "click_burst";
export type SignupFlag = "self_referral" | "signup_burst" | "click_burst" | "disposable_email" | "referrer_inactive";

/** Clicks in the last hour beyond which a click is part of a burst (a script, a refresh loop), not a person. */
export const CLICK_BURST_PER_HOUR = 20;
/** Attributed signups from one address in 24 hours from which a signup is part of a burst (this one included). */
export const SIGNUP_BURST_PER_DAY = 3;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/**
 * An IP address or user agent as stored: HMAC-SHA256 with the server's secret, so clicks from one
 * address can be counted together while the address itself is never kept (and cannot be recovered by
 * hashing the 2³² IPv4 addresses without the secret).
 */
export function hashSignal(secret: string, kind: "ip" | "ua", value: string): string {
  return createHmac("sha256", `orbis-referral-${kind}:${secret}`).update(value).digest("base64url");
}

export interface ClickCounts {
  /** Clicks from the same IP hash in the last hour, on any link. */
  fromIp: number;
  /** Clicks of the same visitor on the same link in the last hour. */
  fromVisitorOnLink: number;
}

/** The flag of a new click, given the clicks before it in the last hour. */
export function clickFlag(counts: ClickCounts, limit = CLICK_BURST_PER_HOUR): ClickFlag | null {
  return counts.fromIp >= limit || counts.fromVisitorOnLink >= limit ? "click_burst" : null;
}

/** Webmail providers: two strangers share these domains, so the same domain says nothing about who they are. */
export const PUBLIC_MAILBOX_DOMAINS: ReadonlySet<string> = new Set([
  "gmail.com",
  "googlemail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "yahoo.com",
  "ymail.com",
  "icloud.com",
  "me.com",
  "mac.com",
  "aol.com",
  "proton.me",
  "protonmail.com",
  "pm.me",
  "gmx.com",
  "gmx.net",
  "gmx.de",
  "web.de",
  "mail.com",
  "zoho.com",
  "yandex.com",
  "yandex.ru",
  "fastmail.com",
  "hey.com",
  "tutanota.com",
  "qq.com",
  "163.com",
]);

/** Throwaway mailbox services: an account signed up on one is rarely a real customer. */
export const DISPOSABLE_EMAIL_DOMAINS: ReadonlySet<string> = new Set([
  "mailinator.com",
  "guerrillamail.com",
  "guerrillamail.net",
  "guerrillamail.org",
  "guerrillamailblock.com",
  "sharklasers.com",
  "grr.la",
  "10minutemail.com",
  "10minutemail.net",
  "tempmail.com",
  "tempmail.net",
  "temp-mail.org",
  "tempmailo.com",
  "tempail.com",
  "tempr.email",
  "yopmail.com",
  "yopmail.net",
  "trashmail.com",
  "trashmail.net",
  "trashmail.de",
  "throwawaymail.com",
  "getnada.com",
  "maildrop.cc",
  "dispostable.com",
  "fakeinbox.com",
  "mintemail.com",
  "mohmal.com",
  "emailondeck.com",
  "mailnesia.com",
  "spamgourmet.com",
  "discard.email",
  "mailcatch.com",
  "moakt.com",
]);

/** The domain of an address, lowercased; "" when there is none. */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf("@");
  return at < 0
    ? ""
    : email
        .slice(at + 1)
        .trim()
        .toLowerCase()
        .replace(/\.$/, "");
}

/** Whether the address is on a throwaway service, or a subdomain of one. */
export function isDisposableEmail(email: string): boolean {
  const domain = emailDomain(email);
  if (!domain) return false;
  const labels = domain.split(".");
  for (let i = 0; i < labels.length - 1; i++) if (DISPOSABLE_EMAIL_DOMAINS.has(labels.slice(i).join("."))) return true;
  return false;
}

/**
 * Whether the new account looks like the referrer's own: the same address, or the same company domain
 * (a webmail domain proves nothing).
 */
export function isSelfReferral(referrerEmail: string | null | undefined, newEmail: string): boolean {
  if (!referrerEmail) return false;
  if (referrerEmail.trim().toLowerCase() === newEmail.trim().toLowerCase()) return true;
  const domain = emailDomain(newEmail);
  return domain !== "" && domain === emailDomain(referrerEmail) && !PUBLIC_MAILBOX_DOMAINS.has(domain);
}

export interface SignupFacts {
  /** The new account's email. */
  email: string;
  /** The referrer's email: the user's, or the affiliate's. */
  referrerEmail: string | null;
  /** The referring affiliate's status; null for a user's link. */
  affiliateStatus: string | null;
  /** Attributed signups from the same IP hash in the last 24 hours, before this one. */
  recentSignupsFromIp: number;
  /** Whether the attributed click was flagged itself. */
  clickFlagged: boolean;
}

/** The fraud flags of an attributed signup, in a stable order; empty when nothing matched. */
export function signupFlags(facts: SignupFacts, burstLimit = SIGNUP_BURST_PER_DAY): SignupFlag[] {
  const flags: SignupFlag[] = [];
  if (isSelfReferral(facts.referrerEmail, facts.email)) flags.push("self_referral");
  if (facts.recentSignupsFromIp + 1 >= burstLimit) flags.push("signup_burst");
  if (facts.clickFlagged) flags.push("click_burst");
  if (isDisposableEmail(facts.email)) flags.push("disposable_email");
  if (facts.affiliateStatus !== null && facts.affiliateStatus !== "approved") flags.push("referrer_inactive");
  return flags;
}
