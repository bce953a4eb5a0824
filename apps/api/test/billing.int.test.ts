import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBilling, loadPlanCatalogue } from "@orbis/billing";
import { testConfig, type AppConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { tenantScope, type Database } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

const stripeBilling = (o: Partial<AppConfig["billing"]> = {}): Partial<AppConfig> => ({ billing: { ...testConfig().billing, mode: "stripe", ...o } });

/** A plan file the operator could write: one public plan, one hidden legacy plan. */
const CATALOGUE = {
  defaultPlanId: "hobby",
  plans: [
    { id: "hobby", name: "Hobby", monthlyPriceUsd: 0, includedCalls: 10, includedMinutes: null, overage: null, concurrentCalls: 1, agents: 2, phoneNumbers: 0 },
    {
      id: "legacy",
      name: "Legacy",
      monthlyPriceUsd: 49,
      includedCalls: 100,
      includedMinutes: null,
      overage: null,
      concurrentCalls: 1,
      agents: 5,
      phoneNumbers: 1,
      public: false,
    },
  ],
};

let dir: string;
/** One database for the apps built with different billing settings below (a fresh one each is slow on PGlite). */
let shared: Database;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "orbis-plans-"));
  shared = await createTestDatabase();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await shared.close();
});

const planFile = (name: string, content: string) => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
};

describe("GET /v1/billing/plans", () => {
  it("billing off: one unlimited plan, and no sign-in needed", async () => {
    const t = await buildTestApp({}, { db: shared });
    try {
      const res = await t.app.inject({ url: "/v1/billing/plans" });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.billing).toBe("off");
      expect(body.plans).toHaveLength(1);
      expect(body.plans[0]).toMatchObject({ id: "unlimited", includedCalls: null, agents: null, phoneNumbers: null, monthlyPriceUsd: null });
    } finally {
      await t.close();
    }
  });

  it("billing on: Free, Starter, Growth and Custom with their prices and limits", async () => {
    const t = await buildTestApp(stripeBilling(), { db: shared });
    try {
      const body = (await t.app.inject({ url: "/v1/billing/plans" })).json();
      expect(body.billing).toBe("stripe");
      expect(body.plans.map((p: { id: string }) => p.id)).toEqual(["free", "starter", "growth", "custom"]);
      expect(body.plans[1]).toMatchObject({
        name: "Starter",
        monthlyPriceUsd: 299,
        includedCalls: 250,
        overage: { perCallUsd: 1.5 },
        agents: 3,
        phoneNumbers: 1,
      });
    } finally {
      await t.close();
    }
  });

  it("BILLING_PLANS_FILE replaces the built-in plans; hidden plans are not offered", async () => {
    const t = await buildTestApp(stripeBilling({ plansFile: planFile("plans.json", JSON.stringify(CATALOGUE)) }), { db: shared });
    try {
      const body = (await t.app.inject({ url: "/v1/billing/plans" })).json();
      expect(body.plans.map((p: { id: string }) => p.id)).toEqual(["hobby"]);
      expect(body.plans[0]).toMatchObject({ name: "Hobby", includedCalls: 10, agents: 2, description: "", features: [], stripePrice: null, public: true });
      // The workspace without a subscription is on the file's default plan.
      const a = await signup(t.app, "plans-file");
      const view = (await t.app.inject({ url: "/v1/billing/subscription", headers: bearer(a.token) })).json();
      expect(view.plan.id).toBe("hobby");
    } finally {
      await t.close();
    }
  });

  it("a bad plans file fails with one readable line naming the file and the field", () => {
    const notJson = planFile("broken.json", "{ plans: ");
    expect(() => loadPlanCatalogue(notJson)).toThrow(new RegExp(`^BILLING_PLANS_FILE ${notJson}: .*JSON`));
    const badId = planFile("bad-id.json", JSON.stringify({ ...CATALOGUE, plans: [{ ...CATALOGUE.plans[0], id: "Hobby Plan" }] }));
    expect(() => loadPlanCatalogue(badId)).toThrow(`BILLING_PLANS_FILE ${badId}: plans.0.id must be lowercase letters, digits, - or _ (at most 40)`);
    const badDefault = planFile("bad-default.json", JSON.stringify({ ...CATALOGUE, defaultPlanId: "gold" }));
    expect(() => loadPlanCatalogue(badDefault)).toThrow(`BILLING_PLANS_FILE ${badDefault}: defaultPlanId must be the id of a plan in the catalogue`);
    const missing = join(dir, "missing.json");
    expect(() => loadPlanCatalogue(missing)).toThrow(`BILLING_PLANS_FILE ${missing}: ENOENT`);
    // What the composition root builds from the configuration fails the same way (the server does not start).
    expect(() => createBilling({ ...testConfig().billing, mode: "stripe", plansFile: badId })).toThrow(/plans\.0\.id/);
  });
});

