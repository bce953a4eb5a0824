import type { ReferralCookie, ReferralTouch } from "./cookie.ts";

/** Which click of a browser a signup is credited to: its first referral click, or its latest. */
export type AttributionModel = "first" | "last";

/**
 * The touch a signup is attributed to, when the cookie's chosen touch is within the window of `now`
 * (and not in the future beyond a little clock skew); undefined otherwise.
 */
export function attributedTouch(cookie: ReferralCookie, model: AttributionModel, windowDays: number, now: Date): ReferralTouch | undefined {
  const touch = model === "first" ? cookie.first : cookie.last;
  const age = now.getTime() - touch.at;
  if (age > windowDays * 86_400_000 || age < -CLOCK_SKEW_MS) return undefined;
  return touch;
}
const CLOCK_SKEW_MS = 5 * 60_000;

export type ReferralStatus = "signed_up" | "activated" | "paid" | "flagged";

/** How far a referred workspace went, as its referrer sees it; a flagged one is under review whatever it did. */
export function referralStatus(row: { flags: readonly string[]; activatedAt: Date | null; firstPaidAt: Date | null }): ReferralStatus {
  if (row.flags.length > 0) return "flagged";
  if (row.firstPaidAt) return "paid";
  if (row.activatedAt) return "activated";
  return "signed_up";
}
