import { describe, expect, it } from "vitest";
import {
  clickFlag,
  CLICK_BURST_PER_HOUR,
  DISPOSABLE_EMAIL_DOMAINS,
  emailDomain,
  hashSignal,
  isDisposableEmail,
  isSelfReferral,
  signupFlags,
  type SignupFacts,
} from "../src/fraud.ts";

const SECRET = "test-secret-test-secret-test-secret";

describe("hashed signals", () => {
  it("is stable per secret and kind, and never the raw value", () => {
    const h = hashSignal(SECRET, "ip", "203.0.113.7");
    expect(h).toBe(hashSignal(SECRET, "ip", "203.0.113.7"));
    expect(h).not.toContain("203.0.113.7");
    expect(h).toMatch(/^[\w-]{43}$/);
    expect(hashSignal(SECRET, "ip", "203.0.113.8")).not.toBe(h);
    expect(hashSignal(SECRET, "ua", "203.0.113.7")).not.toBe(h);
    expect(hashSignal("another-secret-another-secret-xx", "ip", "203.0.113.7")).not.toBe(h);
  });
});

describe("click bursts", () => {
  it.each([
    [{ fromIp: 0, fromVisitorOnLink: 0 }, null],
    [{ fromIp: CLICK_BURST_PER_HOUR - 1, fromVisitorOnLink: 3 }, null],
    [{ fromIp: CLICK_BURST_PER_HOUR, fromVisitorOnLink: 0 }, "click_burst"],
    [{ fromIp: 1, fromVisitorOnLink: CLICK_BURST_PER_HOUR }, "click_burst"],
    [{ fromIp: 500, fromVisitorOnLink: 500 }, "click_burst"],
  ])("%j → %s", (counts, flag) => {
    expect(clickFlag(counts)).toBe(flag);
  });

  it("takes another limit", () => {
    expect(clickFlag({ fromIp: 5, fromVisitorOnLink: 0 }, 5)).toBe("click_burst");
  });
});

describe("emails", () => {
  it.each([
    ["Jane@Acme.COM", "acme.com"],
    ["a@b@sub.example.org", "sub.example.org"],
    ["no-at-sign", ""],
    ["x@example.com.", "example.com"],
  ])("domain of %s is %j", (email, domain) => {
    expect(emailDomain(email)).toBe(domain);
  });

  it.each([
    ["x@mailinator.com", true],
    ["x@MAILINATOR.com", true],
    ["x@eu.mailinator.com", true],
    ["x@yopmail.com", true],
    ["x@guerrillamail.com", true],
    ["x@10minutemail.com", true],
    ["x@trashmail.de", true],
    ["x@notmailinator.com", false],
    ["x@mailinator.com.example", false],
    ["x@gmail.com", false],
    ["x@acme.com", false],
  ])("disposable(%s) is %s", (email, yes) => {
    expect(isDisposableEmail(email)).toBe(yes);
  });

  it("keeps about thirty disposable domains", () => {
    expect(DISPOSABLE_EMAIL_DOMAINS.size).toBeGreaterThanOrEqual(30);
  });

  it.each([
    ["jane@acme.com", "jane@acme.com", true],
    ["Jane@Acme.com", " jane@acme.com", true],
    ["jane@acme.com", "bob@acme.com", true],
    ["jane@acme.com", "bob@ACME.com", true],
    ["jane@gmail.com", "bob@gmail.com", false],
    ["jane@gmail.com", "jane@gmail.com", true],
    ["jane@proton.me", "bob@proton.me", false],
    ["jane@acme.com", "bob@sub.acme.com", false],
    ["jane@acme.com", "bob@other.com", false],
    [null, "bob@acme.com", false],
  ])("self-referral(%s → %s) is %s", (referrer, email, yes) => {
    expect(isSelfReferral(referrer, email)).toBe(yes);
  });
});

describe("signup flags", () => {
  const clean: SignupFacts = { email: "new@newco.com", referrerEmail: "jane@acme.com", affiliateStatus: null, recentSignupsFromIp: 0, clickFlagged: false };

  it.each<[string, Partial<SignupFacts>, string[]]>([
    ["a clean signup", {}, []],
    ["the referrer's own company", { email: "bob@acme.com" }, ["self_referral"]],
    ["the second from one address", { recentSignupsFromIp: 1 }, []],
    ["the third from one address", { recentSignupsFromIp: 2 }, ["signup_burst"]],
    ["a burst click", { clickFlagged: true }, ["click_burst"]],
    ["a throwaway mailbox", { email: "x@yopmail.com" }, ["disposable_email"]],
    ["an approved affiliate", { affiliateStatus: "approved", referrerEmail: "aff@partner.io" }, []],
    ["a pending affiliate", { affiliateStatus: "pending", referrerEmail: "aff@partner.io" }, ["referrer_inactive"]],
    ["a rejected affiliate", { affiliateStatus: "rejected", referrerEmail: "aff@partner.io" }, ["referrer_inactive"]],
    [
      "everything at once",
      { email: "jane@acme.com", recentSignupsFromIp: 9, clickFlagged: true, affiliateStatus: "unverified" },
      ["self_referral", "signup_burst", "click_burst", "referrer_inactive"],
    ],
  ])("%s", (_label, facts, flags) => {
    expect(signupFlags({ ...clean, ...facts })).toEqual(flags);
  });
});
