import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenService } from "@orbis/auth";
import { testConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { tenantScope } from "@orbis/db";
import { BUILTIN_PERSONAS, BUILTIN_SCENARIOS } from "@orbis/practice";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

/**
 * Sales practice over the API (`/v1/practice/*`): the library (built-ins read-only), sessions owned by
 * their rep (API check and row policy), goals with progress, activities, what-if and the dashboards, and
 * another workspace's ids answering 404.
 */
let t: TestApp;
let owner: Account;
let admin: Account;
let repA: Account;
let repB: Account;
let other: Account;

type Method = "GET" | "POST" | "PATCH" | "DELETE";
const call = (who: Account | string, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: bearer(typeof who === "string" ? who : who.token), ...(payload !== undefined ? { payload: payload as object } : {}) });

const persona = {
  name: "Dana Reyes",
  role: "Operations director",
  company: "Northwind Freight",
  industry: "Logistics",
  personality: "skeptical",
  painPoints: ["missed pickups"],
  budget: "about 2,000 a month",
  objections: [{ key: "price", raise: "That sounds expensive.", triggers: ["price"], resolvedBy: ["return on"], concession: "Fair enough." }],
};
const scenario = { name: "Cold call Northwind", type: "cold_call", goal: "Book a 30-minute demo", nextStep: ["demo", "meeting"] };

async function create(path: "personas" | "scenarios", body: object, who: Account = owner): Promise<string> {
  const res = await call(who, "POST", `/v1/practice/${path}`, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

let personaId: string;
let scenarioId: string;
let sessionA: string;

beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "practice");
  admin = await addMember(t.app, owner, "admin");
  repA = await addMember(t.app, owner, "staff");
  repB = await addMember(t.app, owner, "staff");
  other = await signup(t.app, "practice-other");
  personaId = await create("personas", persona);
  scenarioId = await create("scenarios", { ...scenario, personaId });
  const started = await call(repA, "POST", "/v1/practice/sessions", { personaId, scenarioId });
  expect(started.statusCode, started.body).toBe(201);
  sessionA = started.json().session.id;
}, 60_000);
afterAll(() => t.close());

const auditActions = async () => (await tenantScope(t.db, owner.workspaceId).audit.list(1000)).map((r) => `${r.action} ${r.targetId}`);

