import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSINESS_TEMPLATES, TEMPLATE_SUITES } from "@orbis/brain";
import type { BusinessConfigInput, ScenarioResult, TestRunDto } from "@orbis/contracts";
import { createAgentWithBusiness, testBusiness } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let staff: Account;
let viewer: Account;
let other: Account;

beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "suites");
  staff = await addMember(t.app, owner, "staff");
  viewer = await addMember(t.app, owner, "viewer");
  other = await signup(t.app, "suites-other");
});
afterAll(() => t.close());

const as = (account: Account, method: "GET" | "POST" | "PATCH" | "DELETE" | "PUT", url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: bearer(account.token), ...(payload !== undefined ? { payload: payload as object } : {}) });

/** A caller who books the "hour" visit (testBusiness: open every day 9–17) tomorrow, a Tuesday, at 10. */
const booksTomorrow = {
  name: "Books an hour visit tomorrow at 10",
  turns: ["I'd like to book a checkup tomorrow at 10am", "Pat Doe", "212 555 0100", "yes"],
  expectations: [{ type: "appointment", service: "Hour visit", weekday: "tue", time: "10:00", customerName: "Pat Doe" }, { type: "no_transfer" }],
};
/** Never met by any config: it fails everywhere, so it never blocks a publish. */
const alwaysFails = { name: "Says the magic word", turns: ["Hello"], expectations: [{ type: "says", text: "xyzzy" }] };

async function auditActions(account: Account, action: string) {
  const res = await as(account, "GET", `/v1/audit-logs?action=${action}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as { action: string; targetId: string; metadata: Record<string, unknown> }[];
}

describe("template suites (CI: every template's shipped scenarios pass on an agent made from it)", () => {
  beforeAll(async () => {
    // The business's own facts: the workspace's name and a time zone of its own.
    const res = await as(owner, "PUT", "/v1/workspaces/current", { name: "Example Business", timezone: "America/Chicago" });
    expect(res.statusCode, res.body).toBe(200);
  });

  for (const template of BUSINESS_TEMPLATES) {
    it(`${template.id}: the agent starts with its template's scenarios, and all pass on the draft`, async () => {
      const created = await as(owner, "POST", `/v1/templates/${template.id}/agents`, {});
      expect(created.statusCode, created.body).toBe(201);
      const agentId = created.json().id as string;

      const scenarios = (await as(viewer, "GET", `/v1/agents/${agentId}/test-scenarios`)).json().data as { name: string; source: string }[];
      expect(scenarios.length).toBeGreaterThanOrEqual(4);
      expect(scenarios.length).toBeLessThanOrEqual(6);
      expect(scenarios.map((s) => s.name)).toEqual(TEMPLATE_SUITES[template.id].map((s) => s.name));
      expect(scenarios.every((s) => s.source === "template")).toBe(true);

      const run = await as(staff, "POST", `/v1/agents/${agentId}/test-runs`, {});
      expect(run.statusCode, run.body).toBe(201);
      const body = run.json() as TestRunDto;
      const failing = body.results.filter((r) => !r.passed).map((r) => ({ name: r.name, failures: r.failures, transcript: r.transcript }));
      expect(failing).toEqual([]);
      expect(body).toMatchObject({ status: "passed", passed: scenarios.length, failed: 0, version: null, trigger: "manual" });
    });
  }
});

