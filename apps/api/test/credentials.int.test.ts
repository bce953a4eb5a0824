import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "@orbis/db";
import { eq } from "@orbis/db/testing";
import { createCredentialCipher } from "@orbis/credentials";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let a: Account;
const twilioCreds = { accountSid: `AC${"0123456789abcdef".repeat(2)}`, authToken: "super-secret-auth-token-1234" };

beforeAll(async () => {
  t = await buildTestApp();
  a = await signup(t.app, "creds");
});
afterAll(() => t.close());

describe("credentials cipher (AES-256-GCM)", () => {
  const cipher = createCredentialCipher(Buffer.alloc(32, 1));
  it.each([
    ["round trip", "ws_a:twilio", "ws_a:twilio", true],
    ["another tenant's associated data", "ws_a:twilio", "ws_b:twilio", false],
    ["another provider's associated data", "ws_a:twilio", "ws_a:telnyx", false],
  ])("%s", (_name, encAad, decAad, ok) => {
    const blob = cipher.encrypt({ k: "v" }, encAad);
    if (ok) expect(cipher.decrypt(blob, decAad)).toEqual({ k: "v" });
    else expect(() => cipher.decrypt(blob, decAad)).toThrow();
  });
  it("a tampered blob does not decrypt; a fresh IV each time", () => {
    const blob = cipher.encrypt({ k: "v" }, "x");
    expect(cipher.encrypt({ k: "v" }, "x")).not.toBe(blob);
    const raw = Buffer.from(blob.slice(3), "base64");
    raw[raw.length - 1]! ^= 1;
    expect(() => cipher.decrypt(`v1.${raw.toString("base64")}`, "x")).toThrow();
  });
  it("without a key, storage is unavailable rather than plaintext", () => {
    expect(() => createCredentialCipher(undefined).encrypt({}, "x")).toThrow(/ENCRYPTION_KEY/);
  });
});

describe("/v1/credentials/:provider", () => {
  it("stores encrypted, answers metadata only, never the secret", async () => {
    const put = await t.app.inject({ method: "PUT", url: "/v1/credentials/twilio", headers: bearer(a.token), payload: twilioCreds });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ provider: "twilio", configured: true, hints: { accountSid: twilioCreds.accountSid, authToken: "…1234" } });
    expect(put.body).not.toContain(twilioCreds.authToken);
    const get = await t.app.inject({ url: "/v1/credentials/twilio", headers: bearer(a.token) });
    expect(get.statusCode).toBe(200);
    expect(get.body).not.toContain(twilioCreds.authToken);
    const [row] = await t.db.system.select().from(schema.workspaceCredentials).where(eq(schema.workspaceCredentials.workspaceId, a.workspaceId));
    expect(row!.ciphertext.startsWith("v1.")).toBe(true);
    expect(row!.ciphertext).not.toContain("super-secret");
    const audit = await t.app.inject({ url: "/v1/audit-logs", headers: bearer(a.token) });
    expect(audit.body).toContain("credentials.set");
    expect(audit.body).not.toContain(twilioCreds.authToken);
  });

  it("validates per provider with the field path; unknown providers 422", async () => {
    const bad = await t.app.inject({ method: "PUT", url: "/v1/credentials/twilio", headers: bearer(a.token), payload: { accountSid: "nope", authToken: "x" } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.message).toMatch(/^body\.accountSid/);
    const telnyx = await t.app.inject({
      method: "PUT",
      url: "/v1/credentials/telnyx",
      headers: bearer(a.token),
      payload: { apiKey: "KEY0123456789", publicKey: "short" },
    });
    expect(telnyx.json().error.message).toMatch(/^body\.publicKey/);
    expect((await t.app.inject({ method: "PUT", url: "/v1/credentials/acme", headers: bearer(a.token), payload: {} })).statusCode).toBe(422);
  });

  it("staff cannot read or set; delete then 404", async () => {
    const staff = await addMember(t.app, a, "staff");
    expect((await t.app.inject({ url: "/v1/credentials/twilio", headers: bearer(staff.token) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "PUT", url: "/v1/credentials/twilio", headers: bearer(staff.token), payload: twilioCreds })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "DELETE", url: "/v1/credentials/twilio", headers: bearer(a.token) })).statusCode).toBe(204);
    expect((await t.app.inject({ url: "/v1/credentials/twilio", headers: bearer(a.token) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "DELETE", url: "/v1/credentials/twilio", headers: bearer(a.token) })).statusCode).toBe(404);
  });
});
