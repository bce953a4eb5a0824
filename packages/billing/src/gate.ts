import { DateTime } from "luxon";
import type { Channel, Plan } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import { Counter, type Registry } from "prom-client";
import { allowanceOf } from "./allowance.ts";
import type { Billing } from "./billing.ts";
import { calendarMonthOf, type BillingPeriod } from "./period.ts";
import { loadStanding } from "./state.ts";

/** What the gateway learns when a call starts: go ahead (with the plan's concurrency, null: no plan limit), or not. */
type Admission = { ok: true; concurrentCalls: number | null } | { ok: false; reason: "allowance_spent"; message: string };

/** The part of a logger the gate uses (pino's and Fastify's fit). */
interface GateLog {
  warn(obj: object, msg: string): void;
}

/** A workspace whose billing could not be read is logged at most this often. */
const FAIL_OPEN_LOG_EVERY_MS = 60_000;

const UNLIMITED: Admission = { ok: true, concurrentCalls: null };

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  // One registry may hold gates of several mounts (browser stream, carrier webhooks) in one process.
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/** "this month" for a calendar-month period (the default plan), else the subscription's own period. */
function periodWords(period: BillingPeriod): string {
  const month = calendarMonthOf(period.start);
  return month.start.getTime() === period.start.getTime() && month.end.getTime() === period.end.getTime() ? "this month" : "this billing period";
}

/** The refusal the workspace's users read (the dashboard's test call and widget show it; callers never hear it). */
function allowanceSpentMessage(plan: Plan, usage: { calls: number; seconds: number }, period: BillingPeriod): string {
  const spentCalls = plan.includedCalls !== null && usage.calls >= plan.includedCalls;
  const what = spentCalls ? `${plan.includedCalls} calls` : `${plan.includedMinutes} minutes`;
  const renews = DateTime.fromJSDate(period.end, { zone: "UTC" }).setLocale("en-GB").toFormat("d LLLL");
  return `This workspace has used the ${what} its ${plan.name} plan includes ${periodWords(period)}; calls resume on ${renews} or after an upgrade.`;
}

/**
 * The plan check a call passes once, when it starts (never per frame): a plan without overage whose
 * allowance is spent refuses new calls until the period renews; otherwise the call goes ahead with the
 * plan's concurrent-call limit. Billing off admits without a query. A billing problem never blocks a
 * call: if the standing or the usage cannot be read, the call is admitted (fail open), logged once a
 * minute per workspace and counted in `orbis_billing_gate_fail_open_total`.
 */
export function createPlanGate(billing: Billing, o: { log: GateLog; metrics?: Registry }) {
  const failOpen =
    o.metrics && counter(o.metrics, "orbis_billing_gate_fail_open_total", "Calls admitted because the workspace's plan or usage could not be read", []);
  const refusedCalls =
    o.metrics && counter(o.metrics, "orbis_billing_calls_refused_total", "Calls refused because the workspace's plan allowance is spent", ["channel"] as const);
  const lastWarned = new Map<string, number>();

  const warnOnce = (workspaceId: string, err: unknown) => {
    const at = Date.now();
    const last = lastWarned.get(workspaceId);
    if (last !== undefined && at - last < FAIL_OPEN_LOG_EVERY_MS) return;
    // Forget stale entries so the map holds only workspaces warned in the last minute.
    for (const [id, t] of lastWarned) if (at - t >= FAIL_OPEN_LOG_EVERY_MS) lastWarned.delete(id);
    lastWarned.set(workspaceId, at);
    o.log.warn({ err, workspaceId }, "billing gate could not read the plan or usage; call admitted");
  };

  return {
    /** Whether the workspace may start a call now; `channel` labels a refusal in the metrics. */
    async admit(tenant: TenantScope, channel: Channel = "web"): Promise<Admission> {
      if (billing.plans.mode === "off") return UNLIMITED;
      let plan: Plan;
      let period: BillingPeriod;
      let usage: { calls: number; seconds: number };
      try {
        const standing = await loadStanding(tenant, billing);
        plan = standing.plan;
        period = standing.period;
        usage = await tenant.billing.periodUsage(period.start);
      } catch (err) {
        warnOnce(tenant.workspaceId, err);
        failOpen?.inc();
        return UNLIMITED;
      }
      if (allowanceOf(plan, usage).callsBlocked) {
        refusedCalls?.inc({ channel });
        return { ok: false, reason: "allowance_spent", message: allowanceSpentMessage(plan, usage, period) };
      }
      return { ok: true, concurrentCalls: plan.concurrentCalls };
    },
  };
}
export type PlanGate = ReturnType<typeof createPlanGate>;