describe("scenarios", () => {
  let agentId: string;
  let scenarioId: string;
  beforeAll(async () => {
    agentId = await createAgentWithBusiness(t.app, owner);
  });

  it("admin adds, lists, updates and deletes a scenario; each change is audited", async () => {
    const created = await as(owner, "POST", `/v1/agents/${agentId}/test-scenarios`, booksTomorrow);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ ...booksTomorrow, agentId, source: "user" });
    scenarioId = created.json().id;
    expect(scenarioId).toMatch(/^tsc_/);

    const list = await as(viewer, "GET", `/v1/agents/${agentId}/test-scenarios`);
    expect(list.json().data.map((s: { id: string }) => s.id)).toEqual([scenarioId]);

    const patched = await as(owner, "PATCH", `/v1/agents/${agentId}/test-scenarios/${scenarioId}`, { name: "Renamed" });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: "Renamed", turns: booksTomorrow.turns });

    const extra = await as(owner, "POST", `/v1/agents/${agentId}/test-scenarios`, alwaysFails);
    const removed = await as(owner, "DELETE", `/v1/agents/${agentId}/test-scenarios/${extra.json().id}`);
    expect(removed.statusCode).toBe(204);
    expect((await as(owner, "DELETE", `/v1/agents/${agentId}/test-scenarios/${extra.json().id}`)).statusCode).toBe(404);

    expect((await auditActions(owner, "agent_test.created")).map((a) => a.targetId)).toEqual(expect.arrayContaining([scenarioId, extra.json().id]));
    expect((await auditActions(owner, "agent_test.updated"))[0]).toMatchObject({ targetId: scenarioId, metadata: { fields: ["name"] } });
    expect((await auditActions(owner, "agent_test.deleted"))[0]).toMatchObject({ targetId: extra.json().id });
  });

  it("refuses bad scenarios with the path of every bad field", async () => {
    const cases: [unknown, string][] = [
      [{ ...booksTomorrow, turns: [] }, "body.turns"],
      [{ ...booksTomorrow, turns: Array.from({ length: 31 }, () => "hi") }, "body.turns"],
      [{ ...booksTomorrow, expectations: [{ type: "appointment", time: "25:00" }] }, "body.expectations.0.time"],
      [{ ...booksTomorrow, expectations: [{ type: "appointment", weekday: "monday" }] }, "body.expectations.0.weekday"],
      [{ ...booksTomorrow, expectations: [{ type: "sings" }] }, "body.expectations.0.type"],
      [{ ...booksTomorrow, expectations: [{ type: "says", text: " " }] }, "body.expectations.0.text"],
      [{ ...booksTomorrow, name: "" }, "body.name"],
    ];
    for (const [payload, path] of cases) {
      const res = await as(owner, "POST", `/v1/agents/${agentId}/test-scenarios`, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
      expect(JSON.stringify(res.json().error.details)).toContain(path);
    }
    expect((await as(owner, "PATCH", `/v1/agents/${agentId}/test-scenarios/${scenarioId}`, {})).statusCode).toBe(422);
  });

  it("viewers and staff cannot change scenarios; staff can run them, viewers cannot", async () => {
    expect((await as(viewer, "POST", `/v1/agents/${agentId}/test-scenarios`, booksTomorrow)).statusCode).toBe(403);
    expect((await as(staff, "PATCH", `/v1/agents/${agentId}/test-scenarios/${scenarioId}`, { name: "x y z" })).statusCode).toBe(403);
    expect((await as(staff, "DELETE", `/v1/agents/${agentId}/test-scenarios/${scenarioId}`)).statusCode).toBe(403);
    expect((await as(viewer, "POST", `/v1/agents/${agentId}/test-runs`, {})).statusCode).toBe(403);
    expect((await as(staff, "POST", `/v1/agents/${agentId}/test-runs`, {})).statusCode).toBe(201);
  });

  it("a run against a version that does not exist is a 404; an agent without scenarios a 409", async () => {
    expect((await as(owner, "POST", `/v1/agents/${agentId}/test-runs`, { version: 99 })).statusCode).toBe(404);
    const bare = await createAgentWithBusiness(t.app, owner);
    const res = await as(owner, "POST", `/v1/agents/${bare}/test-runs`);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.code).toBe("conflict");
  });
});

