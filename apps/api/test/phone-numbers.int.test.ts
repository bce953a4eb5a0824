import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let a: Account;
let b: Account;
let agentA = "";
let agentB = "";

beforeAll(async () => {
  t = await buildTestApp();
  a = await signup(t.app, "pn-a");
  b = await signup(t.app, "pn-b");
  agentA = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(a.token), payload: validAgent })).json().id;
  agentB = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(b.token), payload: validAgent })).json().id;
});
afterAll(() => t.close());

describe("/v1/phone-numbers", () => {
  it("create, list, get, patch, delete", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/phone-numbers",
      headers: bearer(a.token),
      payload: { number: "+14155550100", provider: "twilio", agentId: agentA, label: "Main line" },
    });
    expect(created.statusCode, created.body).toBe(201);
    const pn = created.json();
    expect(pn).toMatchObject({ number: "+14155550100", provider: "twilio", agentId: agentA, label: "Main line", escalationNumber: null });
    expect(pn.id).toMatch(/^pn_/);
    expect((await t.app.inject({ url: "/v1/phone-numbers", headers: bearer(a.token) })).json().data).toHaveLength(1);
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/v1/phone-numbers/${pn.id}`,
      headers: bearer(a.token),
      payload: { agentId: null, escalationNumber: "+14155550199" },
    });
    expect(patched.json()).toMatchObject({ agentId: null, escalationNumber: "+14155550199" });
    expect((await t.app.inject({ method: "DELETE", url: `/v1/phone-numbers/${pn.id}`, headers: bearer(a.token) })).statusCode).toBe(204);
    expect((await t.app.inject({ url: `/v1/phone-numbers/${pn.id}`, headers: bearer(a.token) })).statusCode).toBe(404);
  });

  it("a number belongs to exactly one workspace: the second claim is a conflict", async () => {
    const first = await t.app.inject({
      method: "POST",
      url: "/v1/phone-numbers",
      headers: bearer(a.token),
      payload: { number: "+14155550111", provider: "telnyx" },
    });
    expect(first.statusCode).toBe(201);
    const again = await t.app.inject({
      method: "POST",
      url: "/v1/phone-numbers",
      headers: bearer(b.token),
      payload: { number: "+14155550111", provider: "telnyx" },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("conflict");
  });

  it("validates E.164 and provider with paths; another tenant's agent is 404", async () => {
    const bad = await t.app.inject({ method: "POST", url: "/v1/phone-numbers", headers: bearer(a.token), payload: { number: "415-555", provider: "sip" } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(["body.number", "body.provider"]));
    const foreign = await t.app.inject({
      method: "POST",
      url: "/v1/phone-numbers",
      headers: bearer(a.token),
      payload: { number: "+14155550122", provider: "twilio", agentId: agentB },
    });
    expect(foreign.statusCode).toBe(404);
  });
});
