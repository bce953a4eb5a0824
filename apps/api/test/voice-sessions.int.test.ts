import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
