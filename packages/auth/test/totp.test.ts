import { describe, expect, it } from "vitest";
import {
  base32Decode,
  base32Encode,
  generateRecoveryCodes,
  generateTotpSecret,
  matchTotp,
  recoveryCodeHash,
  totpCode,
  totpStepAt,
  totpUri,
} from "../src/totp.ts";
import { createTokenService } from "../src/tokens.ts";

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = base32Encode(Buffer.from("12345678901234567890"));

describe("TOTP (RFC 6238)", () => {
  it("matches the RFC's SHA-1 test vectors (8 digits) and their 6-digit forms", () => {
    const vectors: [number, string][] = [
      [59, "94287082"],
      [1111111109, "07081804"],
      [1111111111, "14050471"],
      [1234567890, "89005924"],
      [2000000000, "69279037"],
      [20000000000, "65353130"],
    ];
    for (const [unix, expected] of vectors) {
      const step = totpStepAt(new Date(unix * 1000));
      expect(totpCode(RFC_SECRET, step, 8)).toBe(expected);
      expect(totpCode(RFC_SECRET, step)).toBe(expected.slice(2));
    }
  });

  it("accepts a code within one step of the clock, answering its step, and nothing else", () => {
    const at = new Date(1_800_000_000_000);
    const step = totpStepAt(at);
    for (const offset of [-1, 0, 1]) expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, step + offset), at)).toBe(step + offset);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, step + 2), at)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, step - 2), at)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, "12345", at)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, "abcdef", at)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, ` ${totpCode(RFC_SECRET, step).slice(0, 3)} ${totpCode(RFC_SECRET, step).slice(3)} `, at)).toBe(step);
  });

  it("secrets are 160 random bits in base32; base32 round-trips", () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(secret);
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253]);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    expect(base32Encode(Buffer.from("foobar"))).toBe("MZXW6YTBOI");
  });

  it("builds the otpauth URI authenticator apps read", () => {
    expect(totpUri("JBSWY3DPEHPK3PXP", "ana@example.com", "OrbisVoice")).toBe(
      "otpauth://totp/OrbisVoice:ana%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=OrbisVoice&algorithm=SHA1&digits=6&period=30",
    );
  });
});

describe("recovery codes", () => {
  it("ten distinct codes in four groups, hashed the same however they are typed", () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$/);
    const hash = recoveryCodeHash(codes[0]!);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(recoveryCodeHash(codes[0]!.toUpperCase().replaceAll("-", " "))).toBe(hash);
    expect(recoveryCodeHash(codes[1]!)).not.toBe(hash);
    expect(recoveryCodeHash("123456")).toBeUndefined();
  });
});

describe("login challenge tokens", () => {
  const SECRET = "test-secret-test-secret-test-secret";
  it("carry the user, workspace and purpose, and are neither sessions nor accepted from sessions", async () => {
    const tokens = createTokenService(SECRET);
    const challenge = await tokens.issueLoginChallenge("usr_1", "ws_1", "code");
    expect(await tokens.verifyLoginChallenge(challenge.token)).toMatchObject({ userId: "usr_1", workspaceId: "ws_1", purpose: "code", jti: challenge.jti });
    expect(await tokens.verifySession(challenge.token)).toBeUndefined();
    const session = await tokens.issueSession("usr_1", "ws_1");
    expect(session.jti).toMatch(/^ses_[0-9a-z]{24}$/);
    expect(await tokens.verifyLoginChallenge(session.token)).toBeUndefined();
  });

  it("expire after five minutes", async () => {
    let at = new Date("2026-12-01T09:00:00Z");
    const tokens = createTokenService(SECRET, () => at);
    const { token } = await tokens.issueLoginChallenge("usr_1", "ws_1", "enroll");
    at = new Date(at.getTime() + 299_000);
    expect(await tokens.verifyLoginChallenge(token)).toMatchObject({ purpose: "enroll" });
    at = new Date(at.getTime() + 2_000);
    expect(await tokens.verifyLoginChallenge(token)).toBeUndefined();
  });
});