describe("GET /v1/billing/subscription (billing on)", () => {
  let t: TestApp;
  let clock = new Date("2026-03-15T12:00:00Z");
  let a: Account;
  let b: Account;
  let agentA: string;

  /** Calls of A as the gateway writes them, started this period (`test`: a dashboard test call). */
  async function seedCalls(n: number, o: { test?: boolean; at?: string } = {}) {
    const tenant = tenantScope(t.db, a.workspaceId);
    for (let i = 0; i < n; i++) {
      await tenant.calls.insert({
        id: createId("call"),
        agentId: agentA,
        channel: "web",
        status: "completed",
        startedAt: new Date(o.at ?? "2026-03-14T10:00:00Z"),
        durationSec: 60,
        ...(o.test ? { metadata: { test: true } } : {}),
      });
    }
  }
  const view = async (account: Account) => {
    const res = await t.app.inject({ url: "/v1/billing/subscription", headers: bearer(account.token) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    t = await buildTestApp(stripeBilling({ graceDays: 7 }), { now: () => clock });
    a = await signup(t.app, "bill-a");
    b = await signup(t.app, "bill-b");
    const res = await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(a.token), payload: validAgent });
    expect(res.statusCode, res.body).toBe(201);
    agentA = res.json().id;
  });
  afterAll(() => t.close());

  it("a fresh workspace: the Free plan, the calendar month, nothing used", async () => {
    const body = await view(b);
    expect(body).toMatchObject({
      billing: "stripe",
      plan: { id: "free", includedCalls: 25, overage: null },
      status: "none",
      currentPeriodStart: "2026-03-01T00:00:00.000Z",
      currentPeriodEnd: "2026-04-01T00:00:00.000Z",
      cancelAtPeriodEnd: false,
      graceEndsAt: null,
      paymentFailed: false,
      hasBillingAccount: false,
      usage: { calls: 0, minutes: 0, agents: 0, phoneNumbers: 0 },
    });
    expect(body.allowance).toMatchObject({ level: "ok", calls: { used: 0, included: 25, percent: 0 }, callsBlocked: false, overageCalls: 0 });
  });

  it("calls count against the allowance: 80 % is a warning, 100 % exhausted and (no overage) blocked; test calls never count", async () => {
    await seedCalls(19);
    await seedCalls(3, { test: true });
    await seedCalls(2, { at: "2026-02-27T10:00:00Z" }); // last month's
    let body = await view(a);
    expect(body.usage).toMatchObject({ calls: 19, agents: 1 });
    expect(body.allowance).toMatchObject({ level: "ok", calls: { used: 19, percent: 76 }, callsBlocked: false });

    await seedCalls(1);
    body = await view(a);
    expect(body.allowance).toMatchObject({ level: "warning", calls: { used: 20, percent: 80 }, callsBlocked: false });

    await seedCalls(5);
    body = await view(a);
    expect(body.allowance).toMatchObject({ level: "exhausted", calls: { used: 25, percent: 100 }, callsBlocked: true, estimatedOverageUsd: 0 });
  });

  it("workspace B's view is its own: zero use while A has calls", async () => {
    expect((await view(a)).usage.calls).toBeGreaterThan(0);
    const body = await view(b);
    expect(body.usage).toEqual({ calls: 0, minutes: 0, agents: 0, phoneNumbers: 0 });
    expect(body.allowance.level).toBe("ok");
  });

  it("a viewer can read it; without a session it is a 401", async () => {
    const viewer = await addMember(t.app, a, "viewer");
    expect((await view(viewer)).usage.calls).toBe(25);
    const res = await t.app.inject({ url: "/v1/billing/subscription" });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe("unauthorized");
  });

  it("a Starter subscription: its plan and period; past_due keeps it within the grace, then the Free plan", async () => {
    const tenant = tenantScope(t.db, a.workspaceId);
    await tenant.billing.saveSubscription({
      planId: "starter",
      status: "active",
      stripeCustomerId: `cus_${a.workspaceId}`,
      stripeSubscriptionId: `sub_${a.workspaceId}`,
      currentPeriodStart: new Date("2026-03-10T08:00:00Z"),
      currentPeriodEnd: new Date("2026-04-10T08:00:00Z"),
    });
    let body = await view(a);
    expect(body).toMatchObject({
      plan: { id: "starter" },
      status: "active",
      currentPeriodStart: "2026-03-10T08:00:00.000Z",
      currentPeriodEnd: "2026-04-10T08:00:00.000Z",
      hasBillingAccount: true,
      graceEndsAt: null,
    });
    // Only the calls since the 10th count, against 250 with overage: far from blocked.
    expect(body.allowance).toMatchObject({ level: "ok", calls: { used: 25, included: 250, percent: 10 }, callsBlocked: false });

    await tenant.billing.saveSubscription({
      planId: "starter",
      status: "past_due",
      pastDueSince: new Date("2026-03-14T00:00:00Z"),
      paymentFailedAt: new Date("2026-03-14T00:00:00Z"),
    });
    body = await view(a);
    expect(body).toMatchObject({ plan: { id: "starter" }, status: "past_due", graceEndsAt: "2026-03-21T00:00:00.000Z", paymentFailed: true });

    clock = new Date("2026-03-21T00:00:01Z");
    body = await view(a);
    expect(body).toMatchObject({ plan: { id: "free" }, status: "past_due", currentPeriodStart: "2026-03-01T00:00:00.000Z" });
    expect(body.allowance).toMatchObject({ level: "exhausted", callsBlocked: true });
    clock = new Date("2026-03-15T12:00:00Z");
  });
});

