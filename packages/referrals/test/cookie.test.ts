import { describe, expect, it } from "vitest";
import { newVisitorId, signReferralCookie, verifyReferralCookie, withTouch, type ReferralCookie } from "../src/cookie.ts";

const SECRET = "test-secret-test-secret-test-secret";
const t0 = Date.parse("2026-12-01T09:00:00Z");
const touch = (n: number, at = t0) => ({ linkId: `rfl_link${n}aaaaaaaa`, clickId: `rck_click${n}aaaaaaa`, at });
const value: ReferralCookie = { visitorId: "0123456789abcdef01234567", first: touch(1), last: touch(2, t0 + 60_000) };

describe("referral cookie", () => {
  it("verifies what it signed", () => {
    const token = signReferralCookie(SECRET, value);
    expect(token).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(token.length).toBeLessThan(400);
    expect(verifyReferralCookie(SECRET, token)).toEqual(value);
  });

  it("refuses another secret's cookie", () => {
    expect(verifyReferralCookie("another-secret-another-secret-xx", signReferralCookie(SECRET, value))).toBeUndefined();
  });

  const token = signReferralCookie(SECRET, value);
  const [body, sig] = token.split(".") as [string, string];
  const forgedBody = Buffer.from(
    JSON.stringify(["0123456789abcdef01234567", "rfl_other0aaaaaaa", "rck_click1aaaaaaa", t0, "rfl_other0aaaaaaa", "rck_click2aaaaaaa", t0]),
  ).toString("base64url");

  it.each([
    ["undefined", undefined],
    ["empty", ""],
    ["no signature", body],
    ["altered body, old signature", `${forgedBody}.${sig}`],
    ["truncated signature", `${body}.${sig.slice(0, -2)}`],
    ["extra part", `${token}.x`],
    ["garbage", "not-a-cookie"],
    ["huge", `${"a".repeat(2000)}.${sig}`],
  ])("refuses a %s cookie", (_label, candidate) => {
    expect(verifyReferralCookie(SECRET, candidate)).toBeUndefined();
  });

  it("refuses a genuinely signed cookie whose fields are not ids and times", () => {
    const bad = signReferralCookie(SECRET, { ...value, first: { ...value.first, linkId: "rfl_x'; drop table" } });
    expect(verifyReferralCookie(SECRET, bad)).toBeUndefined();
    const badTime = signReferralCookie(SECRET, { ...value, last: { ...value.last, at: -5 } });
    expect(verifyReferralCookie(SECRET, badTime)).toBeUndefined();
  });

  it("new visitor ids are random hex", () => {
    const a = newVisitorId();
    expect(a).toMatch(/^[0-9a-f]{24}$/);
    expect(newVisitorId()).not.toBe(a);
  });
});

describe("touches", () => {
  const day = 86_400_000;
  const window = 60 * day;

  it("a first click is both the first and the last touch", () => {
    expect(withTouch(undefined, "v1", touch(1), window)).toEqual({ visitorId: "v1", first: touch(1), last: touch(1) });
  });

  it("a later click keeps the visitor and first touch, and becomes the last", () => {
    const before = withTouch(undefined, "v1", touch(1), window);
    expect(withTouch(before, "v2", touch(2, t0 + day), window)).toEqual({ visitorId: "v1", first: touch(1), last: touch(2, t0 + day) });
  });

  it("once the first touch is older than the window, the new click starts over as first", () => {
    const before = withTouch(undefined, "v1", touch(1), window);
    const later = touch(2, t0 + window + 1);
    expect(withTouch(before, "v2", later, window)).toEqual({ visitorId: "v1", first: later, last: later });
  });
});
