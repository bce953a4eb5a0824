import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenService } from "@orbis/auth";
import { testConfig } from "@orbis/config";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let agentId = "";

beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "voice");
  agentId = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(owner.token), payload: validAgent })).json().id;
});
afterAll(() => t.close());

const open = (token: string, agent = agentId) =>
  t.app.inject({ method: "POST", url: "/v1/voice/sessions", headers: bearer(token), payload: { agentId: agent } });

describe("POST /v1/voice/sessions", () => {
  it("a staff member trying an agent gets a token and the stream URL", async () => {
    const staff = await addMember(t.app, owner, "staff");
    const res = await open(staff.token);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.url).toMatch(/^ws:\/\/.*\/v1\/stream\?token=/);
    expect(new URL(body.url).searchParams.get("token")).toBe(body.token);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
  });

  it("a viewer is refused (403); another workspace's agent is not found (404)", async () => {
    const viewer = await addMember(t.app, owner, "viewer");
    expect((await open(viewer.token)).statusCode).toBe(403);
    const other = await signup(t.app, "voice-other");
    expect((await open(other.token)).statusCode).toBe(404);
  });
});

describe("POST /v1/voice/sessions: which config the call runs", () => {
  const tokens = createTokenService(testConfig().jwtSecret!);
  const modeOf = async (token: string) => (await tokens.verifyVoiceToken(token))?.mode;

  it("the published version by default; the draft when a signed-in member asks for it", async () => {
    const byDefault = await open(owner.token);
    expect(await modeOf(byDefault.json().token)).toBe("published");
    const draft = await t.app.inject({ method: "POST", url: "/v1/voice/sessions", headers: bearer(owner.token), payload: { agentId, mode: "draft" } });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(await modeOf(draft.json().token)).toBe("draft");
  });

  it("API keys cannot ask for the draft (403); an unknown mode is a 422", async () => {
    const key = (await t.app.inject({ method: "POST", url: "/v1/api-keys", headers: bearer(owner.token), payload: { name: "srv", kind: "secret" } })).json()
      .key;
    const bySecret = await t.app.inject({ method: "POST", url: "/v1/voice/sessions", headers: bearer(key), payload: { agentId, mode: "draft" } });
    expect(bySecret.statusCode).toBe(403);
    expect(bySecret.json().error.message).toMatch(/draft/);
    const bad = await t.app.inject({ method: "POST", url: "/v1/voice/sessions", headers: bearer(owner.token), payload: { agentId, mode: "live" } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toContain("body.mode");
  });
});
