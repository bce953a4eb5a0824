import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBusinessTemplate } from "@orbis/brain";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let viewer: Account;
let other: Account;

beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "harbor");
  viewer = await addMember(t.app, owner, "viewer");
  other = await signup(t.app, "harbor-other");
});
afterAll(() => t.close());

/** Every fact of the template's fictional example business (name, address, phone, email, staff). */
function sampleFacts(id: Parameters<typeof getBusinessTemplate>[0]): string[] {
  const b = getBusinessTemplate(id).business;
  return [b.name, b.phone, b.email, b.website, b.escalationPhone ?? "", b.address?.line1 ?? "", b.address?.city ?? "", ...b.staff.map((s) => s.name)].filter(
    Boolean,
  );
}

const harbor = {
  name: "Harbor Physio",
  timezone: "America/Chicago",
  phone: "+13125550100",
  address: { line1: "9 Dock Road", city: "Chicago" },
  hours: {
    mon: [
      { open: "08:00", close: "12:00" },
      { open: "13:00", close: "18:00" },
    ],
  },
  services: [{ id: "assessment", name: "Assessment", durationMin: 45, priceCents: 9000 }],
  staff: [{ id: "kim", name: "Kim", serviceIds: ["assessment"] }],
};

describe("GET /v1/templates", () => {
  it("lists suggestions to confirm and no business facts", async () => {
    const res = await t.app.inject({ method: "GET", url: "/v1/templates" });
    expect(res.statusCode).toBe(200);
    const data = res.json().data as { id: string; suggestions: { services: { staffIds: string[] }[] } }[];
    expect(data.map((x) => x.id)).toEqual(["dental", "home_services", "auto_repair", "salon_spa", "generic"]);
    for (const tpl of data) {
      for (const fact of sampleFacts(tpl.id as "dental")) expect(JSON.stringify(tpl)).not.toContain(fact);
      expect(tpl.suggestions.services.every((s) => s.staffIds.length === 0)).toBe(true);
    }
  });
});

describe("POST /v1/templates/:id/agents", () => {
  it("without business: the workspace's name with the template's suggestions, none of the template's facts", async () => {
    const res = await t.app.inject({ method: "POST", url: "/v1/templates/dental/agents", headers: bearer(owner.token), payload: {} });
    expect(res.statusCode, res.body).toBe(201);
    const agent = res.json();
    expect(agent).toMatchObject({ name: "Dental receptionist", greeting: "", status: "draft" });
    const { business, configured } = (await t.app.inject({ method: "GET", url: `/v1/agents/${agent.id}/business`, headers: bearer(viewer.token) })).json();
    expect(configured).toBe(true);
    expect(business).toMatchObject({ name: "harbor workspace", phone: "", email: "", address: null, staff: [], escalationPhone: null });
    expect(business.services.map((s: { id: string }) => s.id)).toContain("cleaning");
    for (const fact of sampleFacts("dental")) expect(JSON.stringify(agent)).not.toContain(fact);
  });

  it("with the business's own facts: exactly those, and the greeting the user chose", async () => {
    const greeting = "Harbor Physio, how can we help?";
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/templates/salon_spa/agents",
      headers: bearer(owner.token),
      payload: { name: "Front desk", greeting, voice: "kal", business: harbor },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: "Front desk", greeting, voice: "kal", business: { name: "Harbor Physio", staff: [{ id: "kim" }] } });
    for (const fact of sampleFacts("salon_spa")) expect(res.body).not.toContain(fact);
  });

  it("422 naming the bad field; 422 for an unknown template; 403 for a viewer; 401 without a session", async () => {
    const bad = await t.app.inject({
      method: "POST",
      url: "/v1/templates/dental/agents",
      headers: bearer(owner.token),
      payload: { business: { ...harbor, name: "", services: [{ id: "x", name: "X", durationMin: 30, staffIds: ["ghost"] }] } },
    });
    expect(bad.statusCode).toBe(422);
    const paths = bad.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["body.business.name", "body.business.services.0.staffIds.0"]));
    expect((await t.app.inject({ method: "POST", url: "/v1/templates/bakery/agents", headers: bearer(owner.token), payload: {} })).statusCode).toBe(422);
    expect((await t.app.inject({ method: "POST", url: "/v1/templates/dental/agents", headers: bearer(viewer.token), payload: {} })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "POST", url: "/v1/templates/dental/agents", payload: {} })).statusCode).toBe(401);
  });

  it("the agent belongs to the creating workspace: another workspace gets 404", async () => {
    const agent = (await t.app.inject({ method: "POST", url: "/v1/templates/generic/agents", headers: bearer(owner.token), payload: {} })).json();
    expect((await t.app.inject({ method: "GET", url: `/v1/agents/${agent.id}/business`, headers: bearer(other.token) })).statusCode).toBe(404);
    const theirs = (await t.app.inject({ method: "POST", url: "/v1/templates/generic/agents", headers: bearer(other.token), payload: {} })).json();
    expect(theirs.business.name).toBe("harbor-other workspace");
  });
});
