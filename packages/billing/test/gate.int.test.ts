import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { testConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { systemRepository, tenantScope, type Database, type TenantScope } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { createBilling, createPlanGate, type Billing } from "../src/index.ts";

const NOW = new Date("2026-12-15T12:00:00Z");
const DAY_MS = 24 * 3600_000;
const billingConfig = { ...testConfig().billing, mode: "stripe" as const, graceDays: 7 };
const stripeBilling: Billing = createBilling(billingConfig, { now: () => NOW });

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

function logSink() {
  const warnings: { obj: object; msg: string }[] = [];
  return { warnings, log: { warn: (obj: object, msg: string) => void warnings.push({ obj, msg }) } };
}

async function metric(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) return 0;
  const { values } = await m.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

async function workspace(): Promise<TenantScope> {
  const id = createId("workspace");
  await systemRepository(db.system).insertWorkspace({ id, name: id, slug: id });
  return tenantScope(db, id);
}

/** `n` ended web calls started at `at` (a test call when `test`). */
async function calls(t: TenantScope, n: number, at: Date, o: { test?: boolean } = {}) {
  for (let i = 0; i < n; i++) {
    await t.calls.insert({
      id: createId("call"),
      channel: "web",
      status: "completed",
      startedAt: new Date(at.getTime() + i * 1000),
      ...(o.test ? { metadata: { test: true } } : {}),
    });
  }
}

/** A tenant that records every use: billing off must not touch it. */
function untouchable(): { tenant: TenantScope; touched: string[] } {
  const touched: string[] = [];
  const tenant = new Proxy({} as TenantScope, {
    get(_target, prop) {
      touched.push(String(prop));
      throw new Error(`billing off read ${String(prop)}`);
    },
  });
  return { tenant, touched };
}

describe("plan gate", () => {
  it("billing off admits without reading anything, with no plan concurrency", async () => {
    const registry = new Registry();
    const gate = createPlanGate(createBilling({ ...billingConfig, mode: "off" }), { ...logSink(), metrics: registry });
    const { tenant, touched } = untouchable();
    expect(await gate.admit(tenant)).toEqual({ ok: true, concurrentCalls: null });
    expect(touched).toEqual([]);
    expect(await metric(registry, "orbis_billing_gate_fail_open_total")).toBe(0);
  });

  it("the Free plan refuses the call after its 25 included calls this month, naming the plan and when it renews; test calls and last month do not count", async () => {
    const registry = new Registry();
    const gate = createPlanGate(stripeBilling, { ...logSink(), metrics: registry });
    const t = await workspace();
    await calls(t, 24, new Date("2026-12-01T08:00:00Z"));
    await calls(t, 5, new Date("2026-12-10T08:00:00Z"), { test: true });
    await calls(t, 10, new Date("2026-11-20T08:00:00Z"));
    expect(await gate.admit(t, "web")).toEqual({ ok: true, concurrentCalls: 1 });

    await calls(t, 1, new Date("2026-12-14T08:00:00Z"));
    expect(await gate.admit(t, "twilio")).toEqual({
      ok: false,
      reason: "allowance_spent",
      message: "This workspace has used the 25 calls its Free plan includes this month; calls resume on 1 January or after an upgrade.",
    });
    expect(await metric(registry, "orbis_billing_calls_refused_total", { channel: "twilio" })).toBe(1);
    expect(await metric(registry, "orbis_billing_calls_refused_total", { channel: "web" })).toBe(0);
  });

  it("Starter (with overage) admits beyond its allowance, at its own concurrency", async () => {
    const gate = createPlanGate(stripeBilling, logSink());
    const t = await workspace();
    await t.billing.saveSubscription({
      planId: "starter",
      status: "active",
      currentPeriodStart: new Date("2026-12-03T00:00:00Z"),
      currentPeriodEnd: new Date("2027-01-03T00:00:00Z"),
    });
    await calls(t, 251, new Date("2026-12-04T00:00:00Z"));
    expect(await gate.admit(t)).toEqual({ ok: true, concurrentCalls: 3 });
  });

  it("past_due within the grace period keeps Starter; after it the Free plan's spent allowance refuses", async () => {
    const gate = createPlanGate(stripeBilling, logSink());
    const t = await workspace();
    const period = { currentPeriodStart: new Date("2026-12-03T00:00:00Z"), currentPeriodEnd: new Date("2027-01-03T00:00:00Z") };
    await t.billing.saveSubscription({ planId: "starter", status: "past_due", pastDueSince: new Date(NOW.getTime() - 2 * DAY_MS), ...period });
    await calls(t, 30, new Date("2026-12-05T00:00:00Z"));
    expect(await gate.admit(t)).toEqual({ ok: true, concurrentCalls: 3 });

    await t.billing.saveSubscription({ planId: "starter", status: "past_due", pastDueSince: new Date(NOW.getTime() - 8 * DAY_MS), ...period });
    const refused = await gate.admit(t);
    expect(refused).toMatchObject({ ok: false, reason: "allowance_spent" });
    expect(refused.ok ? "" : refused.message).toContain("its Free plan includes this month; calls resume on 1 January");
  });

  it("fails open: when billing cannot be read the call is admitted, counted, and logged once a minute per workspace", async () => {
    const registry = new Registry();
    const sink = logSink();
    const gate = createPlanGate(stripeBilling, { log: sink.log, metrics: registry });
    const real = await workspace();
    const broken = (workspaceId: string) =>
      ({
        workspaceId,
        billing: {
          subscription: () => Promise.reject(new Error("connection terminated unexpectedly")),
          periodUsage: () => Promise.reject(new Error("unreachable")),
        },
      }) as unknown as TenantScope;
    expect(await gate.admit(broken(real.workspaceId))).toEqual({ ok: true, concurrentCalls: null });
    expect(await gate.admit(broken(real.workspaceId))).toEqual({ ok: true, concurrentCalls: null });
    expect(await gate.admit(broken("ws_other"))).toEqual({ ok: true, concurrentCalls: null });
    expect(await metric(registry, "orbis_billing_gate_fail_open_total")).toBe(3);
    expect(sink.warnings.map((w) => (w.obj as { workspaceId: string }).workspaceId)).toEqual([real.workspaceId, "ws_other"]);
    expect(await metric(registry, "orbis_billing_calls_refused_total")).toBe(0);

    // The usage query failing is the same: admitted.
    const usageBroken = { workspaceId: real.workspaceId, billing: { ...real.billing, periodUsage: () => Promise.reject(new Error("timeout")) } };
    expect(await gate.admit(usageBroken as unknown as TenantScope)).toEqual({ ok: true, concurrentCalls: null });
    expect(await metric(registry, "orbis_billing_gate_fail_open_total")).toBe(4);
  });
});
