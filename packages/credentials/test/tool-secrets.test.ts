import { describe, expect, it } from "vitest";
import { createToolSecretsCipher, toolSecretHints } from "../src/index.ts";

const key = Buffer.alloc(32, 9);
const tool = { id: "tool_aaaaaaaaaaaaaaaaaaaaaaaaaa", workspaceId: "ws_aaaaaaaaaaaaaaaaaaaaaaaaaa" };
const secret = "tsec_abcdefghijklmnopqrstuvwxyz0123456789ABCD";

describe("tool secrets at rest", () => {
  const cipher = createToolSecretsCipher(key);

  it("seals the secret and every header value, keeps hints in clear, and opens them back", () => {
    const stored = { secret: cipher.sealSecret(tool, secret), headers: cipher.sealHeaders(tool, { Authorization: "Bearer sk_live_0123456789" }) };
    expect(stored.secret).toMatch(/^enc:v1:[A-Za-z0-9+/=]+:tsec_abcd…ABCD$/);
    expect(stored.headers.Authorization).toMatch(/^enc:v1:[A-Za-z0-9+/=]+:…6789$/);
    expect(JSON.stringify(stored)).not.toContain("sk_live");
    expect(JSON.stringify(stored)).not.toContain("mnopqrstuvwxyz");
    expect(toolSecretHints(stored)).toEqual({ secretHint: "tsec_abcd…ABCD", headerHints: { Authorization: "…6789" } });
    expect(cipher.open(tool, stored)).toEqual({ secret, headers: { Authorization: "Bearer sk_live_0123456789" } });
  });

  it("binds a value to its tool and field: copied elsewhere it does not open", () => {
    const sealed = cipher.sealSecret(tool, secret);
    expect(() => cipher.open({ ...tool, id: "tool_bbbbbbbbbbbbbbbbbbbbbbbbbb" }, { secret: sealed, headers: {} })).toThrow(
      expect.objectContaining({ code: "conflict", message: expect.stringMatching(/do not decrypt/) }),
    );
    expect(() => cipher.open({ ...tool, workspaceId: "ws_bbbbbbbbbbbbbbbbbbbbbbbbbb" }, { secret: sealed, headers: {} })).toThrow();
    expect(() => cipher.open(tool, { secret: "x", headers: { "X-Other": sealed } })).toThrow();
    expect(() => createToolSecretsCipher(Buffer.alloc(32, 1)).open(tool, { secret: sealed, headers: {} })).toThrow();
  });

  it("reads legacy plaintext as it is and seals it on the next write; sealed values are kept", () => {
    const legacy = { secret, headers: { "X-Api-Key": "legacy-key-value" } };
    expect(cipher.open(tool, legacy)).toEqual(legacy);
    expect(toolSecretHints(legacy)).toEqual({ secretHint: "tsec_abcd…ABCD", headerHints: { "X-Api-Key": "…alue" } });
    const resealed = cipher.resealStored(tool, legacy);
    expect(resealed.secret).toMatch(/^enc:v1:/);
    expect(JSON.stringify(resealed)).not.toContain("legacy-key-value");
    expect(cipher.open(tool, resealed)).toEqual(legacy);
    expect(cipher.resealStored(tool, resealed)).toEqual(resealed);
  });

  it("shows at most a quarter of a short header value", () => {
    const hints = toolSecretHints({ secret, headers: { A: "abc", B: "abcdefgh", C: "a-much-longer-value" } }).headerHints;
    expect(hints).toEqual({ A: "…", B: "…gh", C: "…alue" });
  });

  it("without ENCRYPTION_KEY nothing is sealed or opened", () => {
    const keyless = createToolSecretsCipher(undefined);
    expect(() => keyless.sealSecret(tool, secret)).toThrow(/ENCRYPTION_KEY/);
    expect(() => keyless.open(tool, { secret: cipher.sealSecret(tool, secret), headers: {} })).toThrow(/ENCRYPTION_KEY/);
  });
});
