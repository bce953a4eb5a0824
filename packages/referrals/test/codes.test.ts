import { referralCodeSchema } from "@orbis/contracts";
import { describe, expect, it } from "vitest";
import { codeSlug, isReferralCode, newReferralCode, randomCodeSuffix, safeLandingPath } from "../src/codes.ts";

describe("referral codes", () => {
  it.each([
    ["Jane Doe", "jane-doe"],
    ["  Zoë  O'Brien ", "zoe-o-brien"],
    ["ACME Dental, Inc.", "acme-dental-inc"],
    ["Émile — Ça va!", "emile-ca-va"],
    ["株式会社", ""],
    ["", ""],
    [null, ""],
    ["a very long name that goes on and on and on", "a-very-long-name-that-go"],
    ["name ending exactly at the cut - x", "name-ending-exactly-at-t"],
  ])("slug of %j is %j", (name, slug) => {
    expect(codeSlug(name)).toBe(slug);
  });

  it("a slug never ends with a dash after the cut", () => {
    expect(codeSlug("abcdefghijklmnopqrstuvw yz")).toBe("abcdefghijklmnopqrstuvw");
  });

  it("the random part is 6 base32 characters, and varies", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const s = randomCodeSuffix();
      expect(s).toMatch(/^[a-z2-7]{6}$/);
      seen.add(s);
    }
    expect(seen.size).toBeGreaterThan(190);
  });

  it.each([
    ["Jane Doe", "jane-doe-k3m7qz"],
    ["株式会社", "ref-k3m7qz"],
    [undefined, "ref-k3m7qz"],
    ["x".repeat(80), `${"x".repeat(24)}-k3m7qz`],
  ])("a code for %j is %j and passes referralCodeSchema", (name, code) => {
    const made = newReferralCode(name, () => "k3m7qz");
    expect(made).toBe(code);
    expect(referralCodeSchema.safeParse(made).success).toBe(true);
  });

  it("real codes (random part) always pass the schema", () => {
    for (const name of ["Jane", "", "Ölçü Åström", "-- weird --", "9lives"]) expect(isReferralCode(newReferralCode(name))).toBe(true);
  });

  it.each([
    ["jane-doe-k3m7qz", true],
    ["ref-abcdef", true],
    ["abc", false],
    ["-abcdef", false],
    ["Jane-Doe", false],
    ["jane_doe", false],
    ["x".repeat(41), false],
    ["../etc", false],
  ])("isReferralCode(%j) is %s", (code, ok) => {
    expect(isReferralCode(code)).toBe(ok);
  });
});

describe("landing path", () => {
  it.each([
    ["/pricing", "/pricing"],
    ["/pricing?plan=pro#faq", "/pricing?plan=pro#faq"],
    ["/", "/"],
    ["/a/../b", "/b"],
    [undefined, "/"],
    ["", "/"],
    [["/a", "/b"], "/"],
    ["pricing", "/"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["\\\\evil.example", "/"],
    ["https://evil.example/x", "/"],
    ["javascript:alert(1)", "/"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/ok\r\nset-cookie: x=y", "/"],
    ["/\tx", "/"],
    [`/${"a".repeat(600)}`, "/"],
  ])("safeLandingPath(%j) is %j", (to, path) => {
    expect(safeLandingPath(to)).toBe(path);
  });
});
