import { describe, expect, it } from "vitest";
import { isPhoneCode, newPhoneCode, phoneCodeHasher, uniquePhoneCode } from "../src/phone-codes.ts";

describe("practice dial-in codes", () => {
  it("are six digits, leading zeros kept, and spread over the whole range", () => {
    const codes = Array.from({ length: 2000 }, newPhoneCode);
    for (const c of codes) expect(isPhoneCode(c)).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(1990);
    expect(codes.some((c) => c.startsWith("0"))).toBe(true);
    expect(["12345", "1234567", "12a456", ""].map(isPhoneCode)).toEqual([false, false, false, false]);
  });

  it("are stored as a keyed hash bound to the workspace: another secret or workspace gives another hash", () => {
    const hash = phoneCodeHasher("a".repeat(32));
    const h = hash("ws_a", "123456");
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hash("ws_a", "123456")).toBe(h);
    expect(hash("ws_b", "123456")).not.toBe(h);
    expect(hash("ws_a", "123457")).not.toBe(h);
    expect(phoneCodeHasher("b".repeat(32))("ws_a", "123456")).not.toBe(h);
  });

  it("a new code avoids the hashes of the live ones", () => {
    const hash = (c: string) => (Number(c) % 2 === 0 ? "even" : "odd");
    for (let i = 0; i < 50; i++) expect(uniquePhoneCode(hash, new Set(["even"])).hash).toBe("odd");
  });
});
