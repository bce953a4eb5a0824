import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { tenantScope } from "@orbis/db";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

/**
 * Sales practice in usage (docs/practice.md, Usage): `GET /v1/usage`, `/v1/usage/daily` and its CSV carry
 * practice sessions, minutes, cost and charge (the practice price per minute) as their own line, over the same range, for the workspace only;
 * practice never counts as calls nor against the plan's allowance.
 */
let t: TestApp;
let a: Account;
let b: Account;
let rep: Account;
let viewer: Account;

/** A session as the gateway's finish writes it (started at `at`, `seconds` long, costing `costUsd`, charged `chargeUsd` at the practice price). */
async function session(
  who: Account,
  at: string,
  seconds: number | null,
  costUsd: number,
  status: "completed" | "live" = "completed",
  chargeUsd: number | null = null,
) {
  await tenantScope(t.db, who.workspaceId).practice.insertSession(
    { userId: who.userId, role: "staff" },
    {
      id: createId("practiceSession"),
      userId: who.userId,
      personaId: "persona_builtin",
      scenarioId: "scenario_builtin",
      persona: { name: "Dana Reyes" },
      scenario: { name: "Cold call", type: "cold_call" },
      status,
      startedAt: new Date(at),
      ...(seconds === null ? {} : { endedAt: new Date(Date.parse(at) + seconds * 1000), durationSec: seconds }),
      costUsd,
      chargeUsd,
    },
  );
}

beforeAll(async () => {
  // Billing on: the plan's allowance is counted, and practice must stay out of it.
  t = await buildTestApp({ billing: { ...testConfig().billing, mode: "stripe" } }, { now: () => new Date("2026-03-15T12:00:00Z") });
  a = await signup(t.app, "usage-practice-a");
  b = await signup(t.app, "usage-practice-b");
  rep = await addMember(t.app, a, "staff");
  viewer = await addMember(t.app, a, "viewer");
  // Workspace A: two reps' sessions on 2 March, one on 3 March (still live), one outside the range.
  await session(a, "2026-03-02T09:00:00Z", 300, 0.05, "completed", 1.5);
  await session(rep, "2026-03-02T15:30:00Z", 90, 0.0125, "completed", 0.45);
  await session(rep, "2026-03-03T10:00:00Z", null, 0, "live");
  await session(a, "2026-03-05T10:00:00Z", 600, 1, "completed", 2);
  // Workspace B: one session the same day.
  await session(b, "2026-03-02T11:00:00Z", 120, 0.5);
});
afterAll(() => t.close());

const get = (who: Account, url: string) => t.app.inject({ url, headers: bearer(who.token) });
const range = "from=2026-03-01&to=2026-03-03&tz=UTC";

describe("practice in usage", () => {
  it("GET /v1/usage: sessions started in the range, every rep's, as a line of its own (no calls)", async () => {
    const res = await get(viewer, "/v1/usage?from=2026-03-01T00:00:00Z&to=2026-03-04T00:00:00Z");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.practice).toEqual({ sessions: 3, minutes: 6.5, costUsd: 0.0625, chargeUsd: 1.95 });
    expect(body).toMatchObject({ calls: 0, costUsd: 0 });
  });

  it("the daily view and its CSV: practice per day in the zone", async () => {
    const res = await get(a, `/v1/usage/daily?${range}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().days.map((d: { practice: unknown }) => d.practice)).toEqual([
      { sessions: 0, minutes: 0, costUsd: 0, chargeUsd: 0 },
      { sessions: 2, minutes: 6.5, costUsd: 0.0625, chargeUsd: 1.95 },
      { sessions: 1, minutes: 0, costUsd: 0, chargeUsd: 0 },
    ]);
    expect(res.json().days[1].calls).toEqual({ web: 0, twilio: 0, telnyx: 0 });
    // In New York, the 15:30 UTC session is still 2 March, the 09:00 one too; the 10:00 live one is 3 March.
    const ny = (await get(a, "/v1/usage/daily?from=2026-03-02&to=2026-03-02&tz=America%2FNew_York")).json();
    expect(ny.days[0].practice).toEqual({ sessions: 2, minutes: 6.5, costUsd: 0.0625, chargeUsd: 1.95 });

    const csv = await get(a, `/v1/usage/daily.csv?${range}`);
    const [header, ...lines] = csv.body.trim().split("\r\n");
    expect(header!.split(",").slice(-4)).toEqual(["practice_sessions", "practice_minutes", "practice_cost_usd", "practice_charge_usd"]);
    expect(lines.map((l) => l.split(",").slice(-4).join(","))).toEqual(["0,0,0,0", "2,6.5,0.0625,1.95", "1,0,0,0"]);
  });

  it("workspace B's usage never includes A's practice (and A's never B's)", async () => {
    const summary = (await get(b, "/v1/usage?from=2026-03-01T00:00:00Z&to=2026-03-06T00:00:00Z")).json();
    expect(summary.practice).toEqual({ sessions: 1, minutes: 2, costUsd: 0.5, chargeUsd: 0 });
    const daily = (await get(b, `/v1/usage/daily?${range}`)).json();
    expect(daily.days.map((d: { practice: { sessions: number } }) => d.practice.sessions)).toEqual([0, 1, 0]);
    const fromA = (await get(a, "/v1/usage?from=2026-03-01T00:00:00Z&to=2026-03-06T00:00:00Z")).json();
    expect(fromA.practice).toEqual({ sessions: 4, minutes: 16.5, costUsd: 1.0625, chargeUsd: 3.95 });
  });

  it("practice does not count against the plan's call allowance", async () => {
    const view = (await get(a, "/v1/billing/subscription")).json();
    expect(view.usage).toMatchObject({ calls: 0, minutes: 0 });
    expect(view.allowance).toMatchObject({ callsBlocked: false, calls: { used: 0 } });
  });
});
