import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBusiness } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let staff: Account;
let viewer: Account;
let other: Account;
let agentId: string;

beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "biz");
  staff = await addMember(t.app, owner, "staff");
  viewer = await addMember(t.app, owner, "viewer");
  other = await signup(t.app, "biz-other");
  agentId = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(owner.token), payload: validAgent })).json().id;
});
afterAll(() => t.close());

describe("GET /v1/templates", () => {
  it("is public and lists the five vertical templates with suggestions a business config accepts", async () => {
    const res = await t.app.inject({ method: "GET", url: "/v1/templates" });
    expect(res.statusCode).toBe(200);
    const ids = res.json().data.map((x: { id: string }) => x.id);
    expect(ids).toEqual(["dental", "home_services", "auto_repair", "salon_spa", "generic"]);
    // A template's suggestions plus the business's own name and zone are accepted by PUT business.
    const dental = { ...res.json().data[0].suggestions, name: "Harbor Physio", timezone: "America/New_York" };
    const put = await t.app.inject({ method: "PUT", url: `/v1/agents/${agentId}/business`, headers: bearer(owner.token), payload: dental });
    expect(put.statusCode, put.body).toBe(200);
  });
});

describe("/v1/agents/:id/business", () => {
  it("an agent without config reads the generic template under the workspace name (configured=false)", async () => {
    const fresh = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(owner.token), payload: validAgent })).json().id;
    const res = await t.app.inject({ method: "GET", url: `/v1/agents/${fresh}/business`, headers: bearer(viewer.token) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ configured: false, business: { name: "biz workspace", escalationPhone: null } });
  });

  it("admin replaces it; defaults are applied; viewer reads it back; PATCH agent keeps it", async () => {
    const put = await t.app.inject({ method: "PUT", url: `/v1/agents/${agentId}/business`, headers: bearer(owner.token), payload: testBusiness });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ configured: true, business: { name: "Test Dental", country: "US", closures: [], booking: { slotStepMin: 60 } } });
    const got = await t.app.inject({ method: "GET", url: `/v1/agents/${agentId}/business`, headers: bearer(viewer.token) });
    expect(got.json()).toEqual(put.json());
    await t.app.inject({ method: "PATCH", url: `/v1/agents/${agentId}`, headers: bearer(owner.token), payload: { name: "Renamed" } });
    const after = await t.app.inject({ method: "GET", url: `/v1/agents/${agentId}/business`, headers: bearer(viewer.token) });
    expect(after.json()).toEqual(put.json());
    const agent = (await t.app.inject({ method: "GET", url: `/v1/agents/${agentId}`, headers: bearer(viewer.token) })).json();
    expect(agent).toMatchObject({ name: "Renamed", greeting: validAgent.greeting, systemPrompt: validAgent.systemPrompt });
  });

  it("422 with the path: bad zone, unknown staff id in a service", async () => {
    const bad = { ...testBusiness, timezone: "Mars/Olympus", services: [{ id: "x", name: "X", durationMin: 30, staffIds: ["ghost"] }] };
    const res = await t.app.inject({ method: "PUT", url: `/v1/agents/${agentId}/business`, headers: bearer(owner.token), payload: bad });
    expect(res.statusCode).toBe(422);
    const paths = res.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain("body.timezone");
  });

  it("401, 403 for staff writing, 404 for a foreign agent (nothing changes)", async () => {
    expect((await t.app.inject({ method: "GET", url: `/v1/agents/${agentId}/business` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "PUT", url: `/v1/agents/${agentId}/business`, headers: bearer(staff.token), payload: testBusiness })).statusCode).toBe(
      403,
    );
    expect((await t.app.inject({ method: "GET", url: `/v1/agents/${agentId}/business`, headers: bearer(other.token) })).statusCode).toBe(404);
    const put = await t.app.inject({
      method: "PUT",
      url: `/v1/agents/${agentId}/business`,
      headers: bearer(other.token),
      payload: { ...testBusiness, name: "Hijacked" },
    });
    expect(put.statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: `/v1/agents/${agentId}/business`, headers: bearer(owner.token) })).json().business.name).toBe(
      "Test Dental",
    );
  });
});