describe("plan limits on agents and phone numbers (billing on)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(stripeBilling(), { now: () => new Date("2026-03-15T12:00:00Z") });
  });
  afterAll(() => t.close());

  const agentsOf = async (account: Account) => (await t.app.inject({ url: "/v1/agents", headers: bearer(account.token) })).json().data;
  const addNumber = (account: Account, number: string) =>
    t.app.inject({ method: "POST", url: "/v1/phone-numbers", headers: bearer(account.token), payload: { number, provider: "twilio" } });

  it("Free includes one agent: the second (directly or from a template) is a 402 plan_limit, and nothing is created", async () => {
    const a = await signup(t.app, "limit-agents");
    expect((await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(a.token), payload: validAgent })).statusCode).toBe(201);

    const res = await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(a.token), payload: { ...validAgent, name: "Second" } });
    expect(res.statusCode, res.body).toBe(402);
    expect(res.json().error).toEqual({
      code: "plan_limit",
      message: "Your Free plan includes 1 agent. Upgrade your plan to add more.",
      details: { limit: 1, used: 1, planId: "free", resource: "agents" },
    });
    const fromTemplate = await t.app.inject({ method: "POST", url: "/v1/templates/dental/agents", headers: bearer(a.token), payload: {} });
    expect(fromTemplate.statusCode, fromTemplate.body).toBe(402);
    expect(fromTemplate.json().error.code).toBe("plan_limit");

    expect((await agentsOf(a)).map((x: { name: string }) => x.name)).toEqual(["Front desk"]);
    const audit = (await t.app.inject({ url: "/v1/audit-logs", headers: bearer(a.token) })).json().data;
    expect(audit.filter((e: { action: string }) => e.action === "agent.created")).toHaveLength(1);
  });

  it("Starter includes three agents and one phone number", async () => {
    const a = await signup(t.app, "limit-starter");
    await tenantScope(t.db, a.workspaceId).billing.saveSubscription({ planId: "starter", status: "active" });
    for (const name of ["One", "Two", "Three"]) {
      expect((await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(a.token), payload: { ...validAgent, name } })).statusCode).toBe(201);
    }
    const fourth = await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(a.token), payload: { ...validAgent, name: "Four" } });
    expect(fourth.statusCode).toBe(402);
    expect(fourth.json().error.message).toBe("Your Starter plan includes 3 agents. Upgrade your plan to add more.");

    expect((await addNumber(a, "+14155550181")).statusCode).toBe(201);
    const second = await addNumber(a, "+14155550182");
    expect(second.statusCode).toBe(402);
    expect(second.json().error).toMatchObject({
      message: "Your Starter plan includes 1 phone number. Upgrade your plan to add more.",
      details: { limit: 1, used: 1, planId: "starter", resource: "phoneNumbers" },
    });
  });

  it("Free includes no phone numbers", async () => {
    const a = await signup(t.app, "limit-numbers");
    const res = await addNumber(a, "+14155550183");
    expect(res.statusCode, res.body).toBe(402);
    expect(res.json().error).toMatchObject({
      code: "plan_limit",
      message: "Your Free plan does not include phone numbers. Upgrade your plan to add one.",
      details: { limit: 0, used: 0, planId: "free", resource: "phoneNumbers" },
    });
    expect((await t.app.inject({ url: "/v1/phone-numbers", headers: bearer(a.token) })).json().data).toEqual([]);
  });

  it("one workspace's agents do not use up another's allowance", async () => {
    const a = await signup(t.app, "limit-iso-a");
    const b = await signup(t.app, "limit-iso-b");
    expect((await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(a.token), payload: validAgent })).statusCode).toBe(201);
    expect((await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(b.token), payload: validAgent })).statusCode).toBe(201);
  });
});

describe("billing off (the self-hosted default)", () => {
  it("the unlimited plan: no limit on agents or phone numbers, no allowance", async () => {
    const t = await buildTestApp({}, { db: shared });
    try {
      const a = await signup(t.app, "off");
      for (let i = 0; i < 4; i++) {
        expect((await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(a.token), payload: validAgent })).statusCode).toBe(201);
      }
      for (const n of ["+14155550191", "+14155550192"]) {
        const res = await t.app.inject({ method: "POST", url: "/v1/phone-numbers", headers: bearer(a.token), payload: { number: n, provider: "telnyx" } });
        expect(res.statusCode, res.body).toBe(201);
      }
      const body = (await t.app.inject({ url: "/v1/billing/subscription", headers: bearer(a.token) })).json();
      expect(body).toMatchObject({ billing: "off", plan: { id: "unlimited" }, status: "none", usage: { agents: 4, phoneNumbers: 2 } });
      expect(body.allowance).toMatchObject({ level: "ok", callsBlocked: false, calls: { included: null, percent: null } });
    } finally {
      await t.close();
    }
  });
});