describe("runs", () => {
  it("are stored with every scenario's transcript and what failed, listed newest first", async () => {
    const agentId = await createAgentWithBusiness(t.app, owner);
    await as(owner, "POST", `/v1/agents/${agentId}/test-scenarios`, booksTomorrow);
    await as(owner, "POST", `/v1/agents/${agentId}/test-scenarios`, alwaysFails);

    const first = (await as(owner, "POST", `/v1/agents/${agentId}/test-runs`)).json() as TestRunDto;
    expect(first).toMatchObject({ status: "failed", passed: 1, failed: 1, version: null, trigger: "manual", createdBy: owner.userId });
    expect(first.id).toMatch(/^trun_/);
    const [booked, magic] = first.results as [ScenarioResult, ScenarioResult];
    expect(booked.passed).toBe(true);
    expect(booked.transcript.filter((l) => l.speaker === "caller").map((l) => l.text)).toEqual(booksTomorrow.turns);
    expect(booked.transcript.some((l) => l.speaker === "agent" && /all set/i.test(l.text))).toBe(true);
    expect(magic).toMatchObject({ passed: false, error: null, failures: [{ expectation: { type: "says", text: "xyzzy" } }] });
    expect(magic.failures[0]!.found).toMatch(/never said it/);

    // Nothing the simulation booked reached the real calendar.
    const appointments = await as(owner, "GET", `/v1/appointments?agentId=${agentId}`);
    expect(appointments.json().data).toEqual([]);

    const second = (await as(owner, "POST", `/v1/agents/${agentId}/test-runs`)).json() as TestRunDto;
    const list = await as(viewer, "GET", `/v1/agents/${agentId}/test-runs`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().data.map((r: { id: string }) => r.id)).toEqual([second.id, first.id]);
    expect(list.json().data[0]).not.toHaveProperty("results");

    const got = await as(viewer, "GET", `/v1/agents/${agentId}/test-runs/${first.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(first);
  });

  it("judges what the call left: a wrong day, a missing message, an unexpected transfer", async () => {
    const agentId = await createAgentWithBusiness(t.app, owner, { ...testBusiness, escalationPhone: "+12125550199" });
    const scenario = (body: object) => as(owner, "POST", `/v1/agents/${agentId}/test-scenarios`, body);
    await scenario({ ...booksTomorrow, name: "Wrong day", expectations: [{ type: "appointment", weekday: "wed" }] });
    await scenario({ name: "Person", turns: ["Can I talk to a real person please?"], expectations: [{ type: "no_transfer" }, { type: "message" }] });
    await scenario({
      name: "Transfer",
      turns: ["Can I talk to a real person please?"],
      expectations: [{ type: "transfer" }, { type: "never_says", text: "xyzzy" }],
    });
    const run = (await as(owner, "POST", `/v1/agents/${agentId}/test-runs`)).json() as TestRunDto;
    const byName = Object.fromEntries(run.results.map((r) => [r.name, r]));
    expect(byName["Wrong day"]!.failures).toEqual([{ expectation: { type: "appointment", weekday: "wed" }, found: "booked: hour on Tue 10:00 for Pat Doe" }]);
    expect(byName["Person"]!.failures.map((f) => f.found)).toEqual(["the call was transferred to +12125550199", "no message was taken"]);
    expect(byName["Transfer"]!.passed).toBe(true);
    expect(byName["Transfer"]!.transcript.at(-1)).toEqual({ speaker: "event", text: "transferred to +12125550199" });
  });
});

describe("the publish gate", () => {
  let agentId: string;
  const closedTuesday: BusinessConfigInput = { ...testBusiness, hours: { ...testBusiness.hours, tue: [] } };

  beforeAll(async () => {
    agentId = await createAgentWithBusiness(t.app, owner);
    await as(owner, "POST", `/v1/agents/${agentId}/test-scenarios`, booksTomorrow);
    await as(owner, "POST", `/v1/agents/${agentId}/test-scenarios`, alwaysFails);
  });

  it("publishes the first version whatever fails (nothing passed before), storing the draft's run", async () => {
    const res = await as(owner, "POST", `/v1/agents/${agentId}/publish`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().version.version).toBe(1);
    const runs = (await as(owner, "GET", `/v1/agents/${agentId}/test-runs`)).json().data;
    expect(runs).toEqual([expect.objectContaining({ trigger: "publish", version: null, passed: 1, failed: 1 })]);
  });

  it("refuses a draft on which a scenario that passed on the published version fails, naming it", async () => {
    expect((await as(owner, "PUT", `/v1/agents/${agentId}/business`, closedTuesday)).statusCode).toBe(200);
    const res = await as(owner, "POST", `/v1/agents/${agentId}/publish`);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toMatchObject({
      code: "validation_failed",
      message: `1 test(s) that passed on version 1 now fail: ${booksTomorrow.name}`,
      details: [{ check: "agent_tests", name: booksTomorrow.name, message: expect.any(String) }],
    });
    expect((await as(owner, "GET", `/v1/agents/${agentId}`)).json().publishedVersion).toBe(1);

    // Stored: the draft's run (fails) and the published version's, run now because it had none.
    const runs = (await as(owner, "GET", `/v1/agents/${agentId}/test-runs`)).json().data as { version: number | null; trigger: string; passed: number }[];
    expect(runs.slice(0, 2)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ version: 1, trigger: "publish", passed: 1 }),
        expect.objectContaining({ version: null, trigger: "publish", passed: 0 }),
      ]),
    );
  });

  it("an override needs a reason of five characters or more", async () => {
    const res = await as(owner, "POST", `/v1/agents/${agentId}/publish`, { override: { reason: "ok" } });
    expect(res.statusCode).toBe(422);
    expect(JSON.stringify(res.json().error.details)).toContain("body.override.reason");
  });

  it("publishes with an override and a reason, audited with the failing names", async () => {
    const reason = "Closed on Tuesdays from now on";
    const res = await as(owner, "POST", `/v1/agents/${agentId}/publish`, { override: { reason } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().version.version).toBe(2);
    const [row] = await auditActions(owner, "agent.publish_override");
    expect(row).toMatchObject({ targetId: agentId, metadata: { reason, failing: [booksTomorrow.name], baselineVersion: 1, version: 2 } });
  });

  it("rollback to a version on which the scenario passed is not blocked; back to the failing one is", async () => {
    const back = await as(owner, "POST", `/v1/agents/${agentId}/versions/1/rollback`);
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().version.version).toBe(3);
    const again = await as(owner, "POST", `/v1/agents/${agentId}/versions/2/rollback`);
    expect(again.statusCode, again.body).toBe(422);
    expect(again.json().error.message).toBe(`1 test(s) that passed on version 3 now fail: ${booksTomorrow.name}`);
  });

  it("agents without scenarios publish as before", async () => {
    const bare = await createAgentWithBusiness(t.app, owner);
    expect((await as(owner, "POST", `/v1/agents/${bare}/publish`)).statusCode).toBe(200);
    await as(owner, "PUT", `/v1/agents/${bare}/business`, closedTuesday);
    expect((await as(owner, "POST", `/v1/agents/${bare}/publish`)).statusCode).toBe(200);
    expect((await as(owner, "GET", `/v1/agents/${bare}/test-runs`)).json().data).toEqual([]);
  });
});

describe("tenancy", () => {
  it("another workspace gets 404 for the agent's scenarios and runs", async () => {
    const agentId = await createAgentWithBusiness(t.app, owner);
    const scenario = (await as(owner, "POST", `/v1/agents/${agentId}/test-scenarios`, booksTomorrow)).json();
    const run = (await as(owner, "POST", `/v1/agents/${agentId}/test-runs`)).json();
    const requests: [Parameters<typeof as>[1], string, unknown?][] = [
      ["GET", `/v1/agents/${agentId}/test-scenarios`],
      ["POST", `/v1/agents/${agentId}/test-scenarios`, booksTomorrow],
      ["PATCH", `/v1/agents/${agentId}/test-scenarios/${scenario.id}`, { name: "Stolen" }],
      ["DELETE", `/v1/agents/${agentId}/test-scenarios/${scenario.id}`],
      ["POST", `/v1/agents/${agentId}/test-runs`, {}],
      ["GET", `/v1/agents/${agentId}/test-runs`],
      ["GET", `/v1/agents/${agentId}/test-runs/${run.id}`],
    ];
    for (const [method, url, payload] of requests) {
      const res = await as(other, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    // Their own agent cannot reach A's scenario or run either.
    const theirs = await createAgentWithBusiness(t.app, other);
    expect((await as(other, "PATCH", `/v1/agents/${theirs}/test-scenarios/${scenario.id}`, { name: "Stolen" })).statusCode).toBe(404);
    expect((await as(other, "GET", `/v1/agents/${theirs}/test-runs/${run.id}`)).statusCode).toBe(404);
    // Unchanged for A.
    expect((await as(owner, "GET", `/v1/agents/${agentId}/test-scenarios`)).json().data[0].name).toBe(booksTomorrow.name);
  });
});
