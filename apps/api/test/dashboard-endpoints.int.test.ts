import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

/** A stand-in OpenAI host: `GET /models` answers 200 for the good key and 401 for any other. */
let vendor: Server;
let vendorUrl: string;
let t: TestApp;
let a: Account;
let b: Account;
const GOOD_KEY = "sk-good-key-123456";

beforeAll(async () => {
  vendor = createServer((req, res) => {
    const ok = req.headers.authorization === `Bearer ${GOOD_KEY}`;
    res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
    res.end(JSON.stringify(ok ? { object: "list", data: [] } : { error: { message: "Incorrect API key provided" } }));
  });
  await new Promise<void>((r) => vendor.listen(0, "127.0.0.1", r));
  vendorUrl = `http://127.0.0.1:${(vendor.address() as { port: number }).port}/v1`;
  t = await buildTestApp({ publicBaseUrl: "https://voice.example.com", providerKeys: { openai: { baseUrl: vendorUrl } } });
  a = await signup(t.app, "dash-a");
  b = await signup(t.app, "dash-b");
});
afterAll(async () => {
  await t.close();
  await new Promise((r) => vendor.close(r));
});

const put = (acc: Account, provider: string, payload: unknown) =>
  t.app.inject({ method: "PUT", url: `/v1/credentials/${provider}`, headers: bearer(acc.token), payload: payload as Record<string, unknown> });
const testKey = (acc: Account, provider: string) => t.app.inject({ method: "POST", url: `/v1/credentials/${provider}/test`, headers: bearer(acc.token) });

describe("GET /v1/phone-numbers/setup", () => {
  it("builds the carrier URLs from the public base URL", async () => {
    const res = await t.app.inject({ url: "/v1/phone-numbers/setup", headers: bearer(a.token) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      publicBaseUrl: "https://voice.example.com",
      publicBaseUrlSet: true,
      twilio: {
        voiceUrl: "https://voice.example.com/v1/telephony/twilio/voice",
        statusCallbackUrl: "https://voice.example.com/v1/telephony/twilio/status",
        mediaStreamUrl: "wss://voice.example.com/v1/telephony/twilio/media",
      },
      telnyx: { webhookUrl: "https://voice.example.com/v1/telephony/telnyx/webhook", mediaStreamUrl: "wss://voice.example.com/v1/telephony/telnyx/media" },
    });
  });
  it("needs a session", async () => {
    expect((await t.app.inject({ url: "/v1/phone-numbers/setup" })).statusCode).toBe(401);
  });
});

describe("GET /v1/credentials and POST /v1/credentials/:provider/test", () => {
  it("lists hints only, and tells a refused key (401) from a working one", async () => {
    expect((await put(a, "openai", { apiKey: "sk-wrong-key-000000" })).statusCode).toBe(200);
    const list = await t.app.inject({ url: "/v1/credentials", headers: bearer(a.token) });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((c: { provider: string }) => c.provider)).toEqual(["openai"]);
    expect(list.body).not.toContain("sk-wrong-key-000000");

    const refused = await testKey(a, "openai");
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json()).toMatchObject({ provider: "openai", result: "unauthorized" });
    expect(refused.json().message).toMatch(/401/);

    await put(a, "openai", { apiKey: GOOD_KEY });
    expect((await testKey(a, "openai")).json()).toMatchObject({ result: "ok" });
  });

  it("says unreachable when the vendor does not answer", async () => {
    const offline = await buildTestApp({ providerKeys: { openai: { baseUrl: "http://127.0.0.1:9/v1" } } }, { db: t.db, cache: t.cache });
    try {
      const res = await offline.app.inject({ method: "POST", url: "/v1/credentials/openai/test", headers: bearer(a.token) });
      expect(res.json()).toMatchObject({ result: "unreachable" });
    } finally {
      await offline.app.close();
    }
  });

  it("checks a carrier's credentials by format only, and says so", async () => {
    await put(a, "twilio", { accountSid: `AC${"0123456789abcdef".repeat(2)}`, authToken: "super-secret-auth-token-1234" });
    const res = await testKey(a, "twilio");
    expect(res.json()).toMatchObject({ provider: "twilio", result: "format_ok" });
    expect(res.json().message).toMatch(/Not checked with Twilio/);
  });

  it("another workspace sees none of them: empty list, 404 on test", async () => {
    expect((await t.app.inject({ url: "/v1/credentials", headers: bearer(b.token) })).json()).toEqual({ data: [] });
    expect((await testKey(b, "openai")).statusCode).toBe(404);
    expect((await testKey(b, "twilio")).statusCode).toBe(404);
  });

  it("is for admins; unknown providers are a 422", async () => {
    const staff = await addMember(t.app, a, "staff");
    expect((await testKey(staff, "openai")).statusCode).toBe(403);
    expect((await t.app.inject({ url: "/v1/credentials", headers: bearer(staff.token) })).statusCode).toBe(403);
    expect((await testKey(a, "nope")).statusCode).toBe(422);
  });
});

describe("GET /v1/audit-logs filters and cursor", () => {
  const audit = (acc: Account, query: string) => t.app.inject({ url: `/v1/audit-logs?${query}`, headers: bearer(acc.token) });

  it("filters by action, target type, actor and time, and pages with the cursor without gaps", async () => {
    for (let i = 0; i < 5; i++) await put(a, "deepgram", { apiKey: `dg-key-${i}-abcdefgh` });
    const byAction = await audit(a, "action=credentials.set&limit=2");
    expect(byAction.statusCode, byAction.body).toBe(200);
    const seen: string[] = [];
    let page = byAction.json() as { data: { id: string; action: string; actorUserId: string }[]; nextCursor: string | null };
    for (;;) {
      expect(page.data.every((e) => e.action === "credentials.set")).toBe(true);
      seen.push(...page.data.map((e) => e.id));
      if (!page.nextCursor) break;
      page = (await audit(a, `action=credentials.set&limit=2&cursor=${page.nextCursor}`)).json();
    }
    const all = (await audit(a, "action=credentials.set&limit=500")).json().data.map((e: { id: string }) => e.id);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(8);

    expect((await audit(a, "targetType=credentials&limit=500")).json().data).toHaveLength(all.length);
    expect((await audit(a, `actor=${a.userId}&action=credentials.set&limit=500`)).json().data).toHaveLength(all.length);
    expect((await audit(a, `actor=key_${"x".repeat(10)}`)).json().data).toEqual([]);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await audit(a, `from=${future}`)).json().data).toEqual([]);
    expect((await audit(a, `to=${future}&action=credentials.set&limit=500`)).json().data).toHaveLength(all.length);
  });

  it("refuses bad filters and cursors with the field named", async () => {
    for (const [q, path] of [
      ["cursor=nope", "query.cursor"],
      ["actor=agt_123", "querystring.actor"],
      ["action=DROP%20TABLE", "querystring.action"],
      ["from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "querystring.from"],
    ] as const) {
      const res = await audit(a, q);
      expect(res.statusCode, q).toBe(422);
      expect(JSON.stringify(res.json().error), q).toContain(path);
    }
  });

  it("another workspace reads none of A's entries", async () => {
    const mine = (await audit(b, "limit=500")).json().data as { action: string }[];
    expect(mine.some((e) => e.action === "credentials.set")).toBe(false);
    expect((await audit(b, `actor=${a.userId}`)).json().data).toEqual([]);
  });
});