describe("personas and scenarios", () => {
  it("owners and admins create, change and delete the workspace's own, audited; staff read them but cannot change them", async () => {
    const id = await create("personas", { ...persona, name: "Sam Lee" }, admin);
    expect((await call(repA, "POST", "/v1/practice/personas", persona)).statusCode).toBe(403);
    expect((await call(repA, "PATCH", `/v1/practice/personas/${id}`, { name: "X" })).statusCode).toBe(403);

    const got = await call(repA, "GET", `/v1/practice/personas/${id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ id, name: "Sam Lee", builtIn: false, personality: "skeptical", voice: "slt" });

    // A patch of the name alone keeps the objections (the contract's partial schema would reset them to []).
    const patched = await call(owner, "PATCH", `/v1/practice/personas/${id}`, { name: "Sam Lee-Park" });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: "Sam Lee-Park", objections: persona.objections, painPoints: persona.painPoints });

    const bad = await call(owner, "PATCH", `/v1/practice/personas/${id}`, { personality: "grumpy" });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0].path).toBe("body.personality");

    expect((await call(owner, "DELETE", `/v1/practice/personas/${id}`)).statusCode).toBe(204);
    expect((await call(owner, "GET", `/v1/practice/personas/${id}`)).statusCode).toBe(404);
    const actions = await auditActions();
    for (const action of ["created", "updated", "deleted"]) expect(actions).toContain(`practice_persona.${action} ${id}`);
  });

  it("scenarios: created with a suggested persona, a persona that does not exist is a 422, patched, deleted", async () => {
    const id = await create("scenarios", { ...scenario, name: "Renewal", type: "renewal", personaId });
    const missing = await call(owner, "POST", "/v1/practice/scenarios", { ...scenario, personaId: createId("practicePersona") });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.details[0].path).toBe("body.personaId");

    const patched = await call(owner, "PATCH", `/v1/practice/scenarios/${id}`, { timeLimitSec: 300 });
    expect(patched.json()).toMatchObject({ name: "Renewal", type: "renewal", timeLimitSec: 300, personaId, nextStep: scenario.nextStep });
    expect((await call(owner, "DELETE", `/v1/practice/scenarios/${id}`)).statusCode).toBe(204);
    const actions = await auditActions();
    for (const action of ["created", "updated", "deleted"]) expect(actions).toContain(`practice_scenario.${action} ${id}`);
  });

  it("lists the built-ins first, then the workspace's own; built-ins are read-only (409), an unknown built-in id is 404", async () => {
    expect(BUILTIN_PERSONAS.length).toBeGreaterThanOrEqual(6);
    expect(BUILTIN_SCENARIOS.length).toBeGreaterThanOrEqual(6);
    const personas = (await call(repA, "GET", "/v1/practice/personas")).json().data as { id: string; builtIn: boolean }[];
    expect(personas.slice(0, BUILTIN_PERSONAS.length).map((p) => p.id)).toEqual(BUILTIN_PERSONAS.map((p) => p.id));
    expect(personas.map((p) => p.id)).toContain(personaId);
    const scenarios = (await call(repA, "GET", "/v1/practice/scenarios")).json().data as { id: string }[];
    expect(scenarios.map((s) => s.id)).toEqual([...BUILTIN_SCENARIOS.map((s) => s.id), scenarioId]);

    const builtIn = BUILTIN_PERSONAS[0]!.id;
    expect((await call(repA, "GET", `/v1/practice/personas/${builtIn}`)).json()).toMatchObject({ id: builtIn, builtIn: true });
    const patch = await call(owner, "PATCH", `/v1/practice/personas/${builtIn}`, { name: "Mine now" });
    expect(patch.statusCode).toBe(409);
    expect(patch.json().error.message).toMatch(/built-in/);
    expect((await call(owner, "DELETE", `/v1/practice/scenarios/${BUILTIN_SCENARIOS[0]!.id}`)).statusCode).toBe(409);
    expect((await call(owner, "DELETE", "/v1/practice/personas/builtin_no_such_one")).statusCode).toBe(404);
  });
});

describe("sessions: owned by the rep", () => {
  it("starting one returns the live session and a voice token carrying the practice session id", async () => {
    const res = await call(repA, "POST", "/v1/practice/sessions", { personaId, scenarioId });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.session).toMatchObject({
      userId: repA.userId,
      personaId,
      personaName: "Dana Reyes",
      scenarioName: scenario.name,
      status: "live",
      costUsd: null,
    });
    const claims = await createTokenService(testConfig().jwtSecret!).verifyVoiceToken(body.token);
    expect(claims).toMatchObject({ workspaceId: owner.workspaceId, userId: repA.userId, practiceSessionId: body.session.id, agentId: body.session.id });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(250_000);
  });

  it("an unknown persona or scenario is 404; so is another workspace's", async () => {
    expect((await call(repA, "POST", "/v1/practice/sessions", { personaId: createId("practicePersona"), scenarioId })).statusCode).toBe(404);
    expect((await call(other, "POST", "/v1/practice/sessions", { personaId, scenarioId })).statusCode).toBe(404);
  });

  it("another rep gets 404 on it and never lists it; owners and admins read and list it", async () => {
    expect((await call(repB, "GET", `/v1/practice/sessions/${sessionA}`)).statusCode).toBe(404);
    expect((await call(repB, "POST", `/v1/practice/sessions/${sessionA}/end`)).statusCode).toBe(404);
    const mine = (await call(repB, "GET", "/v1/practice/sessions")).json();
    expect(mine.data.map((s: { id: string }) => s.id)).not.toContain(sessionA);
    expect((await call(repB, "GET", `/v1/practice/sessions?userId=${repA.userId}`)).statusCode).toBe(403);

    for (const manager of [owner, admin]) {
      const got = await call(manager, "GET", `/v1/practice/sessions/${sessionA}`);
      expect(got.statusCode).toBe(200);
      expect(got.json()).toMatchObject({ id: sessionA, userId: repA.userId, userName: "staff", turns: [], score: null });
      const listed = (await call(manager, "GET", `/v1/practice/sessions?userId=${repA.userId}`)).json();
      expect(listed.data.map((s: { id: string }) => s.id)).toContain(sessionA);
    }
    expect((await call(owner, "GET", `/v1/practice/sessions?userId=${other.userId}`)).statusCode).toBe(404);
  });

  it("the row policy alone hides another rep's session (the repository without the API's check)", async () => {
    const practice = tenantScope(t.db, owner.workspaceId).practice;
    expect(await practice.getSession({ userId: repB.userId, role: "staff" }, sessionA)).toBeUndefined();
    expect(await practice.listSessions({ userId: repB.userId, role: "staff" }, { userId: repA.userId, limit: 50 })).toEqual([]);
    expect(await practice.getSession({ userId: repA.userId, role: "staff" }, sessionA)).toMatchObject({ id: sessionA });
    expect(await practice.getSession({ userId: owner.userId, role: "admin" }, sessionA)).toMatchObject({ id: sessionA });
  });

  it("lists newest first, page by page", async () => {
    const rep = await addMember(t.app, owner, "viewer");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call(rep, "POST", "/v1/practice/sessions", { personaId, scenarioId })).json().session.id);
    const first = (await call(rep, "GET", "/v1/practice/sessions?limit=2")).json();
    expect(first.data.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
    const second = (await call(rep, "GET", `/v1/practice/sessions?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second).toEqual({ data: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect((await call(rep, "GET", "/v1/practice/sessions?cursor=nonsense")).statusCode).toBe(422);
  });

  it("ending a live session scores it once; ending it again returns it unchanged", async () => {
    const started = (await call(repA, "POST", "/v1/practice/sessions", { personaId, scenarioId })).json();
    const ended = await call(owner, "POST", `/v1/practice/sessions/${started.session.id}/end`);
    expect(ended.statusCode, ended.body).toBe(200);
    // The rep never spoke: abandoned.
    expect(ended.json()).toMatchObject({ id: started.session.id, status: "abandoned", endReason: "rep_ended" });
    const again = await call(repA, "POST", `/v1/practice/sessions/${started.session.id}/end`);
    expect(again.json()).toMatchObject({ status: "abandoned", endedAt: ended.json().endedAt });
  });
});

describe("another workspace", () => {
  it("gets 404 on this workspace's persona, scenario, session, goal and what-if", async () => {
    const goal = (await call(repA, "POST", "/v1/practice/goals", { metric: "calls", target: 5, period: "month" })).json();
    const whatIf = (
      await call(repA, "POST", "/v1/practice/what-if", { callsPerDay: 10, connectRate: 0.1, meetingRate: 0.1, closeRate: 0.1, dealSizeUsd: 100 })
    ).json();
    const answers = await Promise.all([
      call(other, "GET", `/v1/practice/personas/${personaId}`),
      call(other, "PATCH", `/v1/practice/personas/${personaId}`, { name: "Taken" }),
      call(other, "DELETE", `/v1/practice/personas/${personaId}`),
      call(other, "GET", `/v1/practice/scenarios/${scenarioId}`),
      call(other, "DELETE", `/v1/practice/scenarios/${scenarioId}`),
      call(other, "GET", `/v1/practice/sessions/${sessionA}`),
      call(other, "POST", `/v1/practice/sessions/${sessionA}/end`),
      call(other, "DELETE", `/v1/practice/goals/${goal.id}`),
      call(other, "DELETE", `/v1/practice/what-if/${whatIf.id}`),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual(answers.map(() => 404));
    expect((await call(other, "GET", "/v1/practice/personas")).json().data.map((p: { id: string }) => p.id)).not.toContain(personaId);
  });
});

describe("goals and activities", () => {
  it("a rep's goal counts their activities in the current period only", async () => {
    const rep = await addMember(t.app, owner, "staff");
    const goal = await call(rep, "POST", "/v1/practice/goals", { metric: "calls", target: 10, period: "month" });
    expect(goal.statusCode, goal.body).toBe(201);
    expect(goal.json()).toMatchObject({ userId: rep.userId, metric: "calls", target: 10, progress: 0 });
    const revenue = (await call(rep, "POST", "/v1/practice/goals", { metric: "revenue", target: 5000, period: "quarter" })).json();

    const log = (body: object) => call(rep, "POST", "/v1/practice/activities", body);
    expect((await log({ kind: "call" })).json()).toMatchObject({ kind: "call", source: "manual", userId: rep.userId, practiceSessionId: null });
    await log({ kind: "call", note: "follow-up" });
    await log({ kind: "call", occurredAt: new Date(Date.now() - 400 * 86_400_000).toISOString() });
    await log({ kind: "deal_won", amountUsd: 1250.5 });
    await call(repB, "POST", "/v1/practice/activities", { kind: "call" });

    const goals = (await call(rep, "GET", "/v1/practice/goals")).json().data as { id: string; progress: number; periodStart: string; periodEnd: string }[];
    const calls = goals.find((g) => g.id === goal.json().id)!;
    expect(calls.progress).toBe(2);
    expect(Date.parse(calls.periodStart)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(calls.periodEnd)).toBeGreaterThan(Date.now());
    expect(goals.find((g) => g.id === revenue.id)!.progress).toBe(1250.5);

    // A manager reads the rep's goals; another rep may not.
    expect((await call(owner, "GET", `/v1/practice/goals?userId=${rep.userId}`)).json().data).toHaveLength(2);
    expect((await call(repB, "GET", `/v1/practice/goals?userId=${rep.userId}`)).statusCode).toBe(403);
  });

  it("team goals: set by owners and admins, seen by every rep, counting everyone's activities; removed by managers only", async () => {
    expect((await call(repA, "POST", "/v1/practice/goals", { metric: "meetings_booked", target: 3, period: "week", userId: null })).statusCode).toBe(403);
    expect((await call(repA, "POST", "/v1/practice/goals", { metric: "calls", target: 3, period: "week", userId: repB.userId })).statusCode).toBe(403);
    const team = await call(owner, "POST", "/v1/practice/goals", { metric: "meetings_booked", target: 3, period: "week", userId: null });
    expect(team.statusCode, team.body).toBe(201);
    await call(repA, "POST", "/v1/practice/activities", { kind: "meeting_booked" });
    await call(repB, "POST", "/v1/practice/activities", { kind: "meeting_booked" });

    const seen = (await call(repA, "GET", "/v1/practice/goals")).json().data.find((g: { id: string }) => g.id === team.json().id);
    expect(seen).toMatchObject({ userId: null, progress: 2 });
    expect((await call(repA, "DELETE", `/v1/practice/goals/${team.json().id}`)).statusCode).toBe(403);
    expect((await call(admin, "DELETE", `/v1/practice/goals/${team.json().id}`)).statusCode).toBe(204);
    const actions = await auditActions();
    expect(actions).toContain(`practice_goal.created ${team.json().id}`);
    expect(actions).toContain(`practice_goal.deleted ${team.json().id}`);
  });

  it("activities list newest first by cursor; another rep's are not listed; a secret key logs for a rep as `api`", async () => {
    const rep = await addMember(t.app, owner, "staff");
    for (const kind of ["call", "email", "note"])
      await call(rep, "POST", "/v1/practice/activities", {
        kind,
        occurredAt: new Date(Date.now() - ["call", "email", "note"].indexOf(kind) * 60_000).toISOString(),
      });
    const first = (await call(rep, "GET", "/v1/practice/activities?limit=2")).json();
    expect(first.data.map((a: { kind: string }) => a.kind)).toEqual(["call", "email"]);
    const second = (await call(rep, "GET", `/v1/practice/activities?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.data.map((a: { kind: string }) => a.kind)).toEqual(["note"]);
    expect(second.nextCursor).toBeNull();
    const others = (await call(repB, "GET", "/v1/practice/activities?limit=100")).json().data;
    expect(others.every((a: { userId: string }) => a.userId === repB.userId)).toBe(true);

    const key = (await call(owner, "POST", "/v1/api-keys", { name: "crm", kind: "secret" })).json().key as string;
    expect((await call(key, "POST", "/v1/practice/activities", { kind: "call" })).statusCode).toBe(403);
    const logged = await call(key, "POST", `/v1/practice/activities?userId=${rep.userId}`, { kind: "deal_won", amountUsd: 900 });
    expect(logged.statusCode, logged.body).toBe(201);
    expect(logged.json()).toMatchObject({ userId: rep.userId, source: "api", amountUsd: 900 });
    expect((await call(key, "POST", "/v1/practice/sessions", { personaId, scenarioId })).statusCode).toBe(403);
  });
});

describe("dashboards", () => {
  /** Completed, scored sessions straight into the table (what the gateway's finish writes), oldest first. */
  async function scoredSessions(rep: Account, scores: number[]) {
    const practice = tenantScope(t.db, owner.workspaceId).practice;
    const start = Date.now() - scores.length * 3_600_000;
    for (const [i, score] of scores.entries())
      await practice.insertSession(
        { userId: rep.userId, role: "staff" },
        {
          id: createId("practiceSession"),
          userId: rep.userId,
          personaId,
          scenarioId,
          persona: { name: "Dana Reyes" },
          scenario: { name: scenario.name, type: "cold_call" },
          status: "completed",
          startedAt: new Date(start + i * 3_600_000),
          endedAt: new Date(start + i * 3_600_000 + 300_000),
          durationSec: 300,
          endReason: "next_step",
          overallScore: score,
        },
      );
  }

  it("team: owners and admins only; per rep average, last practised, change of the last five against the five before, who has not practised", async () => {
    const improving = await addMember(t.app, owner, "staff");
    await scoredSessions(improving, [50, 50, 50, 50, 50, 70, 70, 70, 70, 70]);
    expect((await call(repA, "GET", "/v1/practice/team")).statusCode).toBe(403);
    const res = await call(admin, "GET", "/v1/practice/team");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.reps.find((r: { userId: string }) => r.userId === improving.userId)).toMatchObject({ sessions: 10, averageScore: 60, scoreChange: 20 });
    expect(body.reps.find((r: { userId: string }) => r.userId === repA.userId)).toMatchObject({ scoreChange: null, averageScore: null });
    expect(body.notPracticed).toContain(repB.userId);
    expect(body.notPracticed).not.toContain(repA.userId);
    expect(body.notPracticed).not.toContain(improving.userId);
  });

  it("rep: sessions, average, trend oldest first, recent sessions; another rep's only for managers", async () => {
    const rep = await addMember(t.app, owner, "staff");
    await scoredSessions(rep, [40, 60, 80]);
    const res = await call(rep, "GET", "/v1/practice/dashboard");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ sessions: 3, averageScore: 60 });
    expect(body.trend.map((p: { score: number }) => p.score)).toEqual([40, 60, 80]);
    expect(body.recent.map((s: { overallScore: number }) => s.overallScore)).toEqual([80, 60, 40]);
    expect((await call(owner, "GET", `/v1/practice/dashboard?userId=${rep.userId}`)).json()).toMatchObject({ sessions: 3 });
    expect((await call(repB, "GET", `/v1/practice/dashboard?userId=${rep.userId}`)).statusCode).toBe(403);
  });
});

describe("what-if", () => {
  const inputs = { callsPerDay: 50, workingDaysPerMonth: 20, connectRate: 0.2, meetingRate: 0.1, closeRate: 0.25, dealSizeUsd: 1000 };

  it("projects without saving: 1,000 calls → 200 connects → 20 meetings → 5 deals → 5,000 a month", async () => {
    const res = await call(repA, "POST", "/v1/practice/what-if/project", inputs);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().perMonth).toEqual({ calls: 1000, connects: 200, meetings: 20, deals: 5, revenueUsd: 5000 });
    expect(res.json().levers.length).toBeGreaterThan(0);
  });

  it("saves, lists and deletes the rep's own; nobody else's", async () => {
    const rep = await addMember(t.app, owner, "staff");
    const saved = await call(rep, "POST", "/v1/practice/what-if", { ...inputs, name: "Q3 plan" });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json()).toMatchObject({ name: "Q3 plan", projection: { perMonth: { revenueUsd: 5000 } } });
    expect((await call(rep, "GET", "/v1/practice/what-if")).json().data.map((w: { id: string }) => w.id)).toEqual([saved.json().id]);
    expect((await call(repB, "GET", "/v1/practice/what-if")).json().data.map((w: { id: string }) => w.id)).not.toContain(saved.json().id);
    expect((await call(owner, "DELETE", `/v1/practice/what-if/${saved.json().id}`)).statusCode).toBe(404);
    expect((await call(rep, "DELETE", `/v1/practice/what-if/${saved.json().id}`)).statusCode).toBe(204);
    expect((await call(rep, "GET", "/v1/practice/what-if")).json().data).toEqual([]);
  });
});
