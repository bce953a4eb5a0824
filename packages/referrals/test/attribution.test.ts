import { describe, expect, it } from "vitest";
import { attributedTouch, referralStatus } from "../src/attribution.ts";
import type { ReferralCookie } from "../src/cookie.ts";

const day = 86_400_000;
const now = new Date("2026-12-01T09:00:00Z");
const cookie = (firstAgeDays: number, lastAgeDays: number): ReferralCookie => ({
  visitorId: "v",
  first: { linkId: "rfl_first000", clickId: "rck_first000", at: now.getTime() - firstAgeDays * day },
  last: { linkId: "rfl_last0000", clickId: "rck_last0000", at: now.getTime() - lastAgeDays * day },
});

describe("attributed touch", () => {
  it.each<[string, ReferralCookie, "first" | "last", string | undefined]>([
    ["first-touch within the window", cookie(10, 1), "first", "rfl_first000"],
    ["last-touch within the window", cookie(10, 1), "last", "rfl_last0000"],
    ["first-touch on the window's last day", cookie(60, 1), "first", "rfl_first000"],
    ["first-touch just outside the window", cookie(60.01, 1), "first", undefined],
    ["last-touch still inside when the first is out", cookie(90, 30), "last", "rfl_last0000"],
    ["both outside", cookie(90, 61), "last", undefined],
    ["a touch from the future (forged or skewed clock)", cookie(-1, -1), "first", undefined],
    ["a touch a minute ahead (clock skew)", cookie(-1 / 1440, -1 / 1440), "first", "rfl_first000"],
  ])("%s", (_label, c, model, linkId) => {
    expect(attributedTouch(c, model, 60, now)?.linkId).toBe(linkId);
  });

  it("a shorter window", () => {
    expect(attributedTouch(cookie(8, 1), "first", 7, now)).toBeUndefined();
    expect(attributedTouch(cookie(8, 1), "last", 7, now)?.clickId).toBe("rck_last0000");
  });
});

describe("referral status", () => {
  const at = new Date();
  it.each([
    [{ flags: [], activatedAt: null, firstPaidAt: null }, "signed_up"],
    [{ flags: [], activatedAt: at, firstPaidAt: null }, "activated"],
    [{ flags: [], activatedAt: at, firstPaidAt: at }, "paid"],
    [{ flags: ["self_referral"], activatedAt: at, firstPaidAt: at }, "flagged"],
  ])("%j → %s", (row, status) => {
    expect(referralStatus(row)).toBe(status);
  });
});
